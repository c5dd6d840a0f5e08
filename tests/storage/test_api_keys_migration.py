"""The API keys' migration goes down and up again on both engines, keeping the ledger's rows,
and leaves exactly the schema the models describe."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection

from domain.apikeys import ALL_SCOPES
from domain.clock import ManualClock
from domain.db.tables import Base, LedgerEntry
from domain.db.uow import Database
from domain.service import LoyaltyService
from infra.db.engine import create_engine
from infra.db.migrate import alembic_config, upgrade_to_head
from tests.support.scenario import new_profile, open_shop

BEFORE_API_KEYS = "c4e8a2f6d913"


async def test_down_and_up_again_keeps_the_ledger(
    empty_database_url: str, clock: ManualClock
) -> None:
    engine = create_engine(empty_database_url)
    try:
        await upgrade_to_head(engine)
        service = LoyaltyService(Database(engine), clock)
        shop = await open_shop(service, cooldown="0")
        cashier = await shop.hire("Cashier")
        card = (await service.customers.enrol(new_profile("Clara"), shop.first_store.code)).card
        await service.counter.stamp(cashier.user_id, card.number)
        await service.api_keys.create_key(shop.owner.user_id, "till", ALL_SCOPES)

        def down(connection: Connection) -> tuple[set[str], set[str]]:
            command.downgrade(alembic_config(connection), BEFORE_API_KEYS)
            schema = inspect(connection)
            columns = {c["name"] for c in schema.get_columns("ledger_entries")}
            return set(schema.get_table_names()), columns

        async with engine.connect() as connection:
            tables, columns = await connection.run_sync(down)
            await connection.commit()
        assert not {"api_keys", "api_key_lookup_failures"} & tables
        assert not {"request_hash", "receipt"} & columns
        await upgrade_to_head(engine)

        def differences(connection: Connection) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))

        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
            rows = await connection.execute(select(func.count()).select_from(LedgerEntry))
            assert rows.scalar_one() == 1
    finally:
        await engine.dispose()
