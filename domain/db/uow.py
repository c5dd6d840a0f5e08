"""The unit of work: one session and one transaction per use case.

The service decides where a transaction starts and ends; repositories only read and write
through the session they are given and never commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, delete, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from domain.db.dialect import Dialect
from domain.db.programmes import ProgrammeCache

__all__ = [
    "ALONE_OPTION",
    "POINT_READS_OPTION",
    "READ_OPTION",
    "WRITE_OPTION",
    "Database",
    "IntegrityError",
    "Rows",
    "Session",
    "after_commit",
    "commit_attempted",
]

# The execution option a write transaction carries; the engine (infra/db/engine.py) reads it to
# take the write lock at BEGIN on SQLite. Declared here, by the one who asks for it, so the
# domain names no engine module.
WRITE_OPTION = "loyalty_write"
# The execution option a read session carries: on SQLite the engine sends it no BEGIN, so each
# statement is its own transaction (PostgreSQL gets the driver's autocommit beside it).
READ_OPTION = "loyalty_read"
# Beside READ_OPTION, for Database.read_rows: its statements are point reads (a few rows by an
# index), which SQLite's engine may run without a thread hop (infra/db/sqlite_driver.py).
POINT_READS_OPTION = "loyalty_point_reads"
# The execution option of a session whose statements stand alone (Database.each_statement_alone):
# no BEGIN either, and writes are allowed.
ALONE_OPTION = "loyalty_alone"

# What a use case holds for one transaction and hands to the repositories it opens on it.
Session = AsyncSession
# What a read of columns (Database.read_rows) or a statement standing alone holds: a bare
# connection. Core statements and selects of columns need no session, whose setup and close
# cost about a third of a one-statement read.
Rows = AsyncConnection
# IntegrityError (re-exported): a unique index refused a row at flush or commit, because a
# concurrent twin committed first; use cases catch it to refuse as if the twin came first.

# True once a write transaction of the current task has reached COMMIT. A failure after that
# cannot prove that nothing changed: a COMMIT that raises (a full disk, a lost connection) may
# still have been made durable. Whoever reports a failure to a person reads this first.
commit_attempted: ContextVar[bool] = ContextVar("commit_attempted", default=False)

_AFTER_COMMIT = "loyalty_after_commit"  # the key of a write session's hooks in `session.info`

# Rows one clean-up statement deletes at most (Database.delete_in_batches): a few milliseconds
# of SQLite's write lock.
DELETE_BATCH = 500


def after_commit(session: AsyncSession, hook: Callable[[], None]) -> None:
    """Call `hook` once this write transaction has committed; never if it rolls back.

    Hooks run in the order they were added, right after the COMMIT returned and before the use
    case goes on; they must be quick and must not raise (what they start runs on its own)."""
    hooks: list[Callable[[], None]] = session.info.setdefault(_AFTER_COMMIT, [])
    hooks.append(hook)


class Database:
    """Opens transactions on one engine."""

    def __init__(self, engine: AsyncEngine, url: str | None = None) -> None:
        """`url`: the URL as configured, for engines made beside this one (see engine_beside)."""
        self.engine = engine
        self.url = url
        self.dialect = Dialect.of(engine)
        self.programmes = ProgrammeCache()  # checked against the database on every use
        # SQLite has one writer at a time. Queuing writers here, in FIFO order, replaces SQLite's
        # busy handler, which polls with growing sleeps and makes waiting writers slow and
        # unfair. Other processes on the same file still meet the busy timeout.
        self._writer_turn = asyncio.Lock() if self.dialect.is_sqlite else None
        # Outside a transaction: PostgreSQL's driver autocommits; SQLite's engine sends no BEGIN.
        autocommit: dict[str, object] = {}
        if not self.dialect.is_sqlite:
            autocommit["isolation_level"] = "AUTOCOMMIT"
        read: dict[str, object] = {READ_OPTION: True, **autocommit}
        # Each kind of use has an engine of its own carrying its options (one pool: they are
        # views of `engine`), so that a connection has them from the start: set on each
        # connection instead, they cost a call into SQLAlchemy's greenlet per use.
        self._point_reads = engine.execution_options(**read, **{POINT_READS_OPTION: True})
        self._alone = engine.execution_options(**{ALONE_OPTION: True}, **autocommit)
        self._write_sessions = _sessions(engine.execution_options(**{WRITE_OPTION: True}))
        self._read_sessions = _sessions(engine.execution_options(**read))

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction that commits when the block ends normally and rolls back otherwise."""
        async with self._turn_to_write(), self._transaction() as session:
            yield session

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        async with _closing(self._write_sessions()) as session:
            try:
                yield session
                commit_attempted.set(True)
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            for hook in session.info.pop(_AFTER_COMMIT, ()):
                hook()

    @asynccontextmanager
    async def each_statement_alone(self) -> AsyncIterator[Rows]:
        """A connection on which every statement commits on its own: no BEGIN and no COMMIT go
        to the database (a round trip each on PostgreSQL, a thread hop on SQLite).

        For bookkeeping writes of one statement each (an update stored or marked handled, a
        message marked sent, a step closed), where a transaction around the statement adds
        nothing but its cost. Never for a use case: two statements here are two transactions,
        and the first stays when the second fails. SQLite writers still queue for their turn.
        Core statements only (a bare connection loads no ORM objects)."""
        async with self._turn_to_write(), self._connection(self._alone) as connection:
            yield connection

    async def delete_in_batches(
        self,
        key: Sequence[InstrumentedAttribute[Any]],
        condition: ColumnElement[bool],
        batch: int = DELETE_BATCH,
    ) -> int:
        """Delete the rows that meet `condition` (of the table whose primary key is `key`),
        `batch` rows per statement standing alone; how many went. For the daily clean-ups, which
        may find a day's worth of rows: one DELETE of them all would hold SQLite's one write
        lock, and so every cashier's write queued behind it, for as long as it takes (and run on
        the event loop's thread inside a transaction; see infra/db/sqlite_driver.py). Writers
        that queue meanwhile go between two batches."""
        (table,) = {column.class_ for column in key}
        chosen = select(*key).where(condition).limit(batch)
        by_key = tuple_(*key) if len(key) > 1 else key[0]
        statement = delete(table).where(by_key.in_(chosen))
        total = 0
        while True:
            async with self.each_statement_alone() as connection:
                deleted = int((await connection.execute(statement)).rowcount)
            total += deleted
            if deleted < batch:
                return total

    def _turn_to_write(self) -> AbstractAsyncContextManager[object]:
        """SQLite's in-process queue of writers (see __init__); nothing on PostgreSQL."""
        return self._writer_turn if self._writer_turn is not None else nullcontext()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only session outside any transaction: each statement sees what was committed
        when it started, and no BEGIN or ROLLBACK goes to the database (round trips on
        PostgreSQL, thread hops on SQLite: two or one per read saved on the hot path).

        That is all PostgreSQL's read committed gives inside a transaction too, so no use case
        may count on two reads agreeing: rows that must agree are read in one statement, or in
        a write transaction. The loaded objects stay readable after the block."""
        async with _closing(self._read_sessions()) as session:
            yield session

    @asynccontextmanager
    async def read_rows(self) -> AsyncIterator[Rows]:
        """Like `read`, on a bare connection: for point reads of a few rows by an index, as
        Core statements or selects of columns, read on every update (who is writing, their open
        step), where the session's own setup and close would cost more than the statement.
        Never for a read that may scan: SQLite runs these on the event loop's thread."""
        async with self._connection(self._point_reads) as connection:
            yield connection

    @asynccontextmanager
    async def _connection(self, engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
        async with _closing(await engine.connect()) as connection:
            yield connection

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sessions(bind: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(bind, expire_on_commit=False, autoflush=False)


class _Closable(Protocol):
    async def close(self) -> None: ...


_C = TypeVar("_C", bound=_Closable)


@asynccontextmanager
async def _closing(resource: _C) -> AsyncIterator[_C]:
    """`resource` (a session, an open connection), closed when the block ends.

    SQLAlchemy's own `async with` closes in a task of its own, shielded, so that a second
    cancellation cannot stop the close halfway: a task, a shield and two turns of the event loop
    for every session and connection, several per update (about 23 µs each). Here the close is
    awaited where it is. When the transaction has already ended, as ours have by then (a write
    committed or rolled back, a read or a statement standing alone never began one), closing
    does no I/O and so cannot be interrupted; only a close that must still roll back could be,
    by a second cancellation in that moment, and the pool then drops the connection.
    """
    try:
        yield resource
    finally:
        await resource.close()
