"""The chat's lock across workers (PostgreSQL): its statements go on asyncpg's own connection,
so what SQLAlchemy would clean up after a failure is this code's to clean up.

The danger is a wait for the lock cut short (a worker stopping, an update cancelled): if its
connection went back to the pool still waiting on the server, the server would grant it the lock
as soon as the holder let go, to a transaction nobody will ever commit, and the chat would stay
locked for every worker until that pooled connection happened to be used again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from domain.db.uow import Database
from infra.db import driver_statements
from infra.locks import Locks

pytestmark = pytest.mark.postgres


@pytest.fixture
async def locks(database: Database, engine_name: str) -> AsyncIterator[Locks]:
    if engine_name == "sqlite":
        pytest.skip("SQLite deployments run one process; the lock is in-process there")
    chat_locks = Locks(database, chat_locks=2)
    yield chat_locks
    await chat_locks.dispose()


async def test_a_wait_for_the_lock_cut_short_leaves_the_chat_free_once_its_holder_is_done(
    locks: Locks,
) -> None:
    holding, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with locks.chat(501, 7):
            holding.set()
            await release.wait()

    held = asyncio.create_task(holder())
    await holding.wait()

    async def waiter() -> None:
        async with locks.chat(501, 7):
            pytest.fail("the lock was granted while its holder held it")

    waiting = asyncio.create_task(waiter())
    await asyncio.sleep(0.3)  # on the server, waiting for the lock
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    release.set()
    await held
    # Both of the pool's connections have been used; the next worker gets the lock at once.
    async with asyncio.timeout(5):
        async with locks.chat(501, 7):
            pass
        async with locks.chat(501, 7):
            pass


async def test_the_lock_is_one_round_trip_to_take_and_one_to_let_go(
    locks: Locks, database: Database
) -> None:
    sent: list[str] = []
    driver_statements.watchers.append(sent.append)
    try:
        async with locks.chat(502, 7):
            assert not await _free_elsewhere(database, "chat:7:502")  # held by this transaction
    finally:
        driver_statements.watchers.remove(sent.append)
    assert sent == [
        "BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('chat:7:502', 0))",
        "COMMIT",
    ]
    assert await _free_elsewhere(database, "chat:7:502")


async def _free_elsewhere(database: Database, key: str) -> bool:
    """Another session could take the lock of `key` now (it lets go at once)."""
    async with database.engine.connect() as other:
        taken = (
            await other.execute(
                text("SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
            )
        ).scalar_one()
        await other.rollback()
    return bool(taken)
