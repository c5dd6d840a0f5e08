"""Owners' summaries, scheduled-summary bookkeeping (with DST) and the ledger export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain import errors
from domain.clock import ManualClock
from domain.model import LedgerKind, RewardUnit
from domain.service import LoyaltyService
from tests.support.scenario import new_profile, open_shop


async def test_summary_counts_per_store_nets_reversals_and_compares_with_last_week(
    service: LoyaltyService, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 1, 6, 9, 0, tzinfo=UTC))  # Tuesday a week before
    shop = await open_shop(
        service, "Café", type="hybrid", cooldown="0", daily_limit="0", stamps_target="2"
    )
    # A dearer reward lets Alice's card collect past the first one's 2 stamps.
    await service.rewards.add(shop.owner.user_id, 10, "Cake", RewardUnit.STAMPS)
    gare = await shop.add_store("Gare")
    anna = await shop.hire("Anna", shop.first_store)
    ben = await shop.hire("Ben", gare)
    alice, bob = new_profile("Alice"), new_profile("Bob")
    alice_card = (await service.customers.enrol(alice, shop.first_store.code)).card
    await service.counter.stamp(anna.user_id, alice_card.number, 1)  # last week's only stamp

    clock.set(datetime(2026, 1, 13, 9, 0, tzinfo=UTC))  # Tuesday, 10:00 local
    bob_card = (await service.customers.enrol(bob, gare.code)).card
    await service.counter.stamp(anna.user_id, alice_card.number, 2)
    await service.counter.redeem_stamps(anna.user_id, alice_card.number)
    await service.counter.stamp(ben.user_id, bob_card.number, 3)
    await service.counter.undo(ben.user_id)  # Ben's 3 stamps did not happen
    await service.counter.earn_points(ben.user_id, bob_card.number, Decimal("20"))
    await service.counter.void_points(ben.user_id, bob_card.number, 5)
    await service.counter.redeem_points(ben.user_id, bob_card.number, 10)

    summary = await service.reports.summary(
        alice_card.merchant_id, date(2026, 1, 13), date(2026, 1, 13)
    )
    total = summary.total
    assert (total.stamps_given, total.rewards_redeemed, total.new_cards) == (2, 1, 1)
    assert (total.points_earned, total.points_voided, total.points_redeemed) == (20, 5, 10)
    assert total.customers_served == 2
    by_store = {s.store_name: s.activity for s in summary.stores}
    assert by_store["Café"].stamps_given == 2 and by_store["Gare"].stamps_given == 0
    assert by_store["Gare"].points_earned == 20 and by_store["Gare"].new_cards == 1
    assert summary.compared_first_day == date(2026, 1, 6)
    assert (summary.compared_total.stamps_given, summary.compared_total.new_cards) == (1, 1)
    assert (summary.top_staff_name, summary.top_staff_operations) == ("Ben", 4)
    assert summary.rewards == (("Free coffee", 1),)


async def test_owner_periods_and_series(service: LoyaltyService, clock: ManualClock) -> None:
    shop = await open_shop(service, cooldown="0", daily_limit="0")
    cashier = await shop.hire("Cashier")
    card = (await service.customers.enrol(new_profile(), shop.first_store.code)).card
    for _ in range(10):
        await service.counter.stamp(cashier.user_id, card.number)
        clock.advance(timedelta(days=1))
    summary, series = await service.reports.summary_for_owner(shop.owner.user_id, "week")
    assert len(series) == 7 and summary.total.stamps_given == 6  # today has none yet
    assert [point.activity.stamps_given for point in series] == [1, 1, 1, 1, 1, 1, 0]
    _, month = await service.reports.summary_for_owner(shop.owner.user_id, "month")
    assert len(month) == 30 and sum(p.activity.stamps_given for p in month) == 10
    with pytest.raises(errors.InvalidSettingValue):
        await service.reports.summary_for_owner(shop.owner.user_id, "decade")
    with pytest.raises(errors.NotOwner):
        await service.reports.summary_for_owner(cashier.user_id, "today")


async def test_export_lists_the_ledger_of_the_period(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop = await open_shop(service, cooldown="0", type="hybrid")
    cashier = await shop.hire("Cashier")
    card = (await service.customers.enrol(new_profile(), shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, card.number)
    clock.advance(timedelta(days=40))
    await service.counter.earn_points(
        cashier.user_id, card.number, Decimal("9.99"), idempotency_key="k"
    )
    await shop.configure(language="fr")
    ledger = await service.reports.export_ledger(shop.owner.user_id, 30)
    assert (ledger.timezone, ledger.language) == ("Europe/Luxembourg", "fr")
    assert [(r.kind, r.amount, r.staff_name, r.card_number) for r in ledger.rows] == [
        (LedgerKind.EARN_POINTS, Decimal("9.99"), "Cashier", card.number)
    ]
    everything = await service.reports.export_ledger(shop.owner.user_id, 60)
    assert len(everything.rows) == 2
    with pytest.raises(errors.InvalidSettingValue):
        await service.reports.export_ledger(shop.owner.user_id, 0)
