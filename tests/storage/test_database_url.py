"""A DATABASE_URL that cannot work stops `python -m bot` with one line naming the problem and
exit status 2, never a traceback, and never shows the password."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import PostgresServer
from tests.support.postgres_admin import admin_connection, role_with_password
from tests.support.processes import bot_environment, run_bot
from tests.support.servers import free_port

pytestmark = pytest.mark.workers

PASSWORD = "Pa55-word_not-to-print"


async def _assert_stops_with(url: str, expected: str, command: str = "migrate") -> None:
    finished = await run_bot(command, env=bot_environment(url))
    assert finished.returncode == 2, finished.stderr
    assert finished.stderr_lines == [finished.stderr_lines[0]], finished.stderr
    line = finished.stderr_lines[0]
    assert line.startswith("DATABASE_URL: ") and expected in line, line
    assert PASSWORD not in finished.stderr + finished.stdout


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and then never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield int(listener.getsockname()[1])


async def test_a_host_name_that_does_not_resolve_is_named() -> None:
    await _assert_stops_with(
        f"postgresql://loyalty:{PASSWORD}@db.invalid:5432/loyalty",
        "cannot reach host db.invalid:5432 (the name 'db.invalid' does not resolve)",
    )


async def test_a_port_where_nothing_listens_is_named() -> None:
    port = free_port()
    await _assert_stops_with(
        f"postgresql://loyalty:{PASSWORD}@127.0.0.1:{port}/loyalty",
        f"cannot reach host 127.0.0.1:{port} (connection refused)",
    )


async def test_polling_start_up_checks_the_database_too() -> None:
    port = free_port()
    await _assert_stops_with(
        f"postgres://loyalty:{PASSWORD}@127.0.0.1:{port}/loyalty",
        "(connection refused)",
        command="run",
    )


async def test_a_host_that_never_answers_times_out_within_seconds(silent_port: int) -> None:
    await _assert_stops_with(
        f"postgresql://loyalty:{PASSWORD}@127.0.0.1:{silent_port}/loyalty",
        f"cannot reach host 127.0.0.1:{silent_port} (timed out)",
    )


@pytest.mark.parametrize("url", ["postgresql://", "postgresql:///loyalty", "postgres://u@/db"])
async def test_a_postgres_url_without_a_host_is_named(url: str) -> None:
    await _assert_stops_with(url, "no host given")


@pytest.mark.parametrize("url", ["sqlite+aiosqlite://", "sqlite+aiosqlite:///:memory:"])
@pytest.mark.parametrize("command", ["migrate", "run"])
async def test_an_in_memory_sqlite_database_is_named(url: str, command: str) -> None:
    await _assert_stops_with(url, "use a SQLite file", command)


async def test_a_missing_sqlite_directory_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "not-there"
    await _assert_stops_with(
        f"sqlite+aiosqlite:///{missing / 'loyalty.db'}", f"directory {missing} does not exist"
    )


@pytest.mark.postgres
async def test_a_missing_database_is_named(postgres_server: PostgresServer) -> None:
    url = postgres_server.url_for("no_such_database").replace("postgresql+asyncpg", "postgresql")
    await _assert_stops_with(url, "database 'no_such_database' does not exist on 127.0.0.1:")


@pytest.mark.postgres
async def test_a_wrong_password_is_named_and_not_shown(postgres_server: PostgresServer) -> None:
    async with role_with_password(postgres_server, "the-right-one") as role:
        url = postgres_server.url_for("postgres").replace("postgres@", f"{role}:{PASSWORD}@", 1)
        await _assert_stops_with(url, f"the server refused the password of user '{role}'")


@pytest.mark.postgres
async def test_the_right_password_passes_the_check(postgres_server: PostgresServer) -> None:
    async with role_with_password(postgres_server, PASSWORD) as role:
        name = f"{role}_own"
        async with admin_connection(postgres_server) as admin:
            await admin.execute(f'CREATE DATABASE "{name}" OWNER {role}')
        try:
            url = postgres_server.url_for(name).replace("postgres@", f"{role}:{PASSWORD}@", 1)
            finished = await run_bot("migrate", env=bot_environment(url))
        finally:
            async with admin_connection(postgres_server) as admin:
                await admin.execute(f'DROP DATABASE "{name}"')
    assert finished.returncode == 0, finished.stderr
