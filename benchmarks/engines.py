"""Where the benchmarks' databases come from: SQLite files, or a private PostgreSQL server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from tests.support.databases import new_postgres_database
from tests.support.postgres import PostgresServer, start_postgres


class Databases:
    """New empty databases on demand: SQLite files in the work directory, or PostgreSQL ones."""

    def __init__(self, workdir: Path, postgres: PostgresServer | None) -> None:
        self.workdir = workdir
        self.postgres = postgres

    async def new(self, engine: str, label: str) -> str:
        if engine == "sqlite":
            return f"sqlite+aiosqlite:///{_fresh_file(self.workdir / f'{label}.db')}"
        assert self.postgres is not None
        return await new_postgres_database(self.postgres)


def _fresh_file(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


async def durable_postgres() -> tuple[PostgresServer, str]:
    """The test support's private server, with the durability it turns off turned back on (as
    in production, and as fair to SQLite, which runs with synchronous=FULL)."""
    server = start_postgres()
    url = make_url(server.url)
    connection = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, database=url.database
    )
    try:
        if server.data_dir is not None:  # never reconfigure a server that is not ours
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                await connection.execute(f"ALTER SYSTEM SET {setting} = on")
            await connection.execute("SELECT pg_reload_conf()")
            await asyncio.sleep(0.5)
        version = await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
    return server, str(version)
