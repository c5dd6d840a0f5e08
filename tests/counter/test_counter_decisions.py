"""The counter's questions are the use cases' answers: a large purchase and a void of the whole
balance are refused until confirmed (nothing changes before), and a picked reward is refused
before the question as its redemption would refuse it. On a real SQLite file and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain import errors
from domain.model import LARGE_PURCHASE, CardView, RewardUnit, UserProfile
from domain.service import LoyaltyService
from tests.support.scenario import Shop, new_profile, open_shop

CENT = Decimal("0.01")


async def _card(service: LoyaltyService, **settings: str) -> tuple[Shop, UserProfile, CardView]:
    shop = await open_shop(service, type="hybrid", cooldown="0", daily_limit="0", **settings)
    cashier = await shop.hire("Cara")
    card = (await service.customers.enrol(new_profile("Clara"), shop.first_store.code)).card
    return shop, cashier, card


async def _points(service: LoyaltyService, card: CardView) -> int:
    return (await service.customers.card(card.customer_id, card.card_id)).points_balance


async def test_a_purchase_at_the_threshold_is_credited_and_one_cent_more_waits(
    service: LoyaltyService,
) -> None:
    _, cashier, card = await _card(service)
    counter = service.counter
    op = await counter.earn_points(cashier.user_id, card.number, LARGE_PURCHASE)
    assert op.card.points_balance == 200
    with pytest.raises(errors.LargePurchaseUnconfirmed) as asked:
        await counter.earn_points(cashier.user_id, card.number, LARGE_PURCHASE + CENT)
    assert (asked.value.amount, asked.value.card_number) == (LARGE_PURCHASE + CENT, card.number)
    assert await _points(service, card) == 200  # nothing credited before the confirmation
    with pytest.raises(errors.InvalidAmount):  # out of range: refused, never asked about
        await counter.earn_points(cashier.user_id, card.number, Decimal("10000.01"))
    op = await counter.earn_points(
        cashier.user_id, card.number, LARGE_PURCHASE + CENT, confirmed=True
    )
    assert op.card.points_balance == 400


async def test_a_void_of_less_than_the_balance_is_made_and_of_all_of_it_waits(
    service: LoyaltyService,
) -> None:
    _, cashier, card = await _card(service)
    counter = service.counter
    await counter.earn_points(cashier.user_id, card.number, Decimal(40))
    with pytest.raises(errors.WholeBalanceVoidUnconfirmed) as asked:
        await counter.void_points(cashier.user_id, card.number, 40, "return")
    assert (asked.value.points_balance, asked.value.card_number) == (40, card.number)
    assert await _points(service, card) == 40
    op = await counter.void_points(cashier.user_id, card.number, 39, "return")
    assert op.card.points_balance == 1
    op = await counter.void_points(cashier.user_id, card.number, 1, "return", confirmed=True)
    assert (op.points_delta, op.card.points_balance) == (-1, 0)
    with pytest.raises(errors.NotEnoughPoints):  # an empty card: refused, not asked about
        await counter.void_points(cashier.user_id, card.number, 1)


async def test_a_picked_reward_is_refused_before_the_question_as_its_redemption_refuses_it(
    service: LoyaltyService,
) -> None:
    shop, cashier, card = await _card(service, stamps_target="2", points_reward="100")
    owner, counter = shop.owner.user_id, service.counter
    cake = (await service.rewards.add(owner, 5, "Cake", RewardUnit.STAMPS)).reward
    await counter.stamp(cashier.user_id, card.number, 2)
    await counter.earn_points(cashier.user_id, card.number, Decimal(100))
    offered = await counter.redeemable(cashier.user_id, card.number)
    assert [r.name for r in offered.rewards] == ["Free coffee", "5 € voucher"]
    assert offered.asks_which
    voucher = offered.rewards[1]
    picked = await counter.redeemable(cashier.user_id, card.number, reward_id=voucher.reward_id)
    assert picked.rewards == (voucher,) and not picked.asks_which

    async def refusals(reward_id: int) -> tuple[str, str]:
        with pytest.raises(errors.DomainError) as before:
            await counter.redeemable(cashier.user_id, card.number, reward_id=reward_id)
        with pytest.raises(errors.DomainError) as redeeming:
            await counter.redeem_reward(cashier.user_id, card.number, reward_id)
        return str(before.value), str(redeeming.value)

    first, then = await refusals(cake.reward_id)  # not affordable yet: 2 of 5 stamps
    assert first == then == str(errors.NotEnoughStamps(stamp_count=2, stamps_target=5))
    # The voucher's unit is no longer collected (the points stay on the card, hidden).
    await service.merchants.change_program(owner, "type", "stamps", confirm_hidden_balances=True)
    first, then = await refusals(voucher.reward_id)
    assert first == then == str(errors.PointsNotInProgram())
    await service.rewards.remove(owner, cake.reward_id)
    first, then = await refusals(cake.reward_id)
    assert first == then == str(errors.RewardNotFound())
