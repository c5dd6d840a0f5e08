"""Round trips per use case at the counter, counted, so that they cannot grow back unseen; and
the programme cache, which must see a change made by another worker at once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from domain import errors
from domain.clock import ManualClock
from domain.db.uow import Database
from domain.model import RewardUnit
from domain.service import LoyaltyService
from infra import Infrastructure
from tests.support.databases import migrated_database
from tests.support.scenario import new_profile, open_shop

# Every statement, COMMIT and ROLLBACK the driver is asked for. BEGIN is not a round trip of
# its own on either engine: SQLite's rides with the first statement (infra/db/sqlite_driver.py),
# asyncpg opens its transaction with the first statement.
# A stamp: seat+card+key+…, UPDATE, INSERT ×2, COMMIT (the key is looked up with the card on
# both engines; see at_counter).
STAMP = {"sqlite": 5, "postgresql": 5}
REDEEM = {"sqlite": 5, "postgresql": 5}
LOOKUP = {"sqlite": 3, "postgresql": 3}  # card+seat+…, last correction, ROLLBACK
REDEEMABLE = {"sqlite": 2, "postgresql": 2}


@contextmanager
def counting(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def on_execute(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement.split()[0])

    def on_commit(*_: Any) -> None:
        statements.append("COMMIT")

    def on_rollback(*_: Any) -> None:
        statements.append("ROLLBACK")

    engine = database.engine.sync_engine
    hooks = [("before_cursor_execute", on_execute), ("commit", on_commit)]
    hooks.append(("rollback", on_rollback))
    for name, hook in hooks:
        event.listen(engine, name, hook)
    try:
        yield statements
    finally:
        for name, hook in hooks:
            event.remove(engine, name, hook)


async def test_counter_use_cases_in_few_round_trips(
    service: LoyaltyService, database: Database
) -> None:
    shop = await open_shop(service, cooldown="0", daily_limit="0")
    cashier = await shop.hire("Cashier")
    card = (await service.customers.enrol(new_profile("C"), shop.first_store.code)).card
    # The first visit asks about offers and fills the worker's programme cache.
    await service.counter.stamp(cashier.user_id, card.number, 5, idempotency_key="first")
    engine = database.dialect.name

    with counting(database) as statements:
        op = await service.counter.stamp(cashier.user_id, card.number, 5, idempotency_key="k2")
    assert op.card.stamp_count == 10
    assert len(statements) == STAMP[engine], statements

    with counting(database) as statements:
        await service.counter.redeemable(cashier.user_id, card.number)
    assert len(statements) == REDEEMABLE[engine], statements

    with counting(database) as statements:
        op = await service.counter.redeem_stamps(cashier.user_id, card.number, idempotency_key="r")
    assert op.card.stamp_count == 0
    assert len(statements) == REDEEM[engine], statements

    with counting(database) as statements:
        view = await service.counter.lookup(cashier.user_id, card.number)
    assert view.stamp_count == 0
    assert len(statements) == LOOKUP[engine], statements

    # A replay answers from the first entry, in no more round trips than the stamp.
    with counting(database) as statements:
        again = await service.counter.stamp(cashier.user_id, card.number, 5, idempotency_key="k2")
    assert again.replayed and again.stamps_delta == 5
    assert len(statements) <= STAMP[engine] + 1, statements


async def test_the_store_of_the_day_is_read_with_the_card(
    service: LoyaltyService, database: Database
) -> None:
    """An all-stores cashier of a café with two stores: the store they said for today comes
    with the seat and the card, in the stamp's round trips."""
    shop = await open_shop(service, cooldown="0", daily_limit="0")
    kirchberg = await shop.add_store("Kirchberg")
    cashier = await shop.hire("Cashier")
    card = (await service.customers.enrol(new_profile("C"), shop.first_store.code)).card
    await service.stores_of_day.choose(cashier.user_id, kirchberg.store_id)
    await service.counter.stamp(cashier.user_id, card.number, idempotency_key="first")

    with counting(database) as statements:
        op = await service.counter.stamp(cashier.user_id, card.number, idempotency_key="k2")
    assert op.store_name == "Kirchberg"
    assert len(statements) == STAMP[database.dialect.name], statements


@pytest.fixture
async def second_worker(database_url: str, clock: ManualClock) -> AsyncIterator[LoyaltyService]:
    """Another process's service: its own engine, pool and programme cache, same database."""
    database = await migrated_database(database_url)
    infra = Infrastructure(database, clock)
    try:
        yield LoyaltyService(database, clock, infra.outbox.log)
    finally:
        await infra.dispose()
        await database.dispose()


async def test_a_programme_change_by_one_worker_is_seen_by_another_at_once(
    service: LoyaltyService, second_worker: LoyaltyService
) -> None:
    shop = await open_shop(service, cooldown="0")
    cashier = await shop.hire("Cashier")
    card = (await service.customers.enrol(new_profile("C"), shop.first_store.code)).card
    other = second_worker
    await other.counter.stamp(cashier.user_id, card.number)  # its cache holds the programme
    before = await other.counter.lookup(cashier.user_id, card.number)

    # A new reward on the ladder, added through the first worker.
    await service.rewards.add(shop.owner.user_id, 20, "Free cake", RewardUnit.STAMPS)
    after = await other.counter.lookup(cashier.user_id, card.number)
    assert len(after.ladder) == len(before.ladder) + 1
    assert "Free cake" in [r.name for r in after.ladder]

    # A setting of the programme row: the cooldown now refuses a second stamp at once.
    await service.merchants.change_program(shop.owner.user_id, "cooldown", "30")
    with pytest.raises(errors.CooldownActive):
        await other.counter.stamp(cashier.user_id, card.number)
