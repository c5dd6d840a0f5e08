"""Customers: joining, history pages, data export and erasure, points expiry."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from domain import errors
from domain.clock import ManualClock
from domain.db.tables import LedgerEntry, User
from domain.db.uow import Database
from domain.service import LoyaltyService
from tests.support.scenario import new_profile, open_shop


async def test_unknown_store_code_is_refused(service: LoyaltyService) -> None:
    with pytest.raises(errors.StoreNotFound):
        await service.customers.enrol(new_profile(), "nosuchcode")


async def test_history_pages_newest_first_with_an_older_cursor(service: LoyaltyService) -> None:
    shop = await open_shop(service, cooldown="0", daily_limit="0", stamps_target="50")
    cashier = await shop.hire("Cashier")
    customer = new_profile()
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    for _ in range(23):
        await service.counter.stamp(cashier.user_id, card.number)
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = await service.customers.history(customer.user_id, card.card_id, before_id=cursor)
        seen.extend(line.stamp_balance_after for line in page.lines)
        pages += 1
        if page.older_cursor is None:
            break
        cursor = page.older_cursor
    assert pages == 3
    assert seen == list(range(23, 0, -1))


async def test_customers_cannot_read_other_cards(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    alice, bob = new_profile("Alice"), new_profile("Bob")
    card = (await service.customers.enrol(alice, shop.first_store.code)).card
    with pytest.raises(errors.NoCard):
        await service.customers.history(bob.user_id, card.card_id)
    with pytest.raises(errors.NoCard):
        await service.customers.regenerate_qr(bob.user_id, card.card_id)


async def test_export_contains_the_users_data_as_json(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    cashier = await shop.hire("Cashier")
    alice = new_profile("Alice")
    card = (await service.customers.enrol(alice, shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, card.number)
    exported = await service.customers.export_data(alice.user_id)
    text = json.dumps(exported)
    assert exported["user"]["first_name"] == "Alice"
    assert exported["cards"][0]["number"] == card.display_number
    assert [row["kind"] for row in exported["ledger"]] == ["stamp"]
    assert "Cashier" not in text  # other people's data is not the user's


async def test_erasure_forgets_personal_data_and_keeps_the_ledger(
    service: LoyaltyService, database: Database
) -> None:
    shop = await open_shop(service)
    cashier = await shop.hire("Cashier")
    alice = new_profile("Alice Unique-Name")
    card = (await service.customers.enrol(alice, shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, card.number)
    assert await service.customers.erase(alice.user_id) == 1
    assert await service.customers.cards(alice.user_id) == []
    async with database.read() as session:
        user = await session.get(User, alice.user_id)
        assert user is not None
        personal = (user.first_name, user.username, user.language, user.telegram_language)
        entries = (await session.execute(select(func.count()).select_from(LedgerEntry))).scalar()
    assert personal == (None, None, None, None)
    assert entries == 1
    exported = json.dumps(await service.customers.export_data(alice.user_id))
    assert "Alice" not in exported
    with pytest.raises(errors.CardNotFound):
        await service.counter.stamp(cashier.user_id, card.number)


async def test_points_expire_after_idle_days_with_a_reminder_seven_days_before(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop = await open_shop(service, type="points", expiry_days="30")
    cashier = await shop.hire("Cashier")
    alice = new_profile()
    card = (await service.customers.enrol(alice, shop.first_store.code)).card
    await service.counter.earn_points(cashier.user_id, card.number, Decimal(42))
    clock.advance(timedelta(days=23) - timedelta(seconds=1))
    assert await service.maintenance.expiry_reminders_due() == []
    clock.advance(timedelta(seconds=1))
    due = await service.maintenance.expiry_reminders_due()
    assert [(r.card.card_id, r.card.points_balance) for r in due] == [(card.card_id, 42)]
    await service.maintenance.queue_expiry_reminder(due[0])
    assert await service.maintenance.expiry_reminders_due() == []
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    assert await service.maintenance.expire_idle_points() == []
    clock.advance(timedelta(seconds=1))  # exactly 30 days idle
    assert len(await service.maintenance.expire_idle_points()) == 1
    assert await service.maintenance.expire_idle_points() == []
    final = await service.customers.card(alice.user_id, card.card_id)
    assert (final.points_balance, final.points_expired) == (0, 42)


async def test_activity_postpones_expiry(service: LoyaltyService, clock: ManualClock) -> None:
    shop = await open_shop(service, type="points", expiry_days="30")
    cashier = await shop.hire("Cashier")
    alice = new_profile()
    card = (await service.customers.enrol(alice, shop.first_store.code)).card
    await service.counter.earn_points(cashier.user_id, card.number, Decimal(10))
    clock.advance(timedelta(days=20))
    await service.counter.earn_points(cashier.user_id, card.number, Decimal(10))
    clock.advance(timedelta(days=20))
    assert await service.maintenance.expire_idle_points() == []
