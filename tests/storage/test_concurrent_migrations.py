"""Several workers starting at once on a fresh database migrate it once, without colliding."""

from __future__ import annotations

import asyncio

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from infra.db.engine import create_engine
from infra.db.migrate import alembic_config, upgrade_to_head
from tests.support.processes import bot_environment, finish, start_bot

pytestmark = pytest.mark.workers


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def _version(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return list(await connection.scalars(text("SELECT version_num FROM alembic_version")))
    finally:
        await engine.dispose()


async def _upgrade(url: str) -> None:
    engine = create_engine(url)  # one engine each, as separate worker processes have
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


async def test_three_concurrent_upgrades_on_a_fresh_database_all_succeed(
    empty_database_url: str,
) -> None:
    async with asyncio.timeout(60):  # colliding migrations can also wait on each other's locks
        await asyncio.gather(*(_upgrade(empty_database_url) for _ in range(3)))
    assert await _version(empty_database_url) == [_head()]


async def test_two_migrate_processes_at_once_both_succeed(empty_database_url: str) -> None:
    env = bot_environment(empty_database_url)
    processes = [await start_bot("migrate", env=env) for _ in range(2)]
    results = await asyncio.gather(*(finish(p) for p in processes))
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    assert await _version(empty_database_url) == [_head()]
