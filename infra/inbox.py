"""The update inbox: Telegram updates are stored before they are confirmed, handled once.

Receiving and processing are decoupled so that a crash at any point means re-delivery from the
database, never a lost update, and a re-delivered update (a retry of Telegram, of a webhook, or
of our own inbox after a restart) is recognised and skipped.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Insert, Table, bindparam, select, update

from domain.clock import Clock
from domain.db.dialect import Dialect
from domain.db.uow import Database
from infra.tables import InboundUpdate

UNHANDLED_KEPT = timedelta(days=7)


@dataclass(frozen=True)
class PrunedUpdates:
    handled: int
    unhandled: int  # stored, never marked handled, dropped with their payloads


_UPDATES = cast(Table, InboundUpdate.__table__)


@functools.cache
def _receive_statement(dialect: Dialect) -> Insert:
    """Store updates of one bot and return the ids still to handle, built once, on the table
    (the ORM would annotate and key a copy at every execution).

    One row's statement, executed with a batch's rows: SQLAlchemy sends them as one INSERT of
    several VALUES rows ("insertmanyvalues") from this statement's compiled form, where an
    INSERT built with several VALUES rows has no SQL cache key and is compiled at every call.

    A new update is inserted and returned; a known one not yet processed is "updated" to itself
    only so that RETURNING names it too; a processed one matches neither and is left out."""
    statement: Insert = dialect.insert(_UPDATES).values(
        bot_id=bindparam("for_bot"),
        update_id=bindparam("update_id"),
        payload=bindparam("payload"),
        received_at=bindparam("received", type_=_UPDATES.c.received_at.type),
    )
    upsert = cast(Any, statement).on_conflict_do_update(
        index_elements=[_UPDATES.c.bot_id, _UPDATES.c.update_id],
        set_={"received_at": _UPDATES.c.received_at},
        where=_UPDATES.c.processed_at.is_(None),
    )
    return cast(Insert, upsert.returning(_UPDATES.c.update_id))


# The id is all a re-delivery check needs; the payload holds names and tokens.
_MARK_PROCESSED = (
    update(_UPDATES)
    .where(
        _UPDATES.c.bot_id == bindparam("for_bot"),
        _UPDATES.c.update_id.in_(bindparam("update_ids", expanding=True)),
        _UPDATES.c.processed_at.is_(None),
    )
    .values(processed_at=bindparam("now", type_=_UPDATES.c.processed_at.type), payload="")
)


class Inbox:
    """Durable receipt and exactly-once bookkeeping of incoming updates."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def receive(self, bot_id: int, updates: Iterable[tuple[int, str]]) -> list[int]:
        """Store a batch of one bot's (update_id, JSON payload) in one statement.

        Returns the ids that still need handling: new ones, and known ones not yet processed.
        """
        batch = list(updates)
        if not batch:
            return []
        now = self._clock.now()
        rows = [
            {"for_bot": bot_id, "received": now, "update_id": update_id, "payload": payload}
            for update_id, payload in batch
        ]
        statement = _receive_statement(self._db.dialect)
        # One statement (insertmanyvalues sends the batch as one INSERT): it stands alone.
        async with self._db.each_statement_alone() as connection:
            to_handle = await connection.execute(statement, rows)
            handle = set(to_handle.scalars())
        return [update_id for update_id, _ in batch if update_id in handle]

    async def pending(self, bot_id: int) -> list[tuple[int, str]]:
        """A bot's stored updates not yet handled (after a crash), oldest first."""
        async with self._db.read() as session:
            rows = await session.execute(
                select(InboundUpdate.update_id, InboundUpdate.payload)
                .where(InboundUpdate.processed_at.is_(None), InboundUpdate.bot_id == bot_id)
                .order_by(InboundUpdate.update_id)
            )
            return [(row[0], row[1]) for row in rows]

    async def is_processed(self, bot_id: int, update_id: int) -> bool:
        async with self._db.read() as session:
            processed_at = await session.execute(
                select(InboundUpdate.processed_at).where(
                    InboundUpdate.bot_id == bot_id, InboundUpdate.update_id == update_id
                )
            )
            return processed_at.scalar_one_or_none() is not None

    async def mark_processed(self, handled: Iterable[tuple[int, int]]) -> None:
        """Mark (bot_id, update_id) pairs handled: one UPDATE per bot, each standing alone. A
        mark that is lost (a crash) is what a crash before the mark always meant: the update
        is handled again, and its operations, keyed by the update, are not made twice."""
        by_bot: dict[int, list[int]] = {}
        for bot_id, update_id in handled:
            by_bot.setdefault(bot_id, []).append(update_id)
        if not by_bot:
            return
        now = self._clock.now()
        async with self._db.each_statement_alone() as connection:
            for bot_id, ids in by_bot.items():
                await connection.execute(
                    _MARK_PROCESSED, {"for_bot": bot_id, "update_ids": ids, "now": now}
                )

    async def prune(
        self,
        older_than: timedelta = timedelta(days=2),
        unhandled_older_than: timedelta = UNHANDLED_KEPT,
    ) -> PrunedUpdates:
        """Forget handled updates: Telegram re-delivers for at most a day. Forget unhandled ones
        too once they are a week old: every retry has failed by then, and their payloads (names,
        message texts) must not stay for ever."""
        now = self._clock.now()
        key = (InboundUpdate.bot_id, InboundUpdate.update_id)
        handled = await self._db.delete_in_batches(
            key, InboundUpdate.processed_at < now - older_than
        )
        forgotten = InboundUpdate.received_at < now - unhandled_older_than
        unhandled = await self._db.delete_in_batches(
            key, InboundUpdate.processed_at.is_(None) & forgotten
        )
        return PrunedUpdates(handled=handled, unhandled=unhandled)
