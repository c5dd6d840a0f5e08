"""PostgreSQL statements sent on asyncpg's own connection, past SQLAlchemy's execution.

Two statements run at every update and every message of a worker on PostgreSQL and need nothing
of SQLAlchemy but its pool: the chat's cross-worker lock and the message budget's grant. Through
SQLAlchemy each costs about twice the CPU of asyncpg's own call (the adapter's cursor, the
execution context, the result), and the lock's transaction took a round trip more than it needs
(BEGIN apart from the statement). Here a statement is asyncpg's `execute` or `fetchval` on the
connection SQLAlchemy's pool checked out; none of SQLAlchemy's transactions is begun on it.

A statement that fails or is cancelled half-way leaves the connection in a state nobody knows
(a transaction open, a lock held), so the connection is closed rather than given back to the
pool; the server then ends whatever it held.

These statements are invisible to SQLAlchemy's events, so whoever counts round trips (the
one-stamp benchmark) watches them here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

# Called with each statement's text before it is sent.
watchers: list[Callable[[str], None]] = []


async def execute(connection: AsyncConnection, statement: str) -> None:
    """Statements without parameters, in one round trip (the simple query protocol: several
    may go in one string, separated by semicolons)."""
    async with _driver_for(connection, statement) as driver:
        await driver.execute(statement)


async def fetch_value(connection: AsyncConnection, statement: str, *arguments: object) -> Any:
    """The first column of the first row of one statement with `$n` parameters (asyncpg
    prepares it once per connection)."""
    async with _driver_for(connection, statement) as driver:
        return await driver.fetchval(statement, *arguments)


@asynccontextmanager
async def _driver_for(connection: AsyncConnection, statement: str) -> AsyncIterator[Any]:
    """asyncpg's connection to send `statement` on, shown to the watchers first; closed if the
    statement fails or is cancelled (see the module's docstring)."""
    for watch in watchers:
        watch(statement)
    driver = (await connection.get_raw_connection()).driver_connection
    try:
        yield driver
    except BaseException:
        await connection.invalidate()
        raise
