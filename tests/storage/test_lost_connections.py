"""Pooled PostgreSQL connections the server dropped (a restart, a fail-over, a proxy's idle
timeout): one that sat idle is pinged and replaced before use; one used moments ago fails
its first statement once, is dropped, and the next use gets a fresh connection."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from domain.db.uow import Database
from infra.db import engine as engines
from tests.support.databases import migrated_database, migrated_postgres_url
from tests.support.postgres import PostgresServer
from tests.support.postgres_admin import admin_connection

pytestmark = pytest.mark.postgres


@pytest.fixture
async def database(postgres_server: PostgresServer) -> AsyncIterator[Database]:
    db = await migrated_database(await migrated_postgres_url(postgres_server), pool_size=1)
    yield db
    await db.dispose()


async def _drop_connections(server: PostgresServer, database: Database) -> None:
    name = make_url(database.engine.url).database
    async with admin_connection(server) as admin:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
        )


async def _answer(database: Database) -> int:
    async with database.read() as session:
        return int((await session.execute(text("SELECT 41 + 1"))).scalar_one())


async def test_an_idle_connection_is_pinged_and_replaced_before_use(
    database: Database, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await _answer(database) == 42  # the pool now holds one connection
    await _drop_connections(postgres_server, database)
    monkeypatch.setattr(engines, "PING_AFTER_IDLE_SECONDS", 0.0)  # as if idle for long
    assert await _answer(database) == 42


async def test_a_connection_used_moments_ago_fails_once_then_the_pool_reconnects(
    database: Database, postgres_server: PostgresServer
) -> None:
    assert await _answer(database) == 42
    await _drop_connections(postgres_server, database)
    with pytest.raises(DBAPIError) as lost:
        await _answer(database)
    assert lost.value.connection_invalidated
    assert await _answer(database) == 42
    async with database.write() as session:  # writes go on too
        await session.execute(text("CREATE TABLE after_the_loss (id integer)"))
