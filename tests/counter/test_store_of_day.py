"""Where an operation happened (PRODUCT.md §11): an all-stores cashier of a café with several
stores says which store they are at, once per merchant-local day, and is booked there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from domain import errors
from domain.clock import ManualClock
from domain.db.tables import LedgerEntry
from domain.db.uow import Database
from domain.service import LoyaltyService
from tests.support.scenario import Shop, new_profile, open_shop


async def _two_stores(service: LoyaltyService) -> Shop:
    shop = await open_shop(service, "Café Lux", cooldown="0", daily_limit="0")
    await shop.add_store("Kirchberg")
    return shop


async def _booked_to(database: Database, entry_id: int) -> int:
    async with database.read() as session:
        query = select(LedgerEntry.store_id).where(LedgerEntry.id == entry_id)
        return (await session.execute(query)).scalar_one()


async def test_an_all_stores_cashier_is_asked_once_a_day_and_booked_to_the_store_said(
    service: LoyaltyService, database: Database, clock: ManualClock
) -> None:
    shop = await _two_stores(service)
    gare, kirchberg = shop.stores
    anna = await shop.hire("Anna")
    card = (await service.customers.enrol(new_profile("C"), gare.code)).card

    with pytest.raises(errors.StoreOfDayRequired) as asked:
        await service.counter.stamp(anna.user_id, card.number, idempotency_key="k1")
    assert [(s.store_id, s.name) for s in asked.value.stores] == [
        (gare.store_id, "Café Lux"),
        (kirchberg.store_id, "Kirchberg"),
    ]
    assert (await service.counter.lookup(anna.user_id, card.number)).stamp_count == 0

    said = await service.stores_of_day.choose(anna.user_id, kirchberg.store_id)
    assert said.asks and said.chosen is not None and said.chosen.name == "Kirchberg"
    # The same key proceeds once the store is said: one stamp, at Kirchberg.
    op = await service.counter.stamp(anna.user_id, card.number, idempotency_key="k1")
    again = await service.counter.stamp(anna.user_id, card.number, idempotency_key="k1")
    assert (op.store_name, op.card.stamp_count) == ("Kirchberg", 1)
    assert again.replayed and again.card.stamp_count == 1
    assert await _booked_to(database, op.entry_id) == kirchberg.store_id

    # Changed during the day: from then on, booked to the other store.
    await service.stores_of_day.choose(anna.user_id, gare.store_id)
    op = await service.counter.stamp(anna.user_id, card.number, idempotency_key="k2")
    assert op.store_name == "Café Lux"

    # The next merchant-local day (Luxembourg: 23:00 UTC in January is past midnight).
    clock.set(datetime(2026, 1, 13, 23, 5, tzinfo=UTC))
    with pytest.raises(errors.StoreOfDayRequired):
        await service.counter.stamp(anna.user_id, card.number, idempotency_key="k3")
    assert (await service.stores_of_day.today(anna.user_id)).chosen is None
    # What she said is hers to read (/mydata), day by day: the last tap of the day counts.
    said = (await service.customers.export_data(anna.user_id))["staff_membership"]
    assert said["stores_of_day"] == [{"day": "2026-01-13", "store": "Café Lux"}]


async def test_a_cashier_of_one_store_and_a_one_store_cafe_are_never_asked(
    service: LoyaltyService, database: Database
) -> None:
    shop = await _two_stores(service)
    gare, kirchberg = shop.stores
    ben = await shop.hire("Ben", kirchberg)
    card = (await service.customers.enrol(new_profile("C"), gare.code)).card
    op = await service.counter.stamp(ben.user_id, card.number)
    assert await _booked_to(database, op.entry_id) == kirchberg.store_id
    today = await service.stores_of_day.today(ben.user_id)
    assert not today.asks and today.chosen is not None and today.chosen.name == "Kirchberg"
    with pytest.raises(errors.NotYourStore):
        await service.stores_of_day.choose(ben.user_id, gare.store_id)

    small = await open_shop(service, "Bäckerei", cooldown="0")
    cara = await small.hire("Cara")
    other = (await service.customers.enrol(new_profile("D"), small.first_store.code)).card
    op = await service.counter.stamp(cara.user_id, other.number)
    assert op.store_name == "Bäckerei"
    assert not (await service.stores_of_day.today(cara.user_id)).asks


async def test_a_store_of_another_cafe_cannot_be_said(service: LoyaltyService) -> None:
    shop = await _two_stores(service)
    elsewhere = await open_shop(service, "Bäckerei")
    anna = await shop.hire("Anna")
    with pytest.raises(errors.NotYourStore):
        await service.stores_of_day.choose(anna.user_id, elsewhere.first_store.store_id)


async def test_the_days_summary_counts_the_operations_at_the_store_said(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop = await _two_stores(service)
    gare, kirchberg = shop.stores
    anna = await shop.hire("Anna")
    card = (await service.customers.enrol(new_profile("C"), gare.code)).card
    await service.stores_of_day.choose(anna.user_id, kirchberg.store_id)
    for n in range(3):
        await service.counter.stamp(anna.user_id, card.number, idempotency_key=f"k{n}")
    clock.advance(timedelta(days=1))
    summary, _ = await service.reports.summary_for_owner(shop.owner.user_id, "yesterday")
    stamps = {line.store_name: line.activity.stamps_given for line in summary.stores}
    assert stamps == {"Café Lux": 0, "Kirchberg": 3}


async def test_where_cards_work_at_their_own_store_only_the_card_says_where(
    service: LoyaltyService, database: Database
) -> None:
    """Cross-location off: a card works at its store only, so that is where it was used."""
    shop = await open_shop(service, "Café Lux", cooldown="0", cross_location="off")
    kirchberg = await shop.add_store("Kirchberg")
    anna = await shop.hire("Anna")
    card = (await service.customers.enrol(new_profile("C"), kirchberg.code)).card
    op = await service.counter.stamp(anna.user_id, card.number)
    assert await _booked_to(database, op.entry_id) == kirchberg.store_id
    today = await service.stores_of_day.today(anna.user_id)
    assert not today.asks and today.chosen is None
