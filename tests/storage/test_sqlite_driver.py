"""The one-hop SQLite cursor (infra/db/sqlite_driver.py) behaves as the DBAPI cursor it
replaces: rows, row counts, inserted ids, executemany, and errors as SQLAlchemy's exceptions,
on a real SQLite file through the engine the application uses."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, exc, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.db.uow import Database
from infra.db.engine import WRITE_OPTION, create_engine
from infra.db.sqlite_driver import OneHopConnection, OneHopCursor

pytestmark = pytest.mark.integration


async def test_statements_read_write_and_fail_as_before(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    try:
        async with engine.begin() as connection:
            raw = await connection.get_raw_connection()
            assert type(raw.dbapi_connection.cursor()) is OneHopCursor  # type: ignore[union-attr]
            table = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"
            await connection.execute(text(table))
            inserted = await connection.execute(text("INSERT INTO t (name) VALUES ('a')"))
            assert inserted.lastrowid == 1
            await connection.execute(
                text("INSERT INTO t (name) VALUES (:name)"), [{"name": "b"}, {"name": "c"}]
            )
            changed = await connection.execute(text("UPDATE t SET name = name || '!'"))
            assert changed.rowcount == 3
            rows = (await connection.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
            assert [tuple(row) for row in rows] == [(1, "a!"), (2, "b!"), (3, "c!")]
            assert (await connection.execute(text("SELECT 1 WHERE 0"))).first() is None
        with pytest.raises(exc.IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t (name) VALUES ('a!')"))
        with pytest.raises(exc.OperationalError):
            async with engine.begin() as connection:
                await connection.execute(text("SELECT * FROM missing"))
        async with engine.connect() as connection:  # nothing of the failed ones was kept
            count = (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one()
            assert count == 3
    finally:
        await engine.dispose()


async def test_a_transaction_begins_with_its_first_statement(tmp_path: Path) -> None:
    """BEGIN rides with the first statement: a writer holds the write lock from then on, a
    rolled-back write leaves nothing, a transaction without statements makes no call."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'begin.db'}"
    engine, other = create_engine(url), create_engine(url)
    calls: list[str] = []
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        writer = await engine.connect()
        try:
            await (await writer.execution_options(**{WRITE_OPTION: True})).begin()
            await writer.execute(text("INSERT INTO t (id) VALUES (1)"))
            assert (await writer.execute(text("SELECT count(*) FROM t"))).scalar_one() == 1
            # The other engine cannot write meanwhile: BEGIN IMMEDIATE took the lock.
            with pytest.raises(exc.OperationalError, match="locked"):
                async with other.connect() as blocked:
                    await blocked.exec_driver_sql("PRAGMA busy_timeout=0")
                    await blocked.commit()
                    await (await blocked.execution_options(**{WRITE_OPTION: True})).begin()
                    await blocked.execute(text("INSERT INTO t (id) VALUES (2)"))
            await writer.rollback()
        finally:
            await writer.close()
        async with engine.connect() as connection:
            raw = (await connection.get_raw_connection()).dbapi_connection
            assert isinstance(raw, OneHopConnection)
            aio = raw._connection
            original = aio._execute

            async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
                calls.append(getattr(fn, "__name__", "?"))
                return await original(fn, *args, **kwargs)

            aio._execute = counted  # type: ignore[method-assign]
            try:
                await connection.begin()
                await connection.rollback()  # no statement: no BEGIN, no ROLLBACK sent
                assert calls == []
                await connection.begin()
                assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0
                assert raw._connection._conn.in_transaction  # BEGIN ran before the SELECT
                await connection.rollback()
                assert calls == ["_run", "rollback"]
            finally:
                aio._execute = original  # type: ignore[method-assign]
    finally:
        await engine.dispose()
        await other.dispose()


def _say_thread_names(engine: AsyncEngine) -> None:
    """Every connection of `engine` gets a SQL function saying which thread runs the statement."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        sqlite = dbapi_connection._connection._conn
        sqlite.create_function("thread_name", 0, lambda: threading.current_thread().name)


async def _thread_of_statement(connection: AsyncConnection) -> str:
    return str((await connection.execute(text("SELECT thread_name()"))).scalar_one())


async def test_a_writer_runs_its_statements_on_the_loop_thread(tmp_path: Path) -> None:
    """A write transaction's BEGIN IMMEDIATE and its statements run on the event loop's thread;
    its COMMIT, and reads outside a transaction, in aiosqlite's thread. A first statement that
    failed leaves the transaction holding the lock until its rollback."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    _say_thread_names(engine)
    loop_thread = threading.current_thread().name
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        async with engine.connect() as connection:
            raw = (await connection.get_raw_connection()).dbapi_connection
            assert isinstance(raw, OneHopConnection)
            writer = await connection.execution_options(**{WRITE_OPTION: True})
            await writer.begin()
            first = await _thread_of_statement(connection)  # carries the BEGIN IMMEDIATE
            await writer.execute(text("INSERT INTO t (id) VALUES (1)"))
            then = await _thread_of_statement(connection)
            await writer.commit()
            assert first == loop_thread and then == loop_thread
            async with engine.connect() as reader:  # a reader's statements may scan
                assert await _thread_of_statement(reader) != loop_thread
            await writer.begin()
            with pytest.raises(exc.IntegrityError):
                await writer.execute(text("INSERT INTO t (id) VALUES (1)"))
            assert raw.holds_write_lock()  # the failed statement did not end the transaction
            await writer.execute(text("INSERT INTO t (id) VALUES (2)"))
            await writer.rollback()
            assert not raw.holds_write_lock()
        async with engine.connect() as connection:  # the rolled-back inserts left nothing
            ids = (await connection.execute(text("SELECT id FROM t"))).scalars().all()
            assert ids == [1]
    finally:
        await engine.dispose()


async def test_a_writer_waits_for_another_process_in_aiosqlites_thread(tmp_path: Path) -> None:
    """While another process holds SQLite's write lock, the writer's BEGIN IMMEDIATE, tried on
    the loop's thread, gives way at once and waits in aiosqlite's thread: the loop goes on
    meanwhile, and the writer's statements after it run on the loop's thread again."""
    path = tmp_path / "waits.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    _say_thread_names(engine)
    loop_thread = threading.current_thread().name
    other_process = sqlite3.connect(path, isolation_level=None)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        other_process.execute("BEGIN IMMEDIATE")
        other_process.execute("INSERT INTO t (id) VALUES (1)")

        async def write() -> tuple[str, str]:
            async with engine.connect() as connection:
                writer = await connection.execution_options(**{WRITE_OPTION: True})
                await writer.begin()
                first = await _thread_of_statement(connection)
                await writer.execute(text("INSERT INTO t (id) VALUES (2)"))
                then = await _thread_of_statement(connection)
                await writer.commit()
                return first, then

        writing = asyncio.create_task(write())
        ticks = 0
        for _ in range(30):  # 0.3 s of the loop's own work while the writer waits
            await asyncio.sleep(0.01)
            ticks += 1
        assert not writing.done()
        other_process.execute("COMMIT")
        first, then = await asyncio.wait_for(writing, timeout=10)
        assert ticks == 30
        assert first != loop_thread and then == loop_thread
        async with engine.connect() as connection:
            ids = (await connection.execute(text("SELECT id FROM t ORDER BY id"))).scalars()
            assert ids.all() == [1, 2]
    finally:
        other_process.close()
        await engine.dispose()


async def test_point_reads_run_on_the_loop_thread_and_other_reads_do_not(tmp_path: Path) -> None:
    """Database.read_rows (point reads, on every update) runs on the loop's thread; a read
    session, and the same pooled connection once it is given back, in aiosqlite's thread."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'reads.db'}", pool_size=1)
    _say_thread_names(engine)
    db = Database(engine)
    loop_thread = threading.current_thread().name
    try:
        async with db.read_rows() as connection:
            assert await _thread_of_statement(connection) == loop_thread
            assert await _thread_of_statement(connection) == loop_thread
        async with db.read() as session:
            thread = (await session.execute(text("SELECT thread_name()"))).scalar_one()
            assert thread != loop_thread
        async with engine.connect() as connection:  # the one pooled connection, asked plainly
            assert await _thread_of_statement(connection) != loop_thread
        async with db.read_rows() as connection:
            assert await _thread_of_statement(connection) == loop_thread
    finally:
        await engine.dispose()
