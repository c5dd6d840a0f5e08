"""The migration that makes the ladder the one store of rewards, on both engines with data:
the programme row's copies of the first rewards go, a programme missing a rung gets it from
them first; going down brings the columns back filled from each unit's cheapest rung."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Table, insert, inspect, select, update
from sqlalchemy.engine import Connection

from domain.clock import ManualClock
from domain.db.tables import Base
from domain.db.uow import Database
from domain.model import RewardUnit
from domain.service import LoyaltyService
from infra.db.engine import create_engine
from infra.db.migrate import alembic_config, upgrade_to_head

BEFORE = "b2f7c41e8d05"
THEN = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
COPIES = ("stamps_target", "reward", "points_reward", "points_reward_text")
# merchant → its owner, the copies on its programme row, and its rungs (unit, cost, name, removed)
SHOPS: dict[int, tuple[int, tuple[int, str, int, str], list[tuple[str, int, str, bool]]]] = {
    # In step: the copies are the cheapest rungs; a dearer rung of each unit above them.
    1: (
        601,
        (8, "Croissant", 250, "Voucher"),
        [
            ("stamps", 12, "Cake", False),
            ("stamps", 8, "Croissant", False),
            ("points", 250, "Voucher", False),
            ("points", 900, "Lunch", False),
        ],
    ),
    # No stamp rung at all, and the only points rung removed: both come from the copies.
    2: (602, (6, "Tea", 300, "Scarf"), [("points", 100, "Old mug", True)]),
}


def _table(connection: Connection, name: str) -> Table:
    return Table(name, MetaData(), autoload_with=connection)


def _before_with_data(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), BEFORE)
    users, merchants = _table(connection, "users"), _table(connection, "merchants")
    programs, rewards = _table(connection, "programs"), _table(connection, "rewards")
    for merchant_id, (owner, (target, reward, points, points_text), rungs) in SHOPS.items():
        connection.execute(insert(users).values(id=owner, first_name="Owner", created_at=THEN))
        connection.execute(
            insert(merchants).values(
                id=merchant_id, name=f"Café {merchant_id}", owner_user_id=owner, created_at=THEN
            )
        )
        connection.execute(
            insert(programs).values(
                merchant_id=merchant_id,
                type="hybrid",
                stamps_target=target,
                reward=reward,
                cooldown_minutes=0,
                daily_limit=0,
                points_per_euro=10_000,  # 1 point a euro, as its scaled integer
                points_reward=points,
                points_reward_text=points_text,
                expiry_days=0,
                cross_location=True,
                timezone="Europe/Luxembourg",
                summary_time=None,
                language="en",
                updated_at=THEN,
            )
        )
        for unit, cost, name, removed in rungs:
            connection.execute(
                insert(rewards).values(
                    merchant_id=merchant_id,
                    unit=unit,
                    cost=cost,
                    name=name,
                    created_at=THEN,
                    removed_at=THEN if removed else None,
                )
            )


def _program_columns(connection: Connection) -> set[str]:
    return {column["name"] for column in inspect(connection).get_columns("programs")}


def _copies(connection: Connection) -> dict[int, tuple[Any, ...]]:
    programs = _table(connection, "programs")
    query = select(programs.c.merchant_id, *(programs.c[name] for name in COPIES))
    return {row[0]: tuple(row[1:]) for row in connection.execute(query)}


def _version_rises_with_a_rung(connection: Connection) -> bool:
    """The database still raises the programme's version when a rung changes (on SQLite the
    table's rebuild must not have lost the triggers)."""
    programs, rewards = _table(connection, "programs"), _table(connection, "rewards")
    version = select(programs.c.version).where(programs.c.merchant_id == 1)
    before = connection.execute(version).scalar_one()
    connection.execute(
        update(rewards).where(rewards.c.name == "Lunch").values(cost=rewards.c.cost + 1)
    )
    connection.execute(update(programs).where(programs.c.merchant_id == 1).values(language="fr"))
    return bool(connection.execute(version).scalar_one() == before + 2)


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_copies_go_and_come_back_from_the_ladder(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_before_with_data)
            await connection.commit()
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            assert not set(COPIES) & await connection.run_sync(_program_columns)
            assert await connection.run_sync(_version_rises_with_a_rung)
            await connection.commit()
            assert await connection.run_sync(_differences) == []

        service = LoyaltyService(Database(engine), ManualClock(THEN))
        first = await service.rewards.ladder(601)
        assert [(r.unit, r.cost, r.name) for r in first.rewards] == [
            (RewardUnit.STAMPS, 8, "Croissant"),
            (RewardUnit.STAMPS, 12, "Cake"),
            (RewardUnit.POINTS, 250, "Voucher"),
            (RewardUnit.POINTS, 901, "Lunch"),
        ]
        second = await service.rewards.ladder(602)
        assert [(r.unit, r.cost, r.name) for r in second.rewards] == [
            (RewardUnit.STAMPS, 6, "Tea"),
            (RewardUnit.POINTS, 300, "Scarf"),
        ]
        settings = await service.merchants.program(602)
        assert (settings.stamps_target, settings.reward) == (6, "Tea")
        assert (settings.points_reward, settings.points_reward_text) == (300, "Scarf")
        # A first reward changed after the upgrade is what the columns hold once down again.
        await service.merchants.change_program(601, "stamps_target", "7")
        await service.merchants.change_program(601, "points_reward_text", "Free lunch")

        def down(connection: Connection) -> dict[int, tuple[Any, ...]]:
            command.downgrade(alembic_config(connection), BEFORE)
            return _copies(connection)

        async with engine.connect() as connection:
            assert await connection.run_sync(down) == {
                1: (7, "Croissant", 250, "Free lunch"),
                2: (6, "Tea", 300, "Scarf"),
            }
            assert await connection.run_sync(_version_rises_with_a_rung)
            await connection.commit()
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
        settings = await service.merchants.program(601)
        assert (settings.stamps_target, settings.points_reward_text) == (7, "Free lunch")
    finally:
        await engine.dispose()
