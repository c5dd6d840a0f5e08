"""Alembic environment: runs on a connection from infra.db.migrate, or on DATABASE_URL."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from domain.db.tables import Base
from infra import tables as _infra_tables  # noqa: F401 - registers the infrastructure tables
from infra.db.engine import create_engine

DEFAULT_URL = "sqlite+aiosqlite:///loyalty.db"


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by table copy
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_on_url(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure_and_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run against a database")

handed_over = context.config.attributes.get("connection")
if handed_over is not None:
    _configure_and_run(handed_over)
else:
    asyncio.run(_run_on_url(os.environ.get("DATABASE_URL", DEFAULT_URL)))
