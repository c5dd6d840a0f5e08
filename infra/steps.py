"""Pending steps of conversations, in the database so that every worker sees them.

A step is opened when the bot asks something (an amount for a card, a yes/no confirmation),
bound to its chat, to what it is about and to the prompt messages that asked; it is closed
when answered ("done"), when something newer takes its place ("superseded") or when it
expires. Closed steps stay for a day, so a late answer can be told what became of its question.

A chat is a chat with one bot: steps are kept per bot (`infra.bots.current_bot`), so a question
asked by a café's bot is answered in that bot only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from operator import attrgetter
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
from domain.db.uow import Database, Rows
from infra.bots import current_bot
from infra.tables import PendingStep

KEEP_CLOSED = timedelta(days=1)
RECENT_STEPS = 50  # how many of a chat's latest steps a reply is matched against
# Chats whose unclosed steps are remembered (see UnclosedSteps); past this many the memory
# starts afresh, which only costs a read per chat again.
KNOWN_CHATS = 10_000


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
# A chat's steps not closed, open or expired (what UnclosedSteps remembers of a chat).
_UNCLOSED = select(*_STEP_COLUMNS).where(*_OF_CHAT, _TABLE.c.closed_at.is_(None))
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


Chat = tuple[int, int]  # (bot_id, chat_id)


class UnclosedSteps:
    """Each chat's steps not yet closed (open, or expired unanswered), as far as this process
    knows them, so that the questions asked at nearly every update read nothing: which step is
    open (every operation at the counter asks about the card's prompts, every text message
    which question it answers), this step (a tapped button), and whether a step opening has
    anything to supersede (mostly not: a statement saved).

    Only one process can know them without asking the database: SQLite's, the only process
    that writes steps there (as its chat locks also assume). Nothing is remembered on
    PostgreSQL, where another worker may open or close a step at any moment.

    A chat becomes known from a read of its unclosed steps, and from then on each write of its
    steps changes what is known the same way, while the write holds SQLite's writer turn (so
    writes never overlap one another). A write moves `version` on as it begins, and makes its
    changes here all at once as it ends, moving `version` on again. A read is remembered only
    if `version` did not move while it ran; so the only read remembered while a write is under
    way began after that write did, and the write's changes, made afterwards, bring it up to
    date whether or not it saw the write's statements (a change made twice is made once:
    steps are added and removed by id). A write that fails forgets everything: its outcome is
    not known."""

    def __init__(self) -> None:
        self._chats: dict[Chat, dict[int, Step]] = {}
        self._chat_of: dict[int, Chat] = {}  # the known steps' chats, by step id
        self.version = 0

    def of(self, chat: Chat) -> dict[int, Step] | None:
        """The chat's unclosed steps by id; None if not known."""
        return self._chats.get(chat)

    def remember(self, chat: Chat, steps: list[Step], since: int) -> None:
        """What a read begun at `since` found (see the class)."""
        if since != self.version:
            return
        if len(self._chats) >= KNOWN_CHATS and chat not in self._chats:
            self.forget()
        self._forget_chat(chat)
        self._chats[chat] = {step.id: step for step in steps}
        self._chat_of.update((step.id, chat) for step in steps)

    @contextmanager
    def writing(self) -> Iterator[list[Callable[[], None]]]:
        """Around a write of steps, holding the writer's turn (or around a whole transaction,
        so that it ends after the COMMIT): the write adds its changes of what is known to the
        list, and they are made together when it ends (see the class)."""
        self.version += 1
        changes: list[Callable[[], None]] = []
        try:
            yield changes
        except BaseException:
            self.forget()
            raise
        else:
            for change in changes:
                change()
        finally:
            self.version += 1

    def opened(self, chat: Chat, step: Step) -> None:
        known = self._chats.get(chat)
        if known is not None:
            known[step.id] = step
            self._chat_of[step.id] = chat

    def closed_kinds(self, chat: Chat, kinds: Collection[str]) -> None:
        known = self._chats.get(chat, {})
        for step_id in [step.id for step in known.values() if step.kind in kinds]:
            self.closed(step_id)

    def closed(self, step_id: int) -> None:
        chat = self._chat_of.pop(step_id, None)
        if chat is not None:
            self._chats[chat].pop(step_id, None)

    def prompted(self, step_id: int, message_id: int) -> None:
        chat = self._chat_of.get(step_id)
        if chat is None:
            return
        step = self._chats[chat][step_id]
        if message_id not in step.prompt_ids:
            self._chats[chat][step_id] = replace(step, prompt_ids=(*step.prompt_ids, message_id))

    def forget_chat_id(self, chat_id: int) -> None:
        """Every bot's chat with this person."""
        for chat in [chat for chat in self._chats if chat[1] == chat_id]:
            self._forget_chat(chat)

    def forget(self) -> None:
        self._chats.clear()
        self._chat_of.clear()

    def _forget_chat(self, chat: Chat) -> None:
        for step_id in self._chats.pop(chat, {}):
            self._chat_of.pop(step_id, None)


class PendingSteps:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock
        # Kept on every engine, asked on SQLite only: PostgreSQL's workers never read a chat
        # into it (latest_open), so nothing is known there and the writes' changes touch nothing.
        self._unclosed = UnclosedSteps()
        self._remembers = database.dialect.single_process

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
        chat = (current_bot.get(), chat_id)
        async with self._db.each_statement_alone() as connection:
            with self._unclosed.writing() as changes:
                await self._supersede(connection, chat, supersedes, now, changes)
                row = {
                    "bot_id": chat[0],
                    "chat_id": chat_id,
                    "kind": kind,
                    "subject_id": subject_id,
                    "payload": payload,
                    "prompt_ids": "",
                    "created_at": now,
                    "expires_at": expires_at,
                }
                step_id = (await connection.execute(_OPEN, row)).scalar_one()
                step = Step(
                    id=step_id,
                    chat_id=chat_id,
                    kind=kind,
                    subject_id=subject_id,
                    payload=payload,
                    prompt_ids=(),
                    expires_at=expires_at,
                    closed_as=None,
                )
                changes.append(partial(self._unclosed.opened, chat, step))
        return step

    async def add_prompt(self, step_id: int, message_id: int) -> None:
        """The message that asked for this step: a reply to it answers the step."""
        async with self._db.each_statement_alone() as connection:
            with self._unclosed.writing() as changes:
                await connection.execute(_ADD_PROMPT, {"step": step_id, "prompt": str(message_id)})
                changes.append(partial(self._unclosed.prompted, step_id, message_id))

    async def get(self, chat_id: int, step_id: int) -> Step | None:
        """The step, in whatever state, if it belongs to this chat."""
        bot_id = current_bot.get()
        known = self._unclosed.of((bot_id, chat_id))
        if known is not None and step_id in known:
            return known[step_id]
        parameters = {"step": step_id, "for_bot": bot_id, "chat": chat_id}
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
        chat, now = (current_bot.get(), chat_id), self._clock.now()
        if not self._remembers:
            return await self._newest(_LATEST_OPEN, chat_id, kinds, now=now)
        known = self._unclosed.of(chat)
        if known is None:
            known = await self._read_unclosed(chat)
        open_ones = [step for step in known.values() if step.kind in kinds and step.is_open(now)]
        return max(open_ones, key=attrgetter("id"), default=None)

    async def latest(self, chat_id: int, kinds: Collection[str]) -> Step | None:
        """The newest step of these kinds, open or not (what the person last saw)."""
        return await self._newest(_LATEST, chat_id, kinds)

    async def close(self, step_id: int, closed_as: StepState = StepState.DONE) -> bool:
        """Close an open step; True only for the one call that closed it (one-time use)."""
        parameters = {"step": step_id, "moment": self._clock.now(), "state": closed_as.value}
        async with self._db.each_statement_alone() as connection:
            with self._unclosed.writing() as changes:
                result = await connection.execute(_CLOSE_IF_OPEN, parameters)
                closed = bool(result.rowcount)
                if closed:
                    changes.append(partial(self._unclosed.closed, step_id))
                return closed

    async def supersede(self, chat_id: int, kinds: Collection[str]) -> None:
        """Close this chat's open steps of these kinds: something newer replaces them."""
        chat = (current_bot.get(), chat_id)
        async with self._db.each_statement_alone() as connection:
            with self._unclosed.writing() as changes:
                await self._supersede(connection, chat, kinds, self._clock.now(), changes)

    async def forget_chat(self, chat_id: int) -> int:
        """Every step of a person's chats with every bot (/forget): a consent question or a
        prompt left open must not outlive what it was about."""
        # What is known changes once the DELETE is committed: a read before may still see them.
        with self._unclosed.writing() as changes:
            async with self._db.write() as session:
                result = await session.execute(
                    delete(PendingStep).where(PendingStep.chat_id == chat_id)
                )
            changes.append(partial(self._unclosed.forget_chat_id, chat_id))
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def prune(self) -> int:
        cutoff = self._clock.now() - KEEP_CLOSED
        with self._unclosed.writing() as changes:  # outside the transaction, as in forget_chat
            pruned = await self._db.delete_in_batches(
                (PendingStep.id,), PendingStep.expires_at < cutoff
            )
            changes.append(self._unclosed.forget)  # expired steps it knew may be gone
            return pruned

    async def _supersede(
        self,
        connection: Rows,
        chat: Chat,
        kinds: Collection[str],
        now: datetime,
        changes: list[Callable[[], None]],
    ) -> None:
        """Close the chat's steps of these kinds not closed yet; no statement when this process
        knows there are none."""
        if not kinds:
            return
        known = self._unclosed.of(chat)
        if known is not None and not any(step.kind in kinds for step in known.values()):
            return
        await connection.execute(
            _CLOSE_OPEN_OF_KINDS, _closing(chat[0], chat[1], kinds, StepState.SUPERSEDED, now)
        )
        changes.append(partial(self._unclosed.closed_kinds, chat, kinds))

    async def _read_unclosed(self, chat: Chat) -> dict[int, Step]:
        """The chat's unclosed steps, read and remembered (SQLite only)."""
        since = self._unclosed.version
        parameters = {"for_bot": chat[0], "chat": chat[1]}
        async with self._db.read_rows() as connection:
            steps = [_step(row) for row in await connection.execute(_UNCLOSED, parameters)]
        self._unclosed.remember(chat, steps, since)
        return {step.id: step for step in steps}

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
