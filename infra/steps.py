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

from sqlalchemy import (
    ColumnElement,
    Executable,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from domain.clock import Clock
from domain.db.uow import Database
from infra.bots import current_bot
from infra.tables import PendingStep

KEEP_CLOSED = timedelta(days=1)
RECENT_STEPS = 50  # how many of a chat's latest steps a reply is matched against
# Chats remembered to have no open step of some kinds (see NoneOpen); past this many the memory
# starts afresh, which only costs a read per chat again.
NONE_OPEN_CHATS = 10_000


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


# Statements on the table, not the mapped class: a Step is read from columns, with no
# identity map or attribute instrumentation per row (every counter command looks up its chat's
# steps), and an UPDATE does not look for the session's objects to bring up to date. Each is
# built once, so that it keeps its SQL cache key; values are bound at execution.
_TABLE: Table = PendingStep.__table__  # type: ignore[assignment]
_STEP_COLUMNS = tuple(
    _TABLE.c[name]
    for name in (
        "id",
        "chat_id",
        "kind",
        "subject_id",
        "payload",
        "prompt_ids",
        "expires_at",
        "closed_as",
    )
)
# A chat's steps (bound: for_bot, chat).
_OF_CHAT = (
    _TABLE.c.bot_id == bindparam("for_bot"),
    _TABLE.c.chat_id == bindparam("chat"),
)


def _newest_of_kinds(*conditions: ColumnElement[bool]) -> Executable:
    """The newest step of a chat of the given kinds (bound: for_bot, chat, kinds), built once so
    that it keeps its SQL cache key."""
    return (
        select(*_STEP_COLUMNS)
        .where(
            *_OF_CHAT,
            _TABLE.c.kind.in_(bindparam("kinds", expanding=True)),
            *conditions,
        )
        .order_by(_TABLE.c.id.desc())
        .limit(1)
    )


_BY_ID = select(*_STEP_COLUMNS).where(_TABLE.c.id == bindparam("step"), *_OF_CHAT)
_RECENT = select(*_STEP_COLUMNS).where(*_OF_CHAT).order_by(_TABLE.c.id.desc()).limit(RECENT_STEPS)
_LATEST = _newest_of_kinds()
_LATEST_OPEN = _newest_of_kinds(
    _TABLE.c.closed_as.is_(None),
    _TABLE.c.expires_at > bindparam("now", type_=_TABLE.c.expires_at.type),
)


_MOMENT = _TABLE.c.closed_at.type  # timestamps are bound with the columns' own type
_OPEN = insert(_TABLE).returning(_TABLE.c.id)
_CLOSE_OPEN_OF_KINDS = (
    update(_TABLE)
    .where(
        *_OF_CHAT,
        _TABLE.c.kind.in_(bindparam("kinds", expanding=True)),
        _TABLE.c.closed_at.is_(None),
    )
    .values(closed_at=bindparam("moment", type_=_MOMENT), closed_as=bindparam("state"))
)
_CLOSE_IF_OPEN = (
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("step"),
        _TABLE.c.closed_at.is_(None),
        _TABLE.c.expires_at > bindparam("moment", type_=_MOMENT),
    )
    .values(closed_at=bindparam("moment", type_=_MOMENT), closed_as=bindparam("state"))
)
_ADD_PROMPT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("step"))
    .values(prompt_ids=func.trim(_TABLE.c.prompt_ids + " " + bindparam("prompt")))
)


def _step(row: Any) -> Step:
    """A Step from a row of _STEP_COLUMNS."""
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


class NoneOpen:
    """Chats known to have no open step of some kinds, so that asking again reads nothing.

    Most updates ask whether a step is open (every operation at the counter asks about the
    card's prompts; every text message asks which question it answers), and most of the time
    none is. Only one process can know that without asking the database: SQLite's, the only
    process that opens steps there (as its chat locks also assume). Nothing is remembered on
    PostgreSQL, where another worker may open a step at any moment.

    Steps only ever close or expire once stored, so "none open" stays true until a step is
    opened in the chat: `opened` forgets the chat. A read that was under way while any step
    was opened is not remembered (its answer may predate the new step)."""

    def __init__(self) -> None:
        self._chats: dict[tuple[int, int], set[frozenset[str]]] = {}
        self._openings = 0  # steps opened so far in this process

    def known(self, chat: tuple[int, int], kinds: frozenset[str]) -> bool:
        return kinds in self._chats.get(chat, ())

    def reading(self) -> int:
        """Taken before a read: `found_none` remembers the read's answer only if no step was
        opened in between."""
        return self._openings

    def found_none(self, chat: tuple[int, int], kinds: frozenset[str], since: int) -> None:
        if since != self._openings:
            return
        if len(self._chats) >= NONE_OPEN_CHATS and chat not in self._chats:
            self._chats.clear()
        self._chats.setdefault(chat, set()).add(kinds)

    def opened(self, chat: tuple[int, int]) -> None:
        """A step was opened (committed) in this chat."""
        self._openings += 1
        self._chats.pop(chat, None)


class PendingSteps:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock
        self._none_open = NoneOpen() if database.dialect.single_process else None

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
        """A new open step; open steps of the kinds in `supersedes` in this chat are closed.

        Two statements, each standing alone (no BEGIN or COMMIT): a chat's updates are handled
        one at a time, so no other update sees the moment between them, and if the second
        fails (only the database failing can make it) the update fails and says so, and the
        superseded steps stay closed, as if they had timed out."""
        now = self._clock.now()
        expires_at = now + ttl
        bot_id = current_bot.get()
        async with self._db.each_statement_alone() as connection:
            if supersedes:
                await connection.execute(
                    _CLOSE_OPEN_OF_KINDS,
                    _closing(bot_id, chat_id, supersedes, StepState.SUPERSEDED, now),
                )
            row = {
                "bot_id": bot_id,
                "chat_id": chat_id,
                "kind": kind,
                "subject_id": subject_id,
                "payload": payload,
                "prompt_ids": "",
                "created_at": now,
                "expires_at": expires_at,
            }
            try:
                step_id = (await connection.execute(_OPEN, row)).scalar_one()
            finally:  # even a failed insert may have been committed
                if self._none_open is not None:
                    self._none_open.opened((bot_id, chat_id))
        return Step(
            id=step_id,
            chat_id=chat_id,
            kind=kind,
            subject_id=subject_id,
            payload=payload,
            prompt_ids=(),
            expires_at=expires_at,
            closed_as=None,
        )

    async def add_prompt(self, step_id: int, message_id: int) -> None:
        """The message that asked for this step: a reply to it answers the step."""
        async with self._db.each_statement_alone() as connection:
            await connection.execute(_ADD_PROMPT, {"step": step_id, "prompt": str(message_id)})

    async def get(self, chat_id: int, step_id: int) -> Step | None:
        """The step, in whatever state, if it belongs to this chat."""
        parameters = {"step": step_id, "for_bot": current_bot.get(), "chat": chat_id}
        async with self._db.read_rows() as connection:
            row = (await connection.execute(_BY_ID, parameters)).first()
            return None if row is None else _step(row)

    async def answered_by_reply(self, chat_id: int, message_id: int) -> Step | None:
        """The step whose prompt the person replied to, in whatever state it is now."""
        for step in await self._recent(chat_id):
            if message_id in step.prompt_ids:
                return step
        return None

    async def latest_open(self, chat_id: int, kinds: Collection[str]) -> Step | None:
        """The newest open step of these kinds (the one row, not the chat's recent ones)."""
        none_open, chat, wanted = self._none_open, (current_bot.get(), chat_id), frozenset(kinds)
        if none_open is not None and none_open.known(chat, wanted):
            return None
        since = none_open.reading() if none_open is not None else 0
        step = await self._newest(_LATEST_OPEN, chat_id, kinds, now=self._clock.now())
        if step is None and none_open is not None:
            none_open.found_none(chat, wanted, since)
        return step

    async def latest(self, chat_id: int, kinds: Collection[str]) -> Step | None:
        """The newest step of these kinds, open or not (what the person last saw)."""
        return await self._newest(_LATEST, chat_id, kinds)

    async def close(self, step_id: int, closed_as: StepState = StepState.DONE) -> bool:
        """Close an open step; True only for the one call that closed it (one-time use)."""
        parameters = {"step": step_id, "moment": self._clock.now(), "state": closed_as.value}
        async with self._db.each_statement_alone() as connection:
            result = await connection.execute(_CLOSE_IF_OPEN, parameters)
            return bool(result.rowcount)

    async def supersede(self, chat_id: int, kinds: Collection[str]) -> None:
        """Close this chat's open steps of these kinds: something newer replaces them."""
        parameters = _closing(
            current_bot.get(), chat_id, kinds, StepState.SUPERSEDED, self._clock.now()
        )
        async with self._db.each_statement_alone() as connection:
            await connection.execute(_CLOSE_OPEN_OF_KINDS, parameters)

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
        parameters = {"for_bot": current_bot.get(), "chat": chat_id}
        async with self._db.read_rows() as connection:
            return [_step(row) for row in await connection.execute(_RECENT, parameters)]

    async def _newest(
        self, statement: Executable, chat_id: int, kinds: Collection[str], **values: object
    ) -> Step | None:
        parameters = {"for_bot": current_bot.get(), "chat": chat_id, "kinds": list(kinds)}
        async with self._db.read_rows() as connection:
            rows = await connection.execute(statement, parameters | values)
            row = rows.first()
            return None if row is None else _step(row)


def _closing(
    bot_id: int, chat_id: int, kinds: Collection[str], closed_as: StepState, now: datetime
) -> dict[str, object]:
    """The values of _CLOSE_OPEN_OF_KINDS: this chat's open steps of these kinds, closed now."""
    return {
        "for_bot": bot_id,
        "chat": chat_id,
        "kinds": list(kinds),
        "moment": now,
        "state": closed_as.value,
    }
