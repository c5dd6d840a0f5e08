"""Apply the Alembic migrations from code (at start-up, from `python -m bot migrate`, in tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Bring the schema up to date; a no-op when it already is."""

    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), "head")

    async with engine.connect() as connection:
        await connection.run_sync(run)
        await connection.commit()
