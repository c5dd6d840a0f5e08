"""The migrations build exactly the schema the models describe, on both engines."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from domain.db.tables import Base
from infra.db.engine import create_engine
from infra.db.migrate import alembic_config, upgrade_to_head

BEFORE_STORES_OF_DAY = "c41d7e2a9b63"


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_on_an_empty_database_builds_the_models_schema(
    empty_database_url: str,
) -> None:
    engine = create_engine(empty_database_url)
    try:
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert set(Base.metadata.tables) <= tables
        assert "alembic_version" in tables
    finally:
        await engine.dispose()


async def test_upgrading_twice_changes_nothing(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    try:
        await upgrade_to_head(engine)
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_the_stores_of_the_day_go_down_and_up_again(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    try:
        await upgrade_to_head(engine)

        def down(connection: Connection) -> None:
            command.downgrade(alembic_config(connection), BEFORE_STORES_OF_DAY)

        async with engine.connect() as connection:
            await connection.run_sync(down)
            await connection.commit()
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert "stores_of_day" not in tables
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


BEFORE_REWARD_NAMES = "c4e8b1d9a3f6"


async def test_reward_names_in_other_languages_go_down_and_up_again(
    empty_database_url: str,
) -> None:
    engine = create_engine(empty_database_url)
    try:
        await upgrade_to_head(engine)

        def down(connection: Connection) -> None:
            command.downgrade(alembic_config(connection), BEFORE_REWARD_NAMES)

        def reward_columns(connection: Connection) -> set[str]:
            return {column["name"] for column in inspect(connection).get_columns("rewards")}

        async with engine.connect() as connection:
            await connection.run_sync(down)
            await connection.commit()
            assert "name_translations" not in await connection.run_sync(reward_columns)
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            assert "name_translations" in await connection.run_sync(reward_columns)
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


BEFORE_MEMBERS_INDEX = "d5a1c8e3f720"


async def test_the_members_index_goes_down_and_up_again(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    try:
        await upgrade_to_head(engine)

        def down(connection: Connection) -> None:
            command.downgrade(alembic_config(connection), BEFORE_MEMBERS_INDEX)

        def card_indexes(connection: Connection) -> dict[str, list[str | None]]:
            return {
                str(index["name"]): list(index["column_names"])
                for index in inspect(connection).get_indexes("cards")
            }

        async with engine.connect() as connection:
            await connection.run_sync(down)
            await connection.commit()
            indexes = await connection.run_sync(card_indexes)
        assert indexes["ix_cards_merchant_customer"] == ["merchant_id", "customer_id"]
        assert "ix_cards_merchant_members" not in indexes
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            indexes = await connection.run_sync(card_indexes)
            assert await connection.run_sync(_differences) == []
        assert "ix_cards_merchant_customer" not in indexes
        assert indexes["ix_cards_merchant_members"][:2] == ["merchant_id", "customer_id"]
    finally:
        await engine.dispose()


BEFORE_NO_PARALLEL_LEDGER = "317b04a25f73"


async def test_postgresql_plans_no_parallel_workers_for_the_ledger(
    empty_database_url: str,
) -> None:
    """Every ledger read is one café's through an index: parallel workers only ever came from
    an overestimate (docs/performance.md, "Insights at a million rows"). SQLite: nothing."""
    engine = create_engine(empty_database_url)
    try:
        await upgrade_to_head(engine)
        postgres = engine.dialect.name == "postgresql"

        async def options() -> list[str]:
            if not postgres:
                return []
            async with engine.connect() as connection:
                found = await connection.exec_driver_sql(
                    "SELECT reloptions FROM pg_class WHERE relname = 'ledger_entries'"
                )
                return list(found.scalar_one() or [])

        assert await options() == (["parallel_workers=0"] if postgres else [])

        def down(connection: Connection) -> None:
            command.downgrade(alembic_config(connection), BEFORE_NO_PARALLEL_LEDGER)

        async with engine.connect() as connection:
            await connection.run_sync(down)
            await connection.commit()
        assert await options() == []
        await upgrade_to_head(engine)
        assert await options() == (["parallel_workers=0"] if postgres else [])
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()
