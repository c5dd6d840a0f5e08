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

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

# Called with each statement's text before it is sent.
watchers: list[Callable[[str], None]] = []


async def execute(connection: AsyncConnection, statement: str) -> None:
    """Statements without parameters, in one round trip (the simple query protocol: several
    may go in one string, separated by semicolons)."""
    driver = await _driver_of(connection, statement)
    try:
        await driver.execute(statement)
    except BaseException:
        await connection.invalidate()
        raise


async def fetch_value(connection: AsyncConnection, statement: str, *arguments: object) -> Any:
    """The first column of the first row of one statement with `$n` parameters (asyncpg
    prepares it once per connection)."""
    driver = await _driver_of(connection, statement)
    try:
        return await driver.fetchval(statement, *arguments)
    except BaseException:
        await connection.invalidate()
        raise


async def _driver_of(connection: AsyncConnection, statement: str) -> Any:
    for watch in watchers:
        watch(statement)
    return (await connection.get_raw_connection()).driver_connection
