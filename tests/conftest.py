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

# Shared fixtures, one module per concern, for every folder: the emulator and the running bot
# (`tg`, `bot`), the Mini App and the till API over HTTP (`miniapp`, `api`), the bot behind the
# webhook app (`deployed`), the bot with a "fully handled" signal (`secure_bot`), the wallets'
# keys and PassKit service (`pki`, `apple`, `google`, `holder`, `web`); and a check, in every
# test, that no read session writes.
pytest_plugins = [
    "tests.support.running_bot",
    "tests.support.miniapp",
    "tests.support.api",
    "tests.support.deployed",
    "tests.support.secure_bot",
    "tests.support.wallet",
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
    db = Database(create_engine(database_url, pool_size=10, max_overflow=10))
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


# --- levels ---------------------------------------------------------------------------------
# Folders are features; the level is a marker (`pytest -m unit`, `-m "not browser"`), set here
# from what a test uses so that nobody has to remember it: the first level whose fixtures the
# test uses (directly or through other fixtures), else `unit`. Starting the bot as processes
# of its own shows in no fixture, so those tests say it themselves (`pytest.mark.workers`), as
# do the few that open a database or a server without a fixture (pyproject.toml describes each).
LEVELS = ("unit", "integration", "e2e", "browser", "workers")
LEVEL_BY_FIXTURES = (
    ("browser", {"browser"}),  # headless Chromium on the Mini App
    ("e2e", {"tg", "deployed"}),  # the Bot API emulator, usually with the running bot
    ("integration", {"database_url", "empty_database_url", "postgres_server"}),  # a real database
)


def level_of(item: pytest.Item) -> str:
    used = set(getattr(item, "fixturenames", ()))
    return next((level for level, names in LEVEL_BY_FIXTURES if used & names), "unit")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not any(item.get_closest_marker(level) for level in LEVELS):
            item.add_marker(level_of(item))
