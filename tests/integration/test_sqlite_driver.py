"""The one-hop SQLite cursor (domain/db/sqlite_driver.py) behaves as the DBAPI cursor it
replaces: rows, row counts, inserted ids, executemany, and errors as SQLAlchemy's exceptions,
on a real SQLite file through the engine the application uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import exc, text

from domain.db.engine import create_engine
from domain.db.sqlite_driver import OneHopCursor


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
