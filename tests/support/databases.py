"""Fresh databases for tests and benchmarks: a SQLite file or a PostgreSQL database.

Most tests want a database already at the schema's head. Running the migrations for each of
them cost 0.3 s (SQLite) to 0.7 s (PostgreSQL) a test, several minutes of the suite, so each
process migrates one template per engine once and hands out copies of it: the SQLite file is
copied, PostgreSQL clones the template database (CREATE DATABASE … TEMPLATE). A copy is what the
migrations made, byte for byte; tests of the migrations themselves ask for an empty database.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from domain.db.uow import Database
from infra.db.engine import create_engine
from infra.db.migrate import upgrade_to_head
from tests.support.postgres import PostgresServer

_names = itertools.count()


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'loyalty.db'}"


async def new_postgres_database(server: PostgresServer, *, template: str | None = None) -> str:
    """CREATE DATABASE with a fresh name (empty, or a copy of `template`); its SQLAlchemy URL."""
    name = f"loyalty_test_{os.getpid()}_{next(_names)}"
    clause = f' TEMPLATE "{template}"' if template else ""
    await _as_admin(server, f'CREATE DATABASE "{name}"{clause}')
    return server.url_for(name)


async def migrated_database(url: str, *, pool_size: int = 5, max_overflow: int = 10) -> Database:
    engine = create_engine(url, pool_size=pool_size, max_overflow=max_overflow)
    await upgrade_to_head(engine)
    return Database(engine)


async def migrated_sqlite_url(directory: Path) -> str:
    """A SQLite file at the schema's head in `directory`, copied from this process's template."""
    target = directory / "loyalty.db"
    shutil.copyfile(await _sqlite_template(), target)
    return f"sqlite+aiosqlite:///{target}"


async def migrated_postgres_url(server: PostgresServer) -> str:
    """A new PostgreSQL database at the schema's head, cloned from this process's template."""
    return await new_postgres_database(server, template=await _postgres_template(server))


# Templates are made once per process, by whichever test first asks (each test has its own
# event loop, so the guard is a plain flag per template, not an asyncio lock shared by loops).
_sqlite_template_file: Path | None = None
_postgres_templates: dict[str, str] = {}


async def _sqlite_template() -> Path:
    global _sqlite_template_file
    if _sqlite_template_file is None:
        directory = Path(tempfile.mkdtemp(prefix="loyalty-template-"))
        url = sqlite_url(directory)
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine)
            async with engine.connect() as connection:
                # Everything into the main file, so copying that one file copies the database
                # (WAL mode itself is kept in the file's header).
                await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        finally:
            await engine.dispose()
        _sqlite_template_file = directory / "loyalty.db"
    return _sqlite_template_file


async def _postgres_template(server: PostgresServer) -> str:
    template = _postgres_templates.get(server.url)
    if template is None:
        url = await new_postgres_database(server)
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine)
        finally:
            # CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template.
            await engine.dispose()
        template = make_url(url).database or ""
        _postgres_templates[server.url] = template
    return template


async def _as_admin(server: PostgresServer, statement: str) -> None:
    admin = make_url(server.url)
    connection = await asyncpg.connect(
        host=admin.host,
        port=admin.port,
        user=admin.username,
        password=admin.password,
        database=admin.database,
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
