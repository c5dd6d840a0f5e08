"""Engines for SQLite (embedded default) and PostgreSQL, configured for concurrent writers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# Execution option that marks a transaction as a writer; see _begin_sqlite_transaction.
WRITE_OPTION = "loyalty_write"
SQLITE_BUSY_TIMEOUT_MS = 15_000


def create_engine(
    url: str, *, pool_size: int = 5, max_overflow: int = 10, echo: bool = False
) -> AsyncEngine:
    """An async engine for `url`; SQLite gets WAL, a busy timeout and write-locking BEGINs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise ValueError(
                "use a SQLite file: an in-memory database is not shared between connections"
            )
        engine = create_async_engine(
            parsed, echo=echo, pool_size=pool_size, max_overflow=max_overflow
        )
        _configure_sqlite(engine)
        return engine
    return create_async_engine(
        parsed, echo=echo, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True
    )


def engine_beside(engine: AsyncEngine, *, pool_size: int) -> AsyncEngine:
    """Another engine on the same database with a pool of its own, for work that must not
    queue behind the use cases for a connection (cross-process locks, the message budget)."""
    url = engine.url.render_as_string(hide_password=False)
    return create_engine(url, pool_size=pool_size, max_overflow=0)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to us: the driver's implicit BEGIN is DEFERRED, which lets two
        # writers both read and then fail to upgrade their locks ("database is locked").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a committed (and so possibly confirmed) operation survives even a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin_sqlite_transaction(conn: Connection) -> None:
        # Writers take the write lock up front, so concurrent use cases queue on the busy
        # timeout instead of failing halfway; readers stay deferred and never block in WAL mode.
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
