"""Fresh, migrated databases for tests and benchmarks: a SQLite file or a PostgreSQL database."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from domain.db.uow import Database
from infra.db.engine import create_engine
from infra.db.migrate import upgrade_to_head
from tests.support.postgres import PostgresServer

_names = itertools.count()


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'loyalty.db'}"


async def new_postgres_database(server: PostgresServer) -> str:
    """CREATE DATABASE with a fresh name; returns its SQLAlchemy URL."""
    name = f"loyalty_test_{os.getpid()}_{next(_names)}"
    admin = make_url(server.url)
    connection = await asyncpg.connect(
        host=admin.host,
        port=admin.port,
        user=admin.username,
        password=admin.password,
        database=admin.database,
    )
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return server.url_for(name)


async def migrated_database(url: str, *, pool_size: int = 5) -> Database:
    engine = create_engine(url, pool_size=pool_size)
    await upgrade_to_head(engine)
    return Database(engine)
