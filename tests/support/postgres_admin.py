"""Administering the test PostgreSQL server: roles, authentication rules, database settings."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import make_url

from tests.support.postgres import PostgresServer


@asynccontextmanager
async def admin_connection(server: PostgresServer) -> AsyncIterator[Any]:
    url = make_url(server.url)
    connection = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, database=url.database
    )
    try:
        yield connection
    finally:
        await connection.close()


@asynccontextmanager
async def role_with_password(server: PostgresServer, password: str) -> AsyncIterator[str]:
    """A role that must give its password, on a server that otherwise trusts every user.

    Adds one line for that role only to the top of pg_hba.conf and reloads the server.
    """
    role = f"loyalty_password_{os.getpid()}"
    async with admin_connection(server) as admin:
        hba = Path(await admin.fetchval("SHOW hba_file"))
        if not os.access(hba, os.W_OK):
            pytest.skip("the test server's pg_hba.conf is not writable from here")
        await admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        original = _prepend(hba, f"host all {role} 127.0.0.1/32 scram-sha-256\n")
        await admin.fetchval("SELECT pg_reload_conf()")
        try:
            await _until_password_is_checked(server, role)
            yield role
        finally:
            _restore(hba, original)
            await admin.fetchval("SELECT pg_reload_conf()")
            await admin.execute(f"DROP ROLE {role}")


def _prepend(path: Path, line: str) -> str:
    """Put `line` before the file's text; returns the old text."""
    old = path.read_text()
    path.write_text(line + old)
    return old


def _restore(path: Path, old: str) -> None:
    path.write_text(old)


async def _until_password_is_checked(server: PostgresServer, role: str) -> None:
    """The reload is asynchronous: wait until a wrong password is refused."""
    url = make_url(server.url)
    deadline = time.monotonic() + 10
    while True:
        try:
            connection = await asyncpg.connect(
                host=url.host, port=url.port, user=role, password="x", database="postgres"
            )
        except asyncpg.InvalidPasswordError:
            return
        await connection.close()
        if time.monotonic() > deadline:
            raise AssertionError("the server did not start checking the password")
        await asyncio.sleep(0.05)
