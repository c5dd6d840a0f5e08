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


@pytest.mark.parametrize(
    ("before", "at"),
    [
        # Winter (UTC+1), the day before the change to summer time, and summer (UTC+2).
        (datetime(2026, 3, 28, 19, 59, tzinfo=UTC), datetime(2026, 3, 28, 20, 0, tzinfo=UTC)),
        (datetime(2026, 3, 29, 18, 59, tzinfo=UTC), datetime(2026, 3, 29, 19, 0, tzinfo=UTC)),
        (datetime(2026, 10, 25, 19, 59, tzinfo=UTC), datetime(2026, 10, 25, 20, 0, tzinfo=UTC)),
    ],
)
async def test_summary_is_due_at_local_time_on_both_sides_of_dst(
    service: LoyaltyService, clock: ManualClock, before: datetime, at: datetime
) -> None:
    clock.set(before - timedelta(days=2))
    shop = await open_shop(service)
    merchant_id = (await service.staff.membership(shop.owner.user_id)).merchant_id
    for day in (before - timedelta(days=2), before - timedelta(days=1)):
        for local_day in {day.date() - timedelta(days=1), day.date()}:
            await service.summaries.queue_summary(merchant_id, local_day)
    clock.set(before)
    assert await service.summaries.due_summaries() == []
    clock.set(at)
    assert await service.summaries.due_summaries() == [(merchant_id, at.date())]
    assert await service.summaries.queue_summary(merchant_id, at.date())
    assert not await service.summaries.queue_summary(merchant_id, at.date())
    assert await service.summaries.due_summaries() == []


async def test_a_missed_summary_of_yesterday_is_due_until_it_is_queued(
    service: LoyaltyService, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 1, 12, 8, 0, tzinfo=UTC))
    shop = await open_shop(service, summary="21:00")
    merchant_id = (await service.staff.membership(shop.owner.user_id)).merchant_id
    await service.summaries.queue_summary(merchant_id, date(2026, 1, 11))
    clock.set(datetime(2026, 1, 13, 7, 0, tzinfo=UTC))  # the bot was down over the 12th's 21:00
    assert await service.summaries.due_summaries() == [(merchant_id, date(2026, 1, 12))]
    await shop.configure(summary="off")
    assert await service.summaries.due_summaries() == []
    await shop.configure(summary="21:00")
    assert await service.summaries.queue_summary(merchant_id, date(2026, 1, 12))
    assert await service.summaries.due_summaries() == []


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
