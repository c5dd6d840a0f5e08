"""Cross-process locks on PostgreSQL (advisory locks); with SQLite there is one process.

- `leader(job)`: exactly one worker runs a scheduled job at a time.
- `chat(chat_id)`: one update of a chat at a time across all workers, so that a /stamp and
  the /undo or Confirm that follows cannot overtake each other on two workers. The lock is a
  transaction-level advisory lock held on a connection of its own (from a pool as large as
  the number of updates a worker handles at once), while the update's use cases run on the
  main pool. Its statements go on asyncpg's own connection (infra.db.driver_statements): they
  run at every update.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db.uow import Database
from infra.db import driver_statements
from infra.db.engine import engine_beside


class Locks:
    def __init__(self, database: Database, *, chat_locks: int) -> None:
        self._db = database
        self._chat_locks = chat_locks
        self._lock_engine: AsyncEngine | None = None

    @asynccontextmanager
    async def leader(self, job_name: str) -> AsyncIterator[bool]:
        """True inside the block for exactly one worker at a time.

        Scheduled jobs are safe to run twice (sent-markers, row locks), but one runner avoids
        duplicate work. SQLite means a single process: always True.
        """
        if self._db.dialect.single_process:
            yield True
            return
        key = zlib.crc32(job_name.encode())
        async with self._db.engine.connect() as connection:
            got = bool(
                (
                    await connection.execute(
                        text("SELECT pg_try_advisory_lock(:key)"), {"key": key}
                    )
                ).scalar()
            )
            try:
                yield got
            finally:
                if got:
                    await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                await connection.commit()

    @asynccontextmanager
    async def chat(self, chat_id: int, bot_id: int = 0) -> AsyncIterator[None]:
        """Hold the chat's lock (a chat with one bot) across processes for the block."""
        if self._db.dialect.single_process:
            yield
            return
        # Integers only, so the key can be written into the statement: BEGIN and the lock then
        # go in one round trip (the simple query protocol takes no parameters).
        key = f"chat:{int(bot_id)}:{int(chat_id)}"
        async with self._engine().connect() as connection:
            # Transaction-level: released by the COMMIT below, or by the server if this
            # process dies, so a crashed worker never leaves a chat locked.
            await driver_statements.execute(
                connection, f"BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('{key}', 0))"
            )
            try:
                yield
            finally:
                await driver_statements.execute(connection, "COMMIT")

    def _engine(self) -> AsyncEngine:
        if self._lock_engine is None:
            self._lock_engine = engine_beside(
                self._db.engine, pool_size=self._chat_locks, configured_url=self._db.url
            )
        return self._lock_engine

    async def dispose(self) -> None:
        if self._lock_engine is not None:
            await self._lock_engine.dispose()
            self._lock_engine = None
