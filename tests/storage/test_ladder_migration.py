"""The reward-ladder migration on a database with data, on both engines: every programme's
reward becomes its first rung, cards and their ledger stay exactly as they were."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import MetaData, Table, insert, select
from sqlalchemy.engine import Connection

from domain.clock import ManualClock
from domain.db.tables import LedgerEntry
from domain.db.uow import Database
from domain.model import LedgerKind, RewardUnit
from domain.service import LoyaltyService
from infra.db.engine import create_engine
from infra.db.migrate import alembic_config, upgrade_to_head
from tests.support.scenario import new_profile

BEFORE_LADDER = "a7c3e5f19b42"
THEN = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
OWNER, CUSTOMER = 501, 502


def _table(connection: Connection, name: str) -> Table:
    """The table as it was then (the programme row still held its rewards)."""
    return Table(name, MetaData(), autoload_with=connection)


def _old_programme(connection: Connection) -> None:
    """A stamp programme (8 stamps for a croissant) with one card at 11/8, the way the bot
    before the ladder left them (it let stamps run past the target)."""
    command.upgrade(alembic_config(connection), BEFORE_LADDER)
    for user_id in (OWNER, CUSTOMER):
        connection.execute(
            insert(_table(connection, "users")).values(
                id=user_id, first_name=f"U{user_id}", created_at=THEN
            )
        )
    connection.execute(
        insert(_table(connection, "merchants")).values(
            id=1, name="Café", owner_user_id=OWNER, created_at=THEN
        )
    )
    connection.execute(
        insert(_table(connection, "programs")).values(
            merchant_id=1,
            type="hybrid",
            stamps_target=8,
            reward="Croissant",
            cooldown_minutes=0,
            daily_limit=0,
            points_per_euro=10_000,  # 1 point a euro, as its scaled integer
            points_reward=250,
            points_reward_text="Voucher",
            expiry_days=0,
            cross_location=True,
            timezone="Europe/Luxembourg",
            summary_time=None,
            language="en",
            updated_at=THEN,
        )
    )
    connection.execute(
        insert(_table(connection, "stores")).values(
            id=1, merchant_id=1, name="Café", code="abcd2345", created_at=THEN
        )
    )
    connection.execute(
        insert(_table(connection, "cards")).values(
            id=1,
            number="123456789012",
            qr_token="q" * 32,
            customer_id=CUSTOMER,
            merchant_id=1,
            store_id=1,
            stamp_count=11,
            lifetime_stamps=19,
            rewards_redeemed=1,
            points_balance=300,
            points_earned=300,
            points_redeemed=0,
            points_voided=0,
            points_expired=0,
            active=True,
            created_at=THEN,
        )
    )
    rows = [
        ("stamp", 10, 0, 10, 0),
        ("stamp", 9, 0, 19, 0),
        ("redeem_stamps", -8, 0, 11, 0),
        ("earn_points", 0, 300, 11, 300),
    ]
    for kind, stamps, points, stamps_after, points_after in rows:
        connection.execute(
            insert(_table(connection, "ledger_entries")).values(
                card_id=1,
                merchant_id=1,
                store_id=1,
                staff_user_id=OWNER,
                kind=kind,
                stamps_delta=stamps,
                points_delta=points,
                stamp_balance_after=stamps_after,
                points_balance_after=points_after,
                created_at=THEN,
            )
        )


async def test_existing_programmes_and_cards_stay_as_they_were(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    async with engine.connect() as connection:
        await connection.run_sync(_old_programme)
        await connection.commit()
    await upgrade_to_head(engine)
    database = Database(engine)
    service = LoyaltyService(database, ManualClock(THEN))
    try:
        ladder = await service.rewards.ladder(OWNER)
        assert [(r.unit, r.cost, r.name) for r in ladder.rewards] == [
            (RewardUnit.STAMPS, 8, "Croissant"),
            (RewardUnit.POINTS, 250, "Voucher"),
        ]
        # Their one name is the name given, in every language, until the owner adds others.
        assert [r.translations for r in ladder.rewards] == [(), ()]
        assert ladder.rewards[0].name_in("fr") == "Croissant"
        settings = await service.merchants.program(OWNER)
        assert (settings.stamps_target, settings.reward) == (8, "Croissant")
        card = await service.customers.card(CUSTOMER, 1)
        assert (card.stamp_count, card.lifetime_stamps, card.rewards_redeemed) == (11, 19, 1)
        assert (card.points_balance, card.stamps_target) == (300, 8)
        assert [r.name for r in card.affordable] == ["Croissant", "Voucher"]
        page = await service.customers.history(CUSTOMER, 1)
        assert [line.kind for line in page.lines] == [
            LedgerKind.EARN_POINTS,
            LedgerKind.REDEEM_STAMPS,
            LedgerKind.STAMP,
            LedgerKind.STAMP,
        ]
        assert await service.maintenance.invariant_breaches() == []
        # The owner's cashier redeems the first rung: the rest stays, as before the ladder.
        invite = await service.staff.create_invite(OWNER, None)
        cashier = new_profile("Cashier")
        await service.staff.accept_invite(cashier, invite.token)
        op = await service.counter.redeem_stamps(cashier.user_id, "123456789012")
        assert (op.kind, op.card.stamp_count, op.reward and op.reward.name) == (
            LedgerKind.REDEEM_REWARD,
            3,
            "Croissant",
        )
        async with database.read() as session:
            rewards_of_rows = (
                await session.execute(select(LedgerEntry.reward_id).order_by(LedgerEntry.id))
            ).scalars()
            assert list(rewards_of_rows) == [None, None, None, None, ladder.rewards[0].reward_id]
        assert await service.maintenance.invariant_breaches() == []
    finally:
        await engine.dispose()
