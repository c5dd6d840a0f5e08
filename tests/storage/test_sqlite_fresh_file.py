"""A worker opening a SQLite file that another process is still setting up waits for it.

SQLite does not apply the busy timeout to the switch to WAL: while another connection holds
the file's write lock in rollback mode (a fresh file another worker is creating), the switch
fails at once with "database is locked". Workers starting together on a new deployment hit
that (`tests/storage/test_concurrent_migrations.py` did, once, on a loaded machine; three
raw processes racing on fresh files lose about one round in five). infra/db/engine.py
retries the switch for as long as the busy timeout would have waited."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from infra.db.engine import create_engine

pytestmark = pytest.mark.integration

HELD_SECONDS = 0.3


async def test_opening_waits_out_another_connection_holding_the_fresh_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fresh.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE t (x INTEGER)")  # still in rollback mode, as a file just made
    other.execute("BEGIN IMMEDIATE")  # the other worker's write lock, released shortly
    release = threading.Timer(HELD_SECONDS, lambda: other.execute("COMMIT"))
    release.start()
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        started = asyncio.get_running_loop().time()
        async with engine.connect() as connection:
            assert await connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert await connection.scalar(text("SELECT count(*) FROM t")) == 0
        assert asyncio.get_running_loop().time() - started >= HELD_SECONDS * 0.9
    finally:
        release.join()
        other.close()
        await engine.dispose()
