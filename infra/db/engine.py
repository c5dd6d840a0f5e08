"""Engines for SQLite (embedded default) and PostgreSQL, configured for concurrent writers."""

from __future__ import annotations

import asyncio
import sqlite3
import ssl
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util.concurrency import await_

from domain.db.uow import ALONE_OPTION, POINT_READS_OPTION, READ_OPTION, WRITE_OPTION
from infra.db.sqlite_driver import BUSY_TIMEOUT_MS, WRITE_BEGIN, OneHopConnection, one_hop_dbapi

# How many connections a pool keeps open, and how many more it may open for a moment (each
# closed again when it comes back to a full pool). A worker handles up to 32 updates at once, and
# in a rush more than five of them hold a connection at the same moment.
# PostgreSQL keeps fifteen and opens no more: with five kept and ten more allowed, every
# connection past the fifth was a new login with every statement prepared again (61 connections
# opened in a 15-second rush). Fifteen is the most it could open before, so a worker needs no
# more of the server's connections than it did (docs/deploying.md); an update that finds all
# fifteen in use waits for one.
POSTGRES_POOL = (15, 0)
# SQLite keeps fifteen too. A new connection looks cheap (a thread and four pragmas), but with
# five kept a rush used more than five at once all the time, and every connection past the fifth
# was opened and closed again: 177 connections in a 20-second rush, each a thread started and
# stopped and seven hops into it, a fifth of all the hops of the bot's statements. Fifteen kept:
# 15 opened, 24 % fewer hops, peak RSS 4.6 MiB higher (each holds its own page cache). Ten more
# may still be opened for a moment, and are closed again when they come back.
SQLITE_POOL = (15, 10)


class DatabaseUrlError(ValueError):
    """The database URL cannot work as given; the message says why (never the password)."""


def create_engine(
    url: str,
    *,
    pool_size: int | None = None,
    max_overflow: int | None = None,
    echo: bool = False,
) -> AsyncEngine:
    """An async engine for `url`; SQLite gets WAL, a busy timeout and write-locking BEGINs.
    The pool's sizes default to the engine's (POSTGRES_POOL, SQLITE_POOL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() in ("postgres", "postgresql"):
        parsed, connect_args = postgres_url(parsed)
        engine = create_async_engine(
            parsed,
            echo=echo,
            **_pool(POSTGRES_POOL, pool_size, max_overflow),
            connect_args=connect_args,
        )
        _ping_after_idle(engine)
        return engine
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise DatabaseUrlError(
                "use a SQLite file: an in-memory database is not shared between connections"
            )
        engine = create_async_engine(
            parsed,
            echo=echo,
            **_pool(SQLITE_POOL, pool_size, max_overflow),
            module=one_hop_dbapi(),  # a thread hop per statement at most (infra/db/sqlite_driver)
        )
        _configure_sqlite(engine)
        return engine
    raise DatabaseUrlError(f"unsupported database {parsed.get_backend_name()!r}")


def _pool(defaults: tuple[int, int], size: int | None, overflow: int | None) -> dict[str, int]:
    """The pool's sizes: those asked for, else the engine's defaults."""
    kept, more = defaults
    return {
        "pool_size": kept if size is None else size,
        "max_overflow": more if overflow is None else overflow,
    }


# A pooled connection idle for longer than this is pinged before use.
PING_AFTER_IDLE_SECONDS = 10.0


def _ping_after_idle(engine: AsyncEngine) -> None:
    """Ping a PostgreSQL connection before use only when it has been idle for a while.

    SQLAlchemy's pool_pre_ping pings at every checkout, and asyncpg's ping is three round trips
    (BEGIN, an empty query, ROLLBACK): with a checkout per transaction that was more round
    trips than the statements of a stamp. A connection returned seconds ago is alive unless
    the server went away in those seconds; then the first statement fails, the connection is
    dropped (SQLAlchemy tells a lost connection from other errors), and the update it served
    fails before anything was committed and is handled again. A connection that sat idle, when
    a restart or a proxy's idle timeout is likelier, is pinged first, as before.
    """
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # a new connection, or one in use moments ago
        try:
            dbapi_connection.ping()
        except Exception as lost:
            # The pool drops this connection and checks out another (or connects anew).
            raise DisconnectionError() from lost


def postgres_url(url: URL) -> tuple[URL, dict[str, Any]]:
    """The asyncpg URL and connect arguments for a PostgreSQL URL as platforms write it.

    Hosting platforms hand out `postgres://…?sslmode=require` (libpq's form). asyncpg takes
    every query parameter as a keyword argument of connect() and knows none of libpq's, so
    they are translated here, the one place engines are made.
    """
    query = dict(url.query)
    if not url.host and not query.get("host"):
        raise DatabaseUrlError("no host given: expected postgresql://user:password@host/db")
    connect_args: dict[str, Any] = {}
    sslmode = query.pop("sslmode", None)
    if sslmode is not None:
        connect_args["ssl"] = ssl_argument(str(sslmode))
    timeout = query.pop("connect_timeout", None)
    if timeout is not None and (seconds := _seconds("connect_timeout", str(timeout))):
        connect_args["timeout"] = seconds  # libpq's 0 means no limit: asyncpg's default then
    application_name = query.pop("application_name", None)
    if application_name is not None:
        connect_args["server_settings"] = {"application_name": str(application_name)}
    return url.set(drivername="postgresql+asyncpg", query=query), connect_args


def ssl_argument(sslmode: str) -> ssl.SSLContext | bool | str:
    """asyncpg's `ssl` argument for libpq's sslmode, with libpq's meaning of each mode."""
    if sslmode == "disable":
        return False
    if sslmode in ("allow", "prefer"):
        return sslmode  # asyncpg implements these two itself: try TLS, fall back to plain
    if sslmode == "require":
        # libpq's "require" encrypts but checks neither the certificate nor the host name.
        unverified = ssl.create_default_context()
        unverified.check_hostname = False
        unverified.verify_mode = ssl.CERT_NONE
        return unverified
    if sslmode == "verify-ca":
        chain_only = ssl.create_default_context()
        chain_only.check_hostname = False
        return chain_only
    if sslmode == "verify-full":
        return ssl.create_default_context()
    raise DatabaseUrlError(
        f"sslmode={sslmode!r} is not one of disable, allow, prefer, require, verify-ca, verify-full"
    )


def _seconds(name: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise DatabaseUrlError(f"{name}={value!r} is not a number of seconds")
    return seconds


def engine_beside(
    engine: AsyncEngine, *, pool_size: int, configured_url: str | None = None
) -> AsyncEngine:
    """Another engine on the same database with a pool of its own, for work that must not
    queue behind the use cases for a connection (cross-process locks, the message budget).

    `configured_url`, the URL as configured, carries what the engine's own URL has lost to
    connect arguments (sslmode, connect_timeout): pass it whenever it is known."""
    url = configured_url or engine.url.render_as_string(hide_password=False)
    return create_engine(url, pool_size=pool_size, max_overflow=0)


def _switch_to_wal(cursor: Any) -> None:
    """`PRAGMA journal_mode=WAL`, waiting out another process doing the same.

    Two processes opening a fresh file at once (workers starting together) race to switch it
    to WAL, and the loser gets "database is locked" at once: SQLite does not apply the busy
    timeout to that switch. So we retry for as long as the busy timeout would have waited."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as problem:
            if "locked" not in str(problem) or time.monotonic() > deadline:
                raise
            await_(asyncio.sleep(0.01))  # the connect hook runs where SQLAlchemy can await


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to us: the driver's implicit BEGIN is DEFERRED, which lets two
        # writers both read and then fail to upgrade their locks ("database is locked").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # The busy timeout first: switching a fresh file to WAL takes a lock, and another
        # connection doing the same at that moment would otherwise fail at once ("locked").
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a committed (and so possibly confirmed) operation survives even a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin_sqlite_transaction(conn: Connection) -> None:
        # Writers take the write lock up front, so concurrent use cases queue on the busy
        # timeout instead of failing halfway; readers stay deferred and never block in WAL mode.
        options = conn.get_execution_options()
        dbapi_connection = conn.connection.dbapi_connection
        if options.get(READ_OPTION) or options.get(ALONE_OPTION):
            # Each statement its own transaction (Database.read, Database.each_statement_alone).
            if options.get(POINT_READS_OPTION) and isinstance(dbapi_connection, OneHopConnection):
                dbapi_connection.quick_reads = True  # until this transaction ends
            return
        begin = WRITE_BEGIN if options.get(WRITE_OPTION) else "BEGIN"
        if isinstance(dbapi_connection, OneHopConnection):
            # Before the first statement, in the same hop into aiosqlite's thread.
            dbapi_connection.begin_with_next_statement(begin)
        else:
            conn.exec_driver_sql(begin)
