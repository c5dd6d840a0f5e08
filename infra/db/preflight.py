"""A short connection check before start-up, turning connection failures into one clear line.

Without it a wrong DATABASE_URL surfaces as a driver traceback from deep inside the first
migration, or as a minute of silence while asyncpg waits for an unreachable host.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL

from infra.db.engine import DatabaseUrlError, create_engine

PREFLIGHT_TIMEOUT_SECONDS = 5.0

# PostgreSQL's SQLSTATE codes for the refusals a wrong URL causes.
_REFUSALS = {
    "28P01": "the server refused the password of user {user!r}",
    "28000": "the server refused user {user!r} (no such role, or not allowed by pg_hba.conf)",
    "3D000": "database {database!r} does not exist on {address}",
    "53300": "{address} has no free connections (too many clients)",
    "57P03": "{address} is starting up or shutting down",
}


class DatabaseUnavailable(Exception):
    """The database cannot be used; the message names the problem and never the password."""


async def check_database(url: str, *, wait_seconds: float = PREFLIGHT_TIMEOUT_SECONDS) -> None:
    """Open one connection and run `SELECT 1`, or raise DatabaseUnavailable saying why."""
    try:
        engine = create_engine(url, pool_size=1)
    except DatabaseUrlError as problem:
        raise DatabaseUnavailable(str(problem)) from None
    parsed = engine.url
    missing = _missing_sqlite_directory(parsed)
    if missing is not None:
        # Said without trying: a failed open leaves aiosqlite's thread to report it to the
        # event loop, and on a busy machine that can come after the loop has closed, printing
        # a thread's traceback under the one clear line.
        await engine.dispose()
        raise DatabaseUnavailable(missing)
    try:
        async with asyncio.timeout(wait_seconds), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except TimeoutError:
        raise DatabaseUnavailable(f"cannot reach host {_address(parsed)} (timed out)") from None
    except Exception as failure:
        raise DatabaseUnavailable(_explain(parsed, failure)) from None
    finally:
        await engine.dispose()


def _explain(url: URL, failure: BaseException) -> str:
    if url.get_backend_name() == "sqlite":
        return _explain_sqlite(url, failure)
    address = _address(url)
    if isinstance(failure, socket.gaierror):
        return f"cannot reach host {address} (the name {url.host!r} does not resolve)"
    if isinstance(failure, ConnectionRefusedError):
        return f"cannot reach host {address} (connection refused)"
    if isinstance(failure, OSError):
        return f"cannot reach host {address} ({failure.strerror or type(failure).__name__})"
    sqlstate = _sqlstate(failure)
    if sqlstate in _REFUSALS:
        return _REFUSALS[sqlstate].format(user=url.username, database=url.database, address=address)
    # Unknown: the type only, as a driver's message may quote the connection string.
    return f"cannot connect to {address} ({type(_innermost(failure)).__name__})"


def _explain_sqlite(url: URL, failure: BaseException) -> str:
    path = Path(url.database or "")
    return _missing_sqlite_directory(url) or (
        f"cannot open the SQLite file {path} ({_innermost(failure)})"
    )


def _missing_sqlite_directory(url: URL) -> str | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    path = Path(url.database or "")
    if path.parent.is_dir():
        return None
    return f"cannot open the SQLite file {path}: directory {path.parent} does not exist"


def _address(url: URL) -> str:
    host = url.host or url.query.get("host") or "localhost"
    return f"{host}:{url.port or 5432}"


def _sqlstate(failure: BaseException) -> str | None:
    """The SQLSTATE of the driver error behind SQLAlchemy's wrappers, if there is one."""
    current: BaseException | None = failure
    while current is not None:
        code = getattr(current, "sqlstate", None)
        if isinstance(code, str):
            return code
        current = getattr(current, "orig", None) or current.__cause__
    return None


def _innermost(failure: BaseException) -> BaseException:
    while (inner := getattr(failure, "orig", None) or failure.__cause__) is not None:
        failure = inner
    return failure
