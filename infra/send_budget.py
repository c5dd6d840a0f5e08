"""Telegram's message budget for every worker on one PostgreSQL: Telegram counts the bot's
messages, whichever process sends them.

Each message a worker may send is a row of `message_grants`, stamped with the database's
`clock_timestamp()` so that every worker reads one clock. A grant is decided in one short
transaction under a transaction-level advisory lock: read the pause, count the grants of the
last second, and insert one if there is room. The window slides (it is counted back from now):
fixed one-second slots would let a second that straddles two slots hold twice the limit.

Two margins keep the bot under Telegram's limit rather than on it: one message fewer than the
limit, and a window a little longer than a second, because a message reaches Telegram some
milliseconds after its grant and not always equally late. Background messages (notices,
summaries, reminders) only take a grant while a fifth of the window is still free, so a
cashier's reply finds room whichever worker is sending notices. SQLite deployments are one
process and keep the in-process budget alone.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.db.engine import engine_beside
from domain.db.types import UTCDateTime
from domain.db.uow import Database
from infra.tables import MessageGrant, SendPause

log = logging.getLogger(__name__)

WINDOW = timedelta(seconds=1.05)  # a second, plus the spread of the messages' way to Telegram
RESERVED_FOR_REPLIES = 0.2  # the share of the window background messages leave free
KEEP_GRANTS = timedelta(seconds=10)
PRUNE_EVERY = 64  # grants; pruning in one grant out of so many keeps the table tiny
_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended('send_budget', 0))")
_PAUSE_ROW = 1


class BudgetSpent(Exception):
    """No grant now: ask again in `retry_in` seconds (or earlier, for a more urgent message)."""

    def __init__(self, retry_in: float) -> None:
        super().__init__(f"the message budget is spent for {retry_in:.3f} s")
        self.retry_in = retry_in


class SharedSendBudget:
    """At most `messages_per_second` − 1 grants in any window, across all workers."""

    def __init__(self, database: Database, messages_per_second: float) -> None:
        if database.dialect.single_process:
            raise ValueError("the shared budget is for PostgreSQL; SQLite runs one process")
        self._db = database
        self.cap = max(1, math.floor(messages_per_second) - 1)
        self.background_cap = max(1, self.cap - math.ceil(self.cap * RESERVED_FOR_REPLIES))
        self._engine: AsyncEngine | None = None

    async def grant(self, *, background: bool) -> None:
        """One message may be sent now, or BudgetSpent says when to ask again."""
        limit = self.background_cap if background else self.cap
        async with self._pool().begin() as connection:
            await connection.execute(_LOCK)
            now, paused_until = await self._now_and_pause(connection)
            if paused_until is not None and paused_until > now:
                raise BudgetSpent((paused_until - now).total_seconds())
            recent = (
                await connection.execute(
                    select(MessageGrant.granted_at)
                    .where(MessageGrant.granted_at > now - WINDOW)
                    .order_by(MessageGrant.granted_at)
                )
            ).scalars()
            granted = list(recent)
            if len(granted) >= limit:
                # The count drops below the limit when this grant leaves the window.
                leaving = granted[len(granted) - limit]
                raise BudgetSpent(max(0.001, (leaving + WINDOW - now).total_seconds()))
            grant_id = (
                await connection.execute(
                    insert(MessageGrant).values(granted_at=now).returning(MessageGrant.id)
                )
            ).scalar_one()
            if grant_id % PRUNE_EVERY == 0:
                await connection.execute(
                    delete(MessageGrant).where(MessageGrant.granted_at < now - KEEP_GRANTS)
                )

    async def pause(self, seconds: float) -> None:
        """No worker gets a grant for `seconds` from now (a pause already longer stays)."""
        until = func.clock_timestamp() + timedelta(seconds=seconds)
        statement = pg_insert(SendPause).values(id=_PAUSE_ROW, until=until)
        statement = statement.on_conflict_do_update(
            index_elements=[SendPause.id],
            set_={"until": func.greatest(SendPause.until, statement.excluded.until)},
        )
        async with self._pool().begin() as connection:
            await connection.execute(statement)
        log.info("every worker pauses its messages for %.1f s", seconds)

    async def _now_and_pause(self, connection: AsyncConnection) -> tuple[datetime, datetime | None]:
        pause = select(SendPause.until).where(SendPause.id == _PAUSE_ROW).scalar_subquery()
        row = (
            await connection.execute(select(func.clock_timestamp(type_=UTCDateTime()), pause))
        ).one()
        return row[0], row[1]

    def _pool(self) -> AsyncEngine:
        # A pool of its own: a grant must not queue behind the use cases for a connection. A
        # worker asks for one grant at a time (its limiter's dispatcher); a pause is the second.
        if self._engine is None:
            self._engine = engine_beside(self._db.engine, pool_size=2, configured_url=self._db.url)
        return self._engine

    async def dispose(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
