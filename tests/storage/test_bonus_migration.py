"""The bonuses migration keeps existing data meaningful: every card gets an invitation code,
and a card that was already stamped has had its first visit (no welcome bonus later)."""

from __future__ import annotations

from dataclasses import replace

from alembic import command
from sqlalchemy import select
from sqlalchemy.engine import Connection

from domain.clock import ManualClock
from domain.db.tables import Card
from domain.db.uow import Database
from domain.service import LoyaltyService
from infra.db.engine import create_engine
from infra.db.migrate import alembic_config, upgrade_to_head
from tests.support.scenario import new_profile, open_shop

BEFORE_BONUSES = "b7e4a2c91d5f"


async def test_existing_cards_get_a_code_and_their_first_visit(
    empty_database_url: str, clock: ManualClock
) -> None:
    engine = create_engine(empty_database_url)
    try:
        await upgrade_to_head(engine)
        service = LoyaltyService(Database(engine), clock)
        shop = await open_shop(service)
        cashier = await shop.hire("Cashier")
        regular, newcomer = new_profile("Regular"), new_profile("Newcomer")
        visited = (await service.customers.enrol(regular, shop.first_store.code)).card
        await service.customers.enrol(newcomer, shop.first_store.code)
        stamp = await service.counter.stamp(cashier.user_id, visited.number)

        def down(connection: Connection) -> None:
            command.downgrade(alembic_config(connection), BEFORE_BONUSES)

        async with engine.connect() as connection:
            await connection.run_sync(down)
            await connection.commit()
        await upgrade_to_head(engine)
        # A schema taken back and forth is a restart: the programme versions begin again, so
        # the workers' cached programmes go with the old processes.
        service = LoyaltyService(Database(engine), clock)
        shop = replace(shop, service=service)

        async with service.database.read() as session:
            cards = {
                card.customer_id: card for card in (await session.execute(select(Card))).scalars()
            }
        codes = {card.referral_code for card in cards.values()}
        assert None not in codes and len(codes) == 2
        assert cards[regular.user_id].first_visit_at == stamp.created_at
        assert cards[newcomer.user_id].first_visit_at is None

        # Switched on now, the welcome bonus goes to the newcomer's first visit only.
        await shop.configure(welcome_bonus="1", cooldown="0")
        assert (await service.counter.stamp(cashier.user_id, visited.number)).bonuses == ()
        newcomer_card = cards[newcomer.user_id]
        first = await service.counter.stamp(cashier.user_id, newcomer_card.number)
        assert len(first.bonuses) == 1
    finally:
        await engine.dispose()
