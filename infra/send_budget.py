"""Telegram's message budget for every worker on one PostgreSQL: Telegram counts the bot's
messages, whichever process sends them.

Each message a worker may send is a row of `message_grants`, stamped with the database's
`clock_timestamp()` so that every worker reads one clock. A grant is decided by one call of the
database function `grant_message()` (one round trip), in its own transaction under an advisory
lock per bot: read the pause, count the grants of the last second, and insert one if there is
room. The window slides (it is counted back from now):
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
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db.uow import Database
from infra.db import driver_statements
from infra.db.engine import engine_beside
from infra.tables import SendPause

log = logging.getLogger(__name__)

# Telegram's second, plus the spread of the messages' way there: a message arrives some
# milliseconds after it was let go, and not always equally late, so 30 let go within exactly one
# second can arrive as 31 within one (a 429). Every budget counts its window this long, the
# in-process one of a single worker (bot.ratelimit) as well as this one.
WINDOW = timedelta(seconds=1.05)
RESERVED_FOR_REPLIES = 0.2  # the share of the window background messages leave free
KEEP_GRANTS = timedelta(seconds=10)
PRUNE_EVERY = 64  # grants; pruning in one grant out of so many keeps the table tiny
# migrations/versions/…_grant_message_function.py: lock, pause, count and insert in one call;
# 0 when granted, else the seconds until a grant is possible.
_GRANT = "SELECT grant_message($1::bigint, $2::integer, $3::interval, $4::interval, $5::integer)"


def background_share(cap: int) -> int:
    """How many of a window's `cap` messages background messages may take: the rest stays
    free, so a cashier's reply finds room at once however many notices are waiting."""
    return max(1, cap - math.ceil(cap * RESERVED_FOR_REPLIES))


class BudgetSpent(Exception):
    """No grant now: ask again in `retry_in` seconds (or earlier, for a more urgent message)."""

    def __init__(self, retry_in: float) -> None:
        super().__init__(f"the message budget is spent for {retry_in:.3f} s")
        self.retry_in = retry_in


class SharedSendBudget:
    """At most `messages_per_second` − 1 grants in any window per bot, across all workers.

    Telegram counts each bot's messages apart: every bot (0, the platform bot, or a café bot's
    id) has its own window and its own pause; one pool of connections serves them all.
    """

    def __init__(self, database: Database, messages_per_second: float) -> None:
        if database.dialect.single_process:
            raise ValueError("the shared budget is for PostgreSQL; SQLite runs one process")
        self._db = database
        self.cap = max(1, math.floor(messages_per_second) - 1)
        self.background_cap = background_share(self.cap)
        self._engine: AsyncEngine | None = None

    def of_bot(self, bot_id: int) -> BotBudget:
        return BotBudget(self, bot_id)

    async def grant(self, *, background: bool, bot_id: int = 0) -> None:
        """One message may be sent now, or BudgetSpent says when to ask again."""
        limit = self.background_cap if background else self.cap
        # One statement, one round trip: the function's own transaction holds the lock (the
        # migration that creates it says why the count is exact). On asyncpg's own connection:
        # it runs for every message (infra.db.driver_statements).
        async with self._pool().connect() as connection:
            retry_in = await driver_statements.fetch_value(
                connection,
                _GRANT,
                bot_id,
                limit,
                WINDOW,
                KEEP_GRANTS,
                PRUNE_EVERY,
            )
        if retry_in > 0:
            raise BudgetSpent(retry_in)

    async def pause(self, seconds: float, bot_id: int = 0) -> None:
        """No worker gets a grant of this bot for `seconds` from now (a longer pause stays)."""
        until = func.clock_timestamp() + timedelta(seconds=seconds)
        statement = pg_insert(SendPause).values(id=bot_id, until=until)
        statement = statement.on_conflict_do_update(
            index_elements=[SendPause.id],
            set_={"until": func.greatest(SendPause.until, statement.excluded.until)},
        )
        async with self._pool().connect() as connection:
            await connection.execute(statement)
        log.info("every worker pauses the messages of bot %s for %.1f s", bot_id or "0", seconds)

    def _pool(self) -> AsyncEngine:
        # A pool of its own: a grant must not queue behind the use cases for a connection. A
        # worker asks for one grant at a time (its limiter's dispatcher); a pause is the second.
        # Every use is one statement, so no BEGIN or COMMIT is sent: each runs in its own
        # transaction (the returned connection's ROLLBACK is not sent either: none is open).
        if self._engine is None:
            pool = engine_beside(self._db.engine, pool_size=2, configured_url=self._db.url)
            self._engine = pool.execution_options(isolation_level="AUTOCOMMIT")
        return self._engine

    async def dispose(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None


class BotBudget:
    """One bot's share of the shared budget, as its rate limiter sees it."""

    def __init__(self, budget: SharedSendBudget, bot_id: int) -> None:
        self._budget = budget
        self.bot_id = bot_id

    @property
    def cap(self) -> int:
        return self._budget.cap

    async def grant(self, *, background: bool) -> None:
        await self._budget.grant(background=background, bot_id=self.bot_id)

    async def pause(self, seconds: float) -> None:
        await self._budget.pause(seconds, bot_id=self.bot_id)
