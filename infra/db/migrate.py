"""Apply the Alembic migrations from code (at start-up, from `python -m bot migrate`, in tests)."""

from __future__ import annotations

import asyncio
import weakref
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.db.uow import WRITE_OPTION

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
# Named like MaintenanceService.exclusively's job locks, so the keys cannot collide.
MIGRATION_LOCK_KEY = zlib.crc32(b"schema migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Bring the schema up to date; a no-op when it already is.

    Workers starting together on a fresh database take turns: the first migrates, the others
    then find the schema at head (instead of all creating the same tables at once).
    """

    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), "head")

    async with (
        _in_process_turn(engine),
        engine.connect() as connection,
        _one_migrator_at_a_time(connection),
    ):
        await connection.run_sync(run)
        await connection.commit()


# Upgrades in one process take turns before they reach the database: Alembic's `context` and
# `op` are process-wide, and on SQLite two engines of one process would race for the file's
# lock while one of them changes its journal mode. Per event loop (asyncio locks are).
_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


@asynccontextmanager
async def _in_process_turn(engine: AsyncEngine) -> AsyncIterator[None]:
    loop = asyncio.get_running_loop()
    turn = _turns.setdefault(loop, asyncio.Lock())
    async with turn:
        yield


@asynccontextmanager
async def _one_migrator_at_a_time(connection: AsyncConnection) -> AsyncIterator[None]:
    """Hold the database's migration lock for the block, on the connection that migrates.

    Taken before Alembic starts, not inside it: Alembic's `context` and `op` are process-wide
    proxies, so two upgrades interleaved in one process would also mix up their connections.
    """
    if connection.dialect.name == "sqlite":
        # BEGIN IMMEDIATE (engine.py): the write lock for the whole upgrade. Alembic then runs
        # inside this transaction, and the next worker waits on the busy timeout.
        await connection.execution_options(**{WRITE_OPTION: True})
        await connection.begin()
        yield
        return
    # A session-level lock: it outlives the commits Alembic makes while holding it.
    await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    await connection.commit()
    try:
        yield
    finally:
        if connection.in_transaction():
            await connection.rollback()  # a failed upgrade: its transaction is aborted
        await connection.execute(
            text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
        )
        await connection.commit()
