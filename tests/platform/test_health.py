"""/healthz answers 503 when the database still reads but refuses to commit a write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import Pool

from infra.db.engine import create_engine
from tests.support.deployed import Deployed
from tests.support.postgres import PostgresServer
from tests.support.postgres_admin import admin_connection


@pytest.fixture
def sqlite_read_only() -> Iterator[None]:
    """Every SQLite connection handed out from now on refuses writes (PRAGMA query_only).

    chmod would not do: the tests run as root, whom file modes do not stop.
    """

    def read_only(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    event.listen(Pool, "checkout", read_only)
    yield
    event.remove(Pool, "checkout", read_only)


async def _make_read_only(database_url: str, request: pytest.FixtureRequest) -> None:
    if make_url(database_url).get_backend_name() == "sqlite":
        request.getfixturevalue("sqlite_read_only")
        return
    # As after a fail-over to a read-only replica: new sessions only read, old ones are gone.
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = make_url(database_url).database
    async with admin_connection(server) as admin:
        await admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
        )


async def _schema_version(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return list(await connection.scalars(text("SELECT version_num FROM alembic_version")))
    finally:
        await engine.dispose()


async def test_health_is_503_when_the_database_refuses_writes(
    deployed: Deployed, database_url: str, request: pytest.FixtureRequest
) -> None:
    async with httpx.AsyncClient() as client:
        before = await client.get(f"{deployed.url}/healthz")
        await _make_read_only(database_url, request)
        after = await client.get(f"{deployed.url}/healthz")
    assert before.status_code == 200
    assert (after.status_code, after.json()["ok"]) == (503, False)


async def test_the_health_check_changes_no_data(deployed: Deployed, database_url: str) -> None:
    version = await _schema_version(database_url)
    async with httpx.AsyncClient() as client:
        for _ in range(3):
            assert (await client.get(f"{deployed.url}/healthz")).status_code == 200
    assert await _schema_version(database_url) == version != []
