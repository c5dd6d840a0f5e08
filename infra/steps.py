"""Pending steps of conversations, in the database so that every worker sees them.

A step is opened when the bot asks something (an amount for a card, a yes/no confirmation),
bound to its chat, to what it is about and to the prompt messages that asked; it is closed
when answered ("done"), when something newer takes its place ("superseded") or when it
expires. Closed steps stay for a day, so a late answer can be told what became of its question.

A chat is a chat with one bot: steps are kept per bot (`infra.bots.current_bot`), so a question
asked by a café's bot is answered in that bot only.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Executable, bindparam, delete, select, update

from domain.clock import Clock
from domain.db.uow import Database
from infra.bots import current_bot
from infra.tables import PendingStep

KEEP_CLOSED = timedelta(days=1)
RECENT_STEPS = 50  # how many of a chat's latest steps a reply is matched against


class StepState(StrEnum):
    """Where a step stands. The closed ones are stored as their text in
    pending_steps.closed_as; OPEN and EXPIRED are never stored (an open step has no closed_as,
    and expiry is read from its time)."""

    OPEN = "open"
    EXPIRED = "expired"
    DONE = "done"  # answered
    SUPERSEDED = "superseded"  # something newer took its place
    CANCELLED = "cancelled"  # answered No, or refused so that it is asked anew


CLOSED = (StepState.DONE, StepState.SUPERSEDED, StepState.CANCELLED)


@dataclass(frozen=True)
class Step:
    id: int
    chat_id: int
    kind: str
    subject_id: int | None
    payload: str | None
    prompt_ids: tuple[int, ...]
    expires_at: datetime
    closed_as: StepState | None  # None while open; else one of CLOSED

    def is_open(self, now: datetime) -> bool:
        return self.closed_as is None and now < self.expires_at

    def stands(self, now: datetime) -> bool:
        """Open, or answered: a tap replayed on an answered question may make its operation
        again under the same key (which makes it once)."""
        return self.state(now) in (StepState.OPEN, StepState.DONE)

    def state(self, now: datetime) -> StepState:
        """Open, expired, or how it was closed."""
        if self.closed_as is not None:
            return self.closed_as
        return StepState.OPEN if now < self.expires_at else StepState.EXPIRED


# What a Step is read from: columns, not ORM entities (no identity map or attribute
# instrumentation per row on the hot path: every counter command looks up its chat's steps).
_STEP_COLUMNS = (
    PendingStep.id,
    PendingStep.chat_id,
    PendingStep.kind,
    PendingStep.subject_id,
    PendingStep.payload,
    PendingStep.prompt_ids,
    PendingStep.expires_at,
    PendingStep.closed_as,
)


def _newest_of_kinds(*conditions: ColumnElement[bool]) -> Executable:
    """The newest step of a chat of the given kinds (bound: for_bot, chat, kinds), built once so
    that it keeps its SQL cache key."""
    return (
        select(*_STEP_COLUMNS)
        .where(
            PendingStep.bot_id == bindparam("for_bot"),
            PendingStep.chat_id == bindparam("chat"),
            PendingStep.kind.in_(bindparam("kinds", expanding=True)),
            *conditions,
        )
        .order_by(PendingStep.id.desc())
        .limit(1)
    )


_LATEST = _newest_of_kinds()
_LATEST_OPEN = _newest_of_kinds(
    PendingStep.closed_as.is_(None),
    PendingStep.expires_at > bindparam("now", type_=PendingStep.expires_at.type),
)


def _step(row: Any) -> Step:
    """A Step from a PendingStep entity or a row of _STEP_COLUMNS (the same names)."""
    return Step(
        id=row.id,
        chat_id=row.chat_id,
        kind=row.kind,
        subject_id=row.subject_id,
        payload=row.payload,
        prompt_ids=tuple(int(p) for p in row.prompt_ids.split()),
        expires_at=row.expires_at,
        closed_as=None if row.closed_as is None else StepState(row.closed_as),
    )


class PendingSteps:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def open(
        self,
        chat_id: int,
        kind: str,
        *,
        ttl: timedelta,
        subject_id: int | None = None,
        payload: str | None = None,
        supersedes: Collection[str] = (),
    ) -> Step:
        """A new open step; open steps of the kinds in `supersedes` in this chat are closed."""
        now = self._clock.now()
        async with self._db.write() as session:
            if supersedes:
                await session.execute(self._closing(chat_id, supersedes, StepState.SUPERSEDED, now))
            row = PendingStep(
                bot_id=current_bot.get(),
                chat_id=chat_id,
                kind=kind,
                subject_id=subject_id,
                payload=payload,
                prompt_ids="",
                created_at=now,
                expires_at=now + ttl,
            )
            session.add(row)
            await session.flush()
            return _step(row)

    async def add_prompt(self, step_id: int, message_id: int) -> None:
        """The message that asked for this step: a reply to it answers the step."""
        async with self._db.write() as session:
            row = await session.get(PendingStep, step_id)
            if row is not None:
                row.prompt_ids = f"{row.prompt_ids} {message_id}".strip()

    async def get(self, chat_id: int, step_id: int) -> Step | None:
        """The step, in whatever state, if it belongs to this chat."""
        async with self._db.read() as session:
            row = await session.get(PendingStep, step_id)
            if row is None or row.chat_id != chat_id or row.bot_id != current_bot.get():
                return None
            return _step(row)

    async def answered_by_reply(self, chat_id: int, message_id: int) -> Step | None:
        """The step whose prompt the person replied to, in whatever state it is now."""
        for step in await self._recent(chat_id):
            if message_id in step.prompt_ids:
                return step
        return None

    async def latest_open(self, chat_id: int, kinds: Collection[str]) -> Step | None:
        """The newest open step of these kinds (the one row, not the chat's recent ones)."""
        return await self._newest(_LATEST_OPEN, chat_id, kinds, now=self._clock.now())

    async def latest(self, chat_id: int, kinds: Collection[str]) -> Step | None:
        """The newest step of these kinds, open or not (what the person last saw)."""
        return await self._newest(_LATEST, chat_id, kinds)

    async def close(self, step_id: int, closed_as: StepState = StepState.DONE) -> bool:
        """Close an open step; True only for the one call that closed it (one-time use)."""
        now = self._clock.now()
        async with self._db.write() as session:
            result = await session.execute(
                update(PendingStep)
                .where(
                    PendingStep.id == step_id,
                    PendingStep.closed_at.is_(None),
                    PendingStep.expires_at > now,
                )
                .values(closed_at=now, closed_as=closed_as.value)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def supersede(self, chat_id: int, kinds: Collection[str]) -> None:
        """Close this chat's open steps of these kinds: something newer replaces them."""
        async with self._db.write() as session:
            await session.execute(
                self._closing(chat_id, kinds, StepState.SUPERSEDED, self._clock.now())
            )

    async def forget_chat(self, chat_id: int) -> int:
        """Every step of a person's chats with every bot (/forget): a consent question or a
        prompt left open must not outlive what it was about."""
        async with self._db.write() as session:
            result = await session.execute(
                delete(PendingStep).where(PendingStep.chat_id == chat_id)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def prune(self) -> int:
        cutoff = self._clock.now() - KEEP_CLOSED
        async with self._db.write() as session:
            result = await session.execute(
                delete(PendingStep).where(PendingStep.expires_at < cutoff)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def _recent(self, chat_id: int) -> list[Step]:
        async with self._db.read() as session:
            rows = await session.execute(
                select(*_STEP_COLUMNS)
                .where(PendingStep.bot_id == current_bot.get(), PendingStep.chat_id == chat_id)
                .order_by(PendingStep.id.desc())
                .limit(RECENT_STEPS)
            )
            return [_step(row) for row in rows]

    async def _newest(
        self, statement: Executable, chat_id: int, kinds: Collection[str], **values: object
    ) -> Step | None:
        parameters = {"for_bot": current_bot.get(), "chat": chat_id, "kinds": list(kinds)}
        async with self._db.read() as session:
            rows = await session.execute(statement, parameters | values)
            row = rows.first()
            return None if row is None else _step(row)

    @staticmethod
    def _closing(chat_id: int, kinds: Collection[str], closed_as: StepState, now: datetime):  # type: ignore[no-untyped-def]
        return (
            update(PendingStep)
            .where(
                PendingStep.bot_id == current_bot.get(),
                PendingStep.chat_id == chat_id,
                PendingStep.kind.in_(list(kinds)),
                PendingStep.closed_at.is_(None),
            )
            .values(closed_at=now, closed_as=closed_as.value)
        )
