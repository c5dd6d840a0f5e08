"""Owner insights from a real ledger (both engines): undone earnings don't count, a customer
with two cards counts once, visits are local days, per store and per staff member."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import errors
from domain.clock import ManualClock
from domain.service import LoyaltyService
from tests.conftest import T0
from tests.support.scenario import new_profile, open_shop


async def test_insights_of_a_two_store_cafe(service: LoyaltyService, clock: ManualClock) -> None:
    shop = await open_shop(service, cooldown="0", daily_limit="0", stamps_target="3")
    gare = await shop.add_store("Gare")
    kim = await shop.hire("Kim", shop.first_store)
    lou = await shop.hire("Lou", gare)
    ana, ben, cid = new_profile("Ana"), new_profile("Ben"), new_profile("Cid")
    ana_card = (await service.customers.enrol(ana, shop.first_store.code)).card
    ben_card = (await service.customers.enrol(ben, gare.code)).card
    cid_card = (await service.customers.enrol(cid, shop.first_store.code)).card

    # Three weeks: Ana comes every week (three visits), Ben twice at the Gare, Cid once.
    for week in range(3):
        clock.set(T0 + timedelta(days=7 * week))
        await service.counter.stamp(kim.user_id, ana_card.number)
    clock.set(T0 + timedelta(days=2))
    await service.counter.stamp(lou.user_id, ben_card.number)
    clock.set(T0 + timedelta(days=16))
    await service.counter.stamp(lou.user_id, ben_card.number)
    await service.counter.stamp(kim.user_id, cid_card.number)
    # Kim's second stamp for Cid is undone at once: it is no visit and no operation.
    clock.advance(timedelta(days=1))
    await service.counter.stamp(kim.user_id, cid_card.number)
    await service.counter.undo(kim.user_id)
    # Ana's third stamp made her reward ready; she takes it.
    ladder = await service.rewards.ladder(shop.owner.user_id)
    await service.counter.redeem_reward(kim.user_id, ana_card.number, ladder.rewards[0].reward_id)

    clock.set(T0 + timedelta(days=20))
    found = await service.insights.for_owner(shop.owner.user_id)
    assert found.merchant_name == "Café Lux"
    assert (found.total.active_30, found.total.active_90) == (3, 3)
    assert found.total.repeat_rate == pytest.approx(2 / 3)  # Ana and Ben came again
    assert found.total.days_between_visits == 7  # Ana 7, 7; Ben 14
    assert found.total.visits_30 == 3 + 2 + 1
    per_store = dict(found.per_store)
    assert per_store["Café Lux"].active_30 == 2 and per_store["Gare"].active_30 == 1
    assert per_store["Gare"].repeat_rate == 1.0
    assert (found.rewards_became_ready, found.rewards_redeemed) == (1, 1)
    assert found.redemption_rate == 1.0 and found.rewards_outstanding == 0
    assert found.visits_to_first_reward == 3
    january = next(c for c in found.cohorts if c.month.month == 1)
    assert january.size == 3
    staff = {a.name: (a.operations, a.customers) for a in found.staff}
    assert staff == {"Kim": (4, 2), "Lou": (2, 1)}


async def test_a_customer_with_two_cards_is_one_member(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop = await open_shop(service, cooldown="0", cross_location="off")
    gare = await shop.add_store("Gare")
    cashier = await shop.hire("Kim")
    ana = new_profile("Ana")
    first = (await service.customers.enrol(ana, shop.first_store.code)).card
    second = (await service.customers.enrol(ana, gare.code)).card
    assert first.card_id != second.card_id
    clock.set(T0)
    await service.counter.stamp(cashier.user_id, first.number)
    clock.set(T0 + timedelta(days=1))
    await service.counter.stamp(cashier.user_id, second.number)
    found = await service.insights.for_owner(shop.owner.user_id)
    assert found.total.active_30 == 1 and found.total.repeat_rate == 1.0


async def test_only_the_owner_reads_the_insights(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    cashier = await shop.hire("Kim")
    with pytest.raises(errors.NotOwner):
        await service.insights.for_owner(cashier.user_id)
    empty = await service.insights.for_owner(shop.owner.user_id)
    assert empty.total.active_30 == 0 and empty.total.repeat_rate is None
    assert empty.redemption_rate is None and empty.staff == ()
