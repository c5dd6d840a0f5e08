"""Shared fixtures: a clock, real databases (SQLite file and PostgreSQL) and the service."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.clock import ManualClock
from domain.db.uow import Database
from domain.service import LoyaltyService
from infra import Infrastructure
from infra.db.engine import create_engine
from tests.support.databases import (
    migrated_postgres_url,
    migrated_sqlite_url,
    new_postgres_database,
    sqlite_url,
)
from tests.support.postgres import PostgresServer, PostgresUnavailable, start_postgres

# The emulator, the running bot and the Mini App over HTTP (`tg`, `bot`, `miniapp`) for every
# folder of stories; and a check, in every test, that no read session writes.
pytest_plugins = [
    "tests.support.running_bot",
    "tests.support.miniapp",
    "tests.support.read_guard",
]

# A Tuesday in winter, 10:00 in Luxembourg.
T0 = datetime(2026, 1, 13, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = start_postgres()
    except PostgresUnavailable as missing:
        if os.environ.get("CI"):
            raise  # CI installs PostgreSQL; a skip there would hide the missing half of the suite
        pytest.skip(str(missing))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(engine_name: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database of its own for the test, already at the schema's head (a copy of a template
    the migrations made once; see tests/support/databases.py)."""
    if engine_name == "sqlite":
        return await migrated_sqlite_url(tmp_path)
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return await migrated_postgres_url(server)


@pytest.fixture
async def empty_database_url(
    engine_name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> str:
    """A database of its own with no schema at all: for the tests of the migrations."""
    if engine_name == "sqlite":
        return sqlite_url(tmp_path)
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return await new_postgres_database(server)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(create_engine(database_url, pool_size=10))
    yield db
    await db.dispose()


@pytest.fixture
async def infra(database: Database, clock: ManualClock) -> AsyncIterator[Infrastructure]:
    infrastructure = Infrastructure(database, clock, wallet_enabled=True)
    yield infrastructure
    await infrastructure.dispose()


@pytest.fixture
def service(database: Database, clock: ManualClock, infra: Infrastructure) -> LoyaltyService:
    """The use cases, recording their effects in the outbox as the bot's do."""
    return LoyaltyService(database, clock, infra.outbox.log)


@pytest.fixture(autouse=True)
def _pictures_of_one_database() -> Iterator[None]:
    """A worker serves one database and keeps decoded logos by café and logo version; each test
    has a database of its own where both start again, so one test's logo must not be found in
    the cache by the next."""
    yield
    from bot.look import forget_logos
    from bot.wallet.artwork import forget_drawn

    forget_logos()
    forget_drawn()
