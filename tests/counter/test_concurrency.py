"""Many cashiers on one card at the same moment: really concurrent, on a file DB and PostgreSQL."""

from __future__ import annotations

import asyncio

from domain import errors
from domain.service import LoyaltyService
from tests.support.scenario import new_profile, open_shop


async def _card_with_cashiers(service: LoyaltyService, cashiers: int, **settings: str):
    shop = await open_shop(service, **settings)
    staff = [await shop.hire(f"Cashier {i}") for i in range(cashiers)]
    customer = new_profile("Customer")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    return staff, customer, card


async def _gather_outcomes(calls):
    return await asyncio.gather(*calls, return_exceptions=True)


async def test_fifty_concurrent_stamps_without_cooldown_give_exactly_fifty(
    service: LoyaltyService,
) -> None:
    staff, customer, card = await _card_with_cashiers(
        service, 5, cooldown="0", daily_limit="0", stamps_target="50"
    )
    outcomes = await _gather_outcomes(
        service.counter.stamp(staff[i % 5].user_id, card.number) for i in range(50)
    )
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    final = await service.customers.card(customer.user_id, card.card_id)
    assert (final.stamp_count, final.lifetime_stamps) == (50, 50)
    assert sorted(o.card.stamp_count for o in outcomes) == list(range(1, 51))
    assert await service.maintenance.invariant_breaches() == []


async def test_fifty_concurrent_stamps_with_a_cooldown_give_exactly_one(
    service: LoyaltyService,
) -> None:
    staff, customer, card = await _card_with_cashiers(service, 5, cooldown="15", daily_limit="0")
    outcomes = await _gather_outcomes(
        service.counter.stamp(staff[i % 5].user_id, card.number) for i in range(50)
    )
    refused = [o for o in outcomes if isinstance(o, errors.CooldownActive)]
    assert len(refused) == 49
    assert len([o for o in outcomes if not isinstance(o, BaseException)]) == 1
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 1
    assert await service.maintenance.invariant_breaches() == []


async def test_thirty_concurrent_redemptions_with_enough_for_three_give_three(
    service: LoyaltyService,
) -> None:
    shop = await open_shop(service, cooldown="0", daily_limit="0", stamps_target="10")
    # Stamps collect up to the dearest reward: one at 40 lets the card hold 35.
    await service.rewards.add(shop.owner.user_id, 40, "Dinner for two")
    staff = [await shop.hire(f"Cashier {i}") for i in range(3)]
    customer = new_profile("Customer")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.counter.stamp(staff[0].user_id, card.number, 10)
    await service.counter.stamp(staff[0].user_id, card.number, 10)
    await service.counter.stamp(staff[0].user_id, card.number, 10)
    await service.counter.stamp(staff[0].user_id, card.number, 5)
    outcomes = await _gather_outcomes(
        service.counter.redeem_stamps(staff[i % 3].user_id, card.number) for i in range(30)
    )
    granted = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, errors.NotEnoughStamps)]
    assert (len(granted), len(refused)) == (3, 27)
    final = await service.customers.card(customer.user_id, card.card_id)
    assert (final.stamp_count, final.rewards_redeemed) == (5, 3)
    assert await service.maintenance.invariant_breaches() == []


async def test_concurrent_points_redemptions_never_go_negative(service: LoyaltyService) -> None:
    staff, customer, card = await _card_with_cashiers(
        service, 4, type="points", points_reward="100"
    )
    from decimal import Decimal

    await service.counter.earn_points(staff[0].user_id, card.number, Decimal(350), confirmed=True)
    outcomes = await _gather_outcomes(
        service.counter.redeem_points(staff[i % 4].user_id, card.number) for i in range(20)
    )
    granted = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(granted) == 3
    assert all(
        isinstance(o, errors.NotEnoughPoints) for o in outcomes if isinstance(o, BaseException)
    )
    assert (await service.customers.card(customer.user_id, card.card_id)).points_balance == 50
    assert await service.maintenance.invariant_breaches() == []


async def test_the_same_update_delivered_concurrently_applies_once(service: LoyaltyService) -> None:
    staff, customer, card = await _card_with_cashiers(service, 1, cooldown="0", daily_limit="0")
    outcomes = await _gather_outcomes(
        service.counter.stamp(staff[0].user_id, card.number, idempotency_key="update:42")
        for _ in range(10)
    )
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert sum(not o.replayed for o in outcomes) == 1
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 1


async def test_concurrent_undo_reverses_once(service: LoyaltyService) -> None:
    staff, customer, card = await _card_with_cashiers(service, 1, cooldown="0", daily_limit="0")
    await service.counter.stamp(staff[0].user_id, card.number, 4)
    outcomes = await _gather_outcomes(service.counter.undo(staff[0].user_id) for _ in range(10))
    done = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(done) == 1
    assert all(
        isinstance(o, errors.NothingToUndo | errors.AlreadyReversed)
        for o in outcomes
        if isinstance(o, BaseException)
    )
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 0


async def test_concurrent_joins_of_one_customer_make_one_card(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    second = await shop.add_store("Second")
    customer = new_profile()
    codes = [shop.first_store.code, second.code] * 5
    outcomes = await _gather_outcomes(service.customers.enrol(customer, code) for code in codes)
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert len({o.card.card_id for o in outcomes}) == 1
    assert len(await service.customers.cards(customer.user_id)) == 1
