"""SQLite through aiosqlite: at most one thread hop per statement, none inside a writer.

aiosqlite runs every call on the sqlite3 connection in its own thread, and SQLAlchemy's adapter
makes four calls per statement (open a cursor, execute, fetch the rows, close it): four hops
from the event loop to that thread and back, each a queue put, a thread wake-up and a wake-up of
the loop. The cursor here does the four in one function run in aiosqlite's thread, so a
statement costs one hop. Everything else (connections, transactions, errors, server-side
cursors) stays SQLAlchemy's and aiosqlite's own.

A transaction's BEGIN rides along too: `begin_with_next_statement` keeps it until the
transaction's first statement, and that hop runs the BEGIN and then the statement (a
transaction that ran no statement has nothing to commit or roll back, so no hop at all).

Inside a write transaction, statements make no hop at all: they run on the event loop's
thread. The connection holds SQLite's one write lock then, so nothing can make them wait (in WAL
mode readers never block a writer), and a hop cost more CPU than the point reads and writes of
a use case themselves (about 100 µs of about 330 per statement; a hop and back wakes a thread
and the loop). Write transactions are short by design: every other writer waits for them anyway.

Two more things run on the loop's thread *without waiting*: a writer's BEGIN IMMEDIATE (the
process queues its own writers before BEGIN, so only another process can hold the lock), and
the point reads of a connection that asked for them (`quick_reads`, Database.read_rows: who is
writing, their open step; a few rows by an index, read on every update). Either is tried with
SQLite's busy timeout at zero; when another connection holds a lock it needs, SQLite answers
"busy" at once, nothing was done, and it is run again in aiosqlite's thread, which waits with the
connection's busy timeout as before. The COMMIT (it waits for the disk), a statement standing
alone (a write that commits, so waits for the disk too) and every other read (one may scan a
million rows) still run in aiosqlite's thread. `tests/storage/test_sqlite_driver.py` shows
where each one ran.

It relies on aiosqlite's `Connection._execute(fn)` (run `fn` in the connection's thread), the
call all of aiosqlite's own methods go through; the lock file pins the version this was read
against, and tests/storage/test_round_trips.py runs every engine through it.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

_Outcome = tuple[Any, list[Any], int, int | None]  # description, rows, rowcount, lastrowid
_T = TypeVar("_T")

# How a write transaction begins: it takes SQLite's write lock at once (infra/db/engine.py).
WRITE_BEGIN = "BEGIN IMMEDIATE"
# How long a statement in aiosqlite's thread waits for another connection's lock (set on every
# connection by infra/db/engine.py; on the loop's thread nothing waits, see the module).
BUSY_TIMEOUT_MS = 15_000
_NO_WAITING = "PRAGMA busy_timeout=0"
_WAITING = f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}"
_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _run(
    connection: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool
) -> _Outcome:
    """In aiosqlite's thread: the transaction's BEGIN if it is still to run, then a cursor made,
    executed, read and closed."""
    if begin is not None:
        connection.execute(begin)
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _without_waiting(connection: sqlite3.Connection, run: Callable[[], _T]) -> _T | None:
    """`run()` on the calling thread with SQLite's busy timeout at zero; None, with nothing
    done, if another connection held a lock it needed."""
    connection.execute(_NO_WAITING)
    try:
        return run()
    except sqlite3.OperationalError as error:
        if getattr(error, "sqlite_errorcode", 0) & 0xFF in _BUSY:
            return None
        raise
    finally:
        connection.execute(_WAITING)


def _is_select(operation: Any) -> bool:
    return isinstance(operation, str) and operation.lstrip()[:6].upper() == "SELECT"


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A client-side cursor whose statement is one call into aiosqlite's thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass  # the rows are all fetched with the statement

    async def _async_soft_close(self) -> None:
        pass  # nothing stays open: the sqlite3 cursor was closed in the same call

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            await_(self._one_hop(operation, parameters, many=False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            await_(self._one_hop(operation, seq_of_parameters, many=True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _one_hop(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        adapt_connection = cast(OneHopConnection, self._adapt_connection)
        async with adapt_connection._execute_mutex:
            begin, adapt_connection.pending_begin = adapt_connection.pending_begin, None
            outcome = adapt_connection.on_loop_thread(begin, operation, parameters, many)
            if outcome is None:
                outcome = await connection._execute(  # type: ignore[no-untyped-call]
                    _run, connection._conn, begin, operation, parameters, many
                )
                adapt_connection.writing = begin == WRITE_BEGIN
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    def nextset(self) -> None:
        raise NotImplementedError("sqlite3 has no next result set")

    def setinputsizes(self, *inputsizes: Any) -> None:
        pass

    def fetchall(self) -> Sequence[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("pending_begin", "quick_reads", "writing")
    _cursor_cls = OneHopCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.pending_begin: str | None = None
        self.writing = False  # a write transaction's BEGIN IMMEDIATE ran (see the module)
        # Until the connection's transaction ends: its SELECTs outside a transaction are point
        # reads, tried on the loop's thread (see the module).
        self.quick_reads = False

    def on_loop_thread(
        self, begin: str | None, operation: Any, parameters: Any, many: bool
    ) -> _Outcome | None:
        """The statement (with the transaction's BEGIN, if still to run) run on the event
        loop's thread when the module's rules allow it; None when it must hop (nothing done).
        Called with the connection's mutex held."""
        sqlite = self._connection._conn
        if begin == WRITE_BEGIN:
            if _without_waiting(sqlite, lambda: sqlite.execute(WRITE_BEGIN)) is None:
                return None  # another process writes: wait in aiosqlite's thread
            self.writing = True
            return _run(sqlite, None, operation, parameters, many)
        if begin is not None:
            return None
        if self.holds_write_lock():
            return _run(sqlite, None, operation, parameters, many)
        if self.quick_reads and not many and not sqlite.in_transaction and _is_select(operation):
            return _without_waiting(sqlite, lambda: _run(sqlite, None, operation, parameters, many))
        return None

    def begin_with_next_statement(self, begin: str) -> None:
        """Run `begin` (BEGIN, or WRITE_BEGIN for a writer) in the same hop as the next
        statement."""
        self.pending_begin = begin

    def holds_write_lock(self) -> bool:
        """In a write transaction whose BEGIN IMMEDIATE ran: its statements need no hop.
        Read while no statement of this connection is running."""
        if self.writing and not self._connection._conn.in_transaction:
            self.writing = False  # ended by SQLite itself (an error that rolled it back)
        return self.writing

    def cursor(self, server_side: bool = False) -> Any:
        if server_side and self.pending_begin is not None:
            # A server-side cursor makes its own calls into aiosqlite's thread: BEGIN first.
            begin, self.pending_begin = self.pending_begin, None
            super().cursor().execute(begin)
        return super().cursor(server_side)

    def rollback(self) -> None:
        self.writing = self.quick_reads = False
        if self._nothing_to_end():
            return
        super().rollback()

    def commit(self) -> None:
        self.writing = self.quick_reads = False
        if self._nothing_to_end():
            return
        super().commit()

    def _nothing_to_end(self) -> bool:
        """No transaction is open, so ending one would be a hop for nothing: no statement ran
        since BEGIN was asked for, or none was (a read session's statements are each their
        own transaction). Read while no statement of this connection is running."""
        if self.pending_begin is not None:
            self.pending_begin = None
            return True
        return not self._connection._conn.in_transaction


class OneHopDbapi(AsyncAdapt_aiosqlite_dbapi):
    """aiosqlite as SQLAlchemy's adapter presents it, its connections making OneHopCursors."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)


def one_hop_dbapi() -> OneHopDbapi:
    """The `module` to give create_async_engine for a SQLite URL."""
    return OneHopDbapi(aiosqlite, sqlite3)
