"""The one-hop SQLite cursor (infra/db/sqlite_driver.py) behaves as the DBAPI cursor it
replaces: rows, row counts, inserted ids, executemany, and errors as SQLAlchemy's exceptions,
on a real SQLite file through the engine the application uses."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import exc, text

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


async def test_a_writer_runs_its_statements_on_the_loop_thread_after_begin(tmp_path: Path) -> None:
    """Once a write transaction's BEGIN IMMEDIATE ran (with its first statement, in aiosqlite's
    thread), its statements run on the event loop's thread; the COMMIT, reads outside a
    transaction and a transaction whose first statement failed stay in aiosqlite's thread."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    loop_thread = threading.current_thread().name
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        async with engine.connect() as connection:
            raw = (await connection.get_raw_connection()).dbapi_connection
            assert isinstance(raw, OneHopConnection)
            # Every statement can say which thread ran it.
            raw._connection._conn.create_function(
                "thread_name", 0, lambda: threading.current_thread().name
            )

            async def thread_of_statement() -> str:
                return str((await connection.execute(text("SELECT thread_name()"))).scalar_one())

            writer = await connection.execution_options(**{WRITE_OPTION: True})
            await writer.begin()
            first = await thread_of_statement()  # carries the BEGIN IMMEDIATE
            await writer.execute(text("INSERT INTO t (id) VALUES (1)"))
            then = await thread_of_statement()
            await writer.commit()
            assert first != loop_thread and then == loop_thread
            # A read outside a transaction goes to aiosqlite's thread again.
            assert await thread_of_statement() != loop_thread
            await connection.commit()
            # A first statement that failed leaves the transaction to its rollback, in the
            # thread; the next writer's first statement hops again.
            await writer.begin()
            with pytest.raises(exc.IntegrityError):
                await writer.execute(text("INSERT INTO t (id) VALUES (1)"))
            await writer.rollback()
            await writer.begin()
            assert await thread_of_statement() != loop_thread
            await writer.execute(text("INSERT INTO t (id) VALUES (2)"))
            await writer.rollback()
        async with engine.connect() as connection:  # the rolled-back insert left nothing
            ids = (await connection.execute(text("SELECT id FROM t"))).scalars().all()
            assert ids == [1]
    finally:
        await engine.dispose()
