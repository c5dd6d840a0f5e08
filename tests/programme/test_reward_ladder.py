"""The reward ladder (PRODUCT.md §8): 1 to 10 rewards per unit, redeemed one ledger row each,
stamps capped at the top reward; on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain import errors
from domain.clock import ManualClock
from domain.db.tables import LedgerEntry
from domain.model import LedgerKind, RewardUnit
from domain.service import LoyaltyService
from tests.support.scenario import Shop, new_profile, open_shop


async def _shop_and_card(service: LoyaltyService, **settings: str):  # type: ignore[no-untyped-def]
    shop = await open_shop(service, cooldown="0", daily_limit="0", **settings)
    cashier = await shop.hire("Cashier")
    customer = new_profile("Customer")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    return shop, cashier, customer, card


async def _names_and_costs(service: LoyaltyService, shop: Shop) -> list[tuple[str, int]]:
    ladder = await service.rewards.ladder(shop.owner.user_id)
    return [(r.name, r.cost) for r in ladder.rewards]


async def _stamp(service: LoyaltyService, cashier_id: int, number: str, n: int) -> None:
    """n stamps, at most 10 at a time."""
    while n > 0:
        await service.counter.stamp(cashier_id, number, min(n, 10))
        n -= min(n, 10)


# --- the owner's ladder -------------------------------------------------------------------------


async def test_a_new_programme_has_its_reward_as_the_first_rung(service: LoyaltyService) -> None:
    shop = await open_shop(service, stamps_target="8")
    assert await _names_and_costs(service, shop) == [("Free coffee", 8)]
    await shop.configure(type="hybrid")
    ladder = await service.rewards.ladder(shop.owner.user_id)
    assert [(r.unit, r.cost) for r in ladder.rewards] == [
        (RewardUnit.STAMPS, 8),
        (RewardUnit.POINTS, 100),
    ]


async def test_rewards_are_added_in_cost_order_up_to_ten(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    owner = shop.owner.user_id
    await service.rewards.add(owner, 5, "  Croissant  ")
    await service.rewards.add(owner, 20, "Lunch")
    assert await _names_and_costs(service, shop) == [
        ("Croissant", 5),
        ("Free coffee", 10),
        ("Lunch", 20),
    ]
    for cost in (1, 2, 3, 4, 6, 7, 8):
        await service.rewards.add(owner, cost, f"Treat {cost}")
    assert len((await service.rewards.ladder(owner)).rewards) == 10
    with pytest.raises(errors.LadderFull) as full:
        await service.rewards.add(owner, 9, "The eleventh")
    assert full.value.maximum == 10
    assert len((await service.rewards.ladder(owner)).rewards) == 10


@pytest.mark.parametrize(
    ("cost", "name", "refusal"),
    [
        (0, "Nothing", errors.InvalidRewardCost),
        (51, "Too dear", errors.InvalidRewardCost),
        (10, "Same price", errors.DuplicateRewardCost),
        (12, "", errors.InvalidRewardName),
        (12, "x" * 101, errors.InvalidRewardName),
    ],
)
async def test_bad_rewards_are_refused_and_change_nothing(
    service: LoyaltyService, cost: int, name: str, refusal: type[errors.DomainError]
) -> None:
    shop = await open_shop(service)
    with pytest.raises(refusal):
        await service.rewards.add(shop.owner.user_id, cost, name)
    assert await _names_and_costs(service, shop) == [("Free coffee", 10)]


async def test_points_rewards_cost_up_to_a_million(service: LoyaltyService) -> None:
    shop = await open_shop(service, type="points")
    await service.rewards.add(shop.owner.user_id, 1_000_000, "A car")
    with pytest.raises(errors.InvalidRewardCost):
        await service.rewards.add(shop.owner.user_id, 1_000_001, "Two cars")
    assert await _names_and_costs(service, shop) == [("5 € voucher", 100), ("A car", 1_000_000)]


async def test_rename_recost_and_remove(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    owner = shop.owner.user_id
    cake = (await service.rewards.add(owner, 15, "Cake")).reward
    await service.rewards.rename(owner, cake.reward_id, "Cheesecake")
    await service.rewards.change_cost(owner, cake.reward_id, 4)  # now the first rung
    assert await _names_and_costs(service, shop) == [("Cheesecake", 4), ("Free coffee", 10)]
    settings = await service.merchants.program(owner)
    assert (settings.stamps_target, settings.reward) == (4, "Cheesecake")
    with pytest.raises(errors.DuplicateRewardCost):
        await service.rewards.change_cost(owner, cake.reward_id, 10)
    assert (await service.rewards.reward_at(owner, 2)).name == "Free coffee"
    with pytest.raises(errors.RewardNotFound):
        await service.rewards.reward_at(owner, 3)
    await service.rewards.remove(owner, cake.reward_id)
    assert await _names_and_costs(service, shop) == [("Free coffee", 10)]
    with pytest.raises(errors.RewardNotFound):
        await service.rewards.rename(owner, cake.reward_id, "Gone")
    only = (await service.rewards.ladder(owner)).rewards[0]
    with pytest.raises(errors.LastRewardKept):
        await service.rewards.remove(owner, only.reward_id)
    settings = await service.merchants.program(owner)
    assert (settings.stamps_target, settings.reward) == (10, "Free coffee")


async def test_only_the_owner_changes_the_ladder(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service)
    other = await open_shop(service, name="Other")
    theirs = (await service.rewards.ladder(other.owner.user_id)).rewards[0]
    with pytest.raises(errors.NotOwner):
        await service.rewards.add(cashier.user_id, 3, "Mine")
    with pytest.raises(errors.RewardNotFound):
        await service.rewards.rename(shop.owner.user_id, theirs.reward_id, "Stolen")
    assert await _names_and_costs(service, other) == [("Free coffee", 10)]


async def test_program_set_edits_the_first_rung(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    owner = shop.owner.user_id
    await service.rewards.add(owner, 12, "Cake")
    await shop.configure(stamps_target="6", reward="Espresso")
    assert await _names_and_costs(service, shop) == [("Espresso", 6), ("Cake", 12)]
    with pytest.raises(errors.FirstRewardMustStayFirst) as refused:
        await shop.configure(stamps_target="12")
    assert refused.value.next_cost == 12
    await shop.configure(type="points", points_reward="250", points_reward_text="Voucher")
    assert await _names_and_costs(service, shop) == [("Voucher", 250)]
    settings = await service.merchants.program(owner)
    assert (settings.stamps_target, settings.points_reward) == (6, 250)


async def test_a_reward_is_named_in_other_languages_and_cards_read_it(
    service: LoyaltyService,
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, stamps_target="3")
    owner = shop.owner.user_id
    coffee = (await service.rewards.ladder(owner)).rewards[0]
    # The counter has read the programme (and cached it) before the names are given.
    await service.counter.stamp(cashier.user_id, card.number, 1)
    await service.rewards.name_in_language(owner, coffee.reward_id, "fr", " Café  offert ")
    change = await service.rewards.name_in_language(owner, coffee.reward_id, "lb", "Gratis Kaffi")
    assert change.reward.translations == (("fr", "Café offert"), ("lb", "Gratis Kaffi"))
    assert change.ladder.rewards[0] == change.reward
    op = await service.counter.stamp(cashier.user_id, card.number, 2)
    ready = op.card.stamp_rewards[0]
    assert (ready.name, ready.name_in("fr"), ready.name_in("de")) == (
        "Free coffee",
        "Café offert",
        "Free coffee",
    )
    redeemed = await service.counter.redeem_reward(cashier.user_id, card.number, coffee.reward_id)
    assert redeemed.reward is not None and redeemed.reward.name_in("lb") == "Gratis Kaffi"
    page = await service.customers.history(customer.user_id, card.card_id)
    assert page.lines[0].reward is not None and page.lines[0].reward.name_in("fr") == "Café offert"
    # Taken away, renamed: the other name stays, the name given changes alone.
    await service.rewards.name_in_language(owner, coffee.reward_id, "fr", None)
    renamed = (await service.rewards.rename(owner, coffee.reward_id, "Coffee")).reward
    assert (renamed.name_in("fr"), renamed.name_in("lb")) == ("Coffee", "Gratis Kaffi")
    viewed = await service.customers.card(customer.user_id, card.card_id)
    assert viewed.stamp_rewards[0] == renamed


async def test_names_in_other_languages_are_checked_and_the_owners_alone(
    service: LoyaltyService,
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service)
    owner = shop.owner.user_id
    coffee = (await service.rewards.ladder(owner)).rewards[0]
    with pytest.raises(errors.InvalidRewardName):
        await service.rewards.name_in_language(owner, coffee.reward_id, "fr", "x" * 101)
    with pytest.raises(errors.InvalidSettingValue):
        await service.rewards.name_in_language(owner, coffee.reward_id, "es", "Café gratis")
    with pytest.raises(errors.NotOwner):
        await service.rewards.name_in_language(cashier.user_id, coffee.reward_id, "fr", "Mien")
    other = await open_shop(service, name="Other")
    with pytest.raises(errors.RewardNotFound):
        theirs = (await service.rewards.ladder(other.owner.user_id)).rewards[0]
        await service.rewards.name_in_language(owner, theirs.reward_id, "fr", "Volé")
    assert (await service.rewards.ladder(owner)).rewards[0].translations == ()


# --- at the counter -----------------------------------------------------------------------------


async def test_each_rung_is_redeemed_in_one_row_naming_it(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, stamps_target="5")
    cake = (await service.rewards.add(shop.owner.user_id, 10, "Cake")).reward
    coffee = (await service.rewards.ladder(shop.owner.user_id)).rewards[0]
    await service.counter.stamp(cashier.user_id, card.number, 5)
    offered = await service.counter.redeemable(cashier.user_id, card.number)
    assert [r.name for r in offered.rewards] == ["Free coffee"]
    with pytest.raises(errors.NotEnoughStamps):
        await service.counter.redeem_reward(cashier.user_id, card.number, cake.reward_id)
    op = await service.counter.redeem_reward(cashier.user_id, card.number, coffee.reward_id)
    assert (op.kind, op.stamps_delta, op.card.stamp_count) == (LedgerKind.REDEEM_REWARD, -5, 0)
    assert op.reward is not None and op.reward.name == "Free coffee"
    await service.counter.stamp(cashier.user_id, card.number, 10)
    offered = await service.counter.redeemable(cashier.user_id, card.number)
    assert [r.name for r in offered.rewards] == ["Free coffee", "Cake"]
    op = await service.counter.redeem_reward(cashier.user_id, card.number, cake.reward_id)
    assert (op.stamps_delta, op.card.stamp_count, op.card.rewards_redeemed) == (-10, 0, 2)
    with pytest.raises(errors.NotEnoughStamps):
        await service.counter.redeemable(cashier.user_id, card.number)
    page = await service.customers.history(customer.user_id, card.card_id)
    redemptions = [line for line in page.lines if line.kind is LedgerKind.REDEEM_REWARD]
    assert [line.reward and line.reward.name for line in redemptions] == ["Cake", "Free coffee"]
    rows = (await service.reports.export_ledger(shop.owner.user_id, 30)).rows
    assert [row.reward_name for row in rows if row.kind is LedgerKind.REDEEM_REWARD] == [
        "Free coffee",
        "Cake",
    ]
    assert await service.maintenance.invariant_breaches() == []


async def test_points_rungs_and_an_explicit_amount(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, type="points")
    big = (await service.rewards.add(shop.owner.user_id, 300, "Dinner")).reward
    await service.counter.earn_points(cashier.user_id, card.number, Decimal(350), confirmed=True)
    offered = await service.counter.redeemable(cashier.user_id, card.number)
    assert [(r.name, r.cost) for r in offered.rewards] == [("5 € voucher", 100), ("Dinner", 300)]
    op = await service.counter.redeem_reward(cashier.user_id, card.number, big.reward_id)
    assert op.kind is LedgerKind.REDEEM_REWARD
    assert (op.points_delta, op.card.points_balance) == (-300, 50)
    assert (op.card.points_redeemed, op.card.rewards_redeemed) == (300, 1)
    op = await service.counter.redeem_points(cashier.user_id, card.number, 20)
    assert (op.kind, op.card.points_balance, op.reward) == (LedgerKind.REDEEM_POINTS, 30, None)
    assert await service.maintenance.invariant_breaches() == []


async def test_stamps_stop_at_the_top_rung(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, stamps_target="5")
    await service.rewards.add(shop.owner.user_id, 8, "Cake")
    await service.counter.stamp(cashier.user_id, card.number, 6)
    op = await service.counter.stamp(cashier.user_id, card.number, 5)  # only 2 fit
    assert (op.stamps_delta, op.card.stamp_count, op.card.lifetime_stamps) == (2, 8, 8)
    with pytest.raises(errors.RewardReadyRedeemFirst) as full:
        await service.counter.stamp(cashier.user_id, card.number)
    assert (full.value.stamp_count, full.value.top_cost) == (8, 8)
    await service.counter.redeem_stamps(cashier.user_id, card.number)  # the first, 5 stamps
    assert (await service.counter.stamp(cashier.user_id, card.number)).card.stamp_count == 4


async def test_removing_a_rung_never_changes_balances(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, stamps_target="5")
    cake = (await service.rewards.add(shop.owner.user_id, 10, "Cake")).reward
    await service.counter.stamp(cashier.user_id, card.number, 9)
    await service.rewards.remove(shop.owner.user_id, cake.reward_id)
    after = await service.customers.card(customer.user_id, card.card_id)
    assert (after.stamp_count, after.stamps_target) == (9, 5)
    with pytest.raises(errors.RewardReadyRedeemFirst):
        await service.counter.stamp(cashier.user_id, card.number)
    with pytest.raises(errors.RewardNotFound):
        await service.counter.redeem_reward(cashier.user_id, card.number, cake.reward_id)
    op = await service.counter.redeem_stamps(cashier.user_id, card.number)
    assert op.card.stamp_count == 4
    assert await service.maintenance.invariant_breaches() == []


async def test_undoing_a_reward_puts_it_back_and_the_summary_nets_it(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, stamps_target="5")
    await service.rewards.add(shop.owner.user_id, 10, "Cake")
    await service.counter.stamp(cashier.user_id, card.number, 10)
    await service.counter.redeem_stamps(cashier.user_id, card.number)
    clock.advance(timedelta(minutes=1))
    reversal = await service.counter.undo(cashier.user_id)
    assert reversal.reversed_kind is LedgerKind.REDEEM_REWARD
    assert (reversal.operation.card.stamp_count, reversal.operation.card.rewards_redeemed) == (
        10,
        0,
    )
    await service.counter.redeem_stamps(cashier.user_id, card.number)
    summary, _ = await service.reports.summary_for_owner(shop.owner.user_id, "today")
    assert summary.total.rewards_redeemed == 1
    assert summary.rewards == (("Free coffee", 1),)
    page = await service.customers.history(customer.user_id, card.card_id)
    # The redemption again, the undo that names what it reversed, the first redemption.
    assert [(line.kind, line.reward and line.reward.name) for line in page.lines[:3]] == [
        (LedgerKind.REDEEM_REWARD, "Free coffee"),
        (LedgerKind.UNDO, "Free coffee"),
        (LedgerKind.REDEEM_REWARD, "Free coffee"),
    ]


async def test_two_rungs_redeemed_at_once_never_overspend(service: LoyaltyService) -> None:
    """12 stamps: the 12-stamp cake or the 5-stamp coffee are each affordable, the cake and a
    coffee together are not. Three redemptions at once, five rounds: never more than 12."""
    shop, cashier, customer, card = await _shop_and_card(service, stamps_target="5")
    second = await shop.hire("Second cashier")
    cake = (await service.rewards.add(shop.owner.user_id, 12, "Cake")).reward
    coffee = (await service.rewards.ladder(shop.owner.user_id)).rewards[0]
    for _ in range(5):
        await _stamp(service, cashier.user_id, card.number, 12)
        outcomes = await asyncio.gather(
            service.counter.redeem_reward(cashier.user_id, card.number, cake.reward_id),
            service.counter.redeem_reward(second.user_id, card.number, coffee.reward_id),
            service.counter.redeem_reward(cashier.user_id, card.number, coffee.reward_id),
            return_exceptions=True,
        )
        done = [o for o in outcomes if not isinstance(o, BaseException)]
        refused = [o for o in outcomes if isinstance(o, BaseException)]
        assert all(isinstance(o, errors.NotEnoughStamps) for o in refused), refused
        spent = -sum(o.stamps_delta for o in done)
        assert spent <= 12
        # In whatever order they run: the cake alone, or two coffees (the cake is refused
        # after one coffee, and a third coffee after two).
        assert sorted(-o.stamps_delta for o in done) in ([12], [5, 5])
        left = (await service.customers.card(customer.user_id, card.card_id)).stamp_count
        assert left == 12 - spent
        if left:  # back to 0 for the next round: fill up, hand over the cake
            await _stamp(service, cashier.user_id, card.number, 12 - left)
            await service.counter.redeem_reward(cashier.user_id, card.number, cake.reward_id)
    async with service.database.read() as session:
        kinds = (
            await session.execute(
                select(LedgerEntry.kind, LedgerEntry.reward_id).where(
                    LedgerEntry.card_id == card.card_id, LedgerEntry.stamps_delta < 0
                )
            )
        ).all()
    assert {kind for kind, _ in kinds} == {LedgerKind.REDEEM_REWARD.value}
    assert {reward for _, reward in kinds} <= {cake.reward_id, coffee.reward_id}
    assert await service.maintenance.invariant_breaches() == []
