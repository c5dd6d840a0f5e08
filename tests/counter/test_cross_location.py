"""Cross-location on and off (PRODUCT.md §2), one test per behaviour."""

from __future__ import annotations

import pytest

from domain import errors
from domain.model import LedgerKind
from domain.service import LoyaltyService
from tests.support.scenario import new_profile, open_shop


async def _two_store_shop(service: LoyaltyService, cross_location: str):
    shop = await open_shop(service, "Café Lux", cross_location=cross_location, cooldown="0")
    kirchberg = await shop.add_store("Kirchberg")
    at_first = await shop.hire("Anna", shop.first_store)
    at_second = await shop.hire("Ben", kirchberg)
    return shop, kirchberg, at_first, at_second


async def test_joining_another_store_with_cross_location_on_returns_the_existing_card(
    service: LoyaltyService,
) -> None:
    shop, kirchberg, _, _ = await _two_store_shop(service, "on")
    customer = new_profile()
    first = await service.customers.enrol(customer, shop.first_store.code)
    second = await service.customers.enrol(customer, kirchberg.code)
    assert first.created and not second.created
    assert second.card.card_id == first.card.card_id
    assert second.card.cross_location
    assert [s.name for s in second.stores] == ["Café Lux", "Kirchberg"]


async def test_staff_of_any_store_can_stamp_and_redeem_when_cross_location_is_on(
    service: LoyaltyService,
) -> None:
    shop, kirchberg, anna, ben = await _two_store_shop(service, "on")
    await shop.configure(stamps_target="2", daily_limit="0")
    customer = new_profile()
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.counter.stamp(anna.user_id, card.number)
    op = await service.counter.stamp(ben.user_id, card.number)
    assert (op.card.stamp_count, op.store_name) == (2, "Kirchberg")
    redeemed = await service.counter.redeem_stamps(ben.user_id, card.qr_token)
    assert redeemed.card.rewards_redeemed == 1


async def test_joining_another_store_with_cross_location_off_creates_a_separate_card(
    service: LoyaltyService,
) -> None:
    shop, kirchberg, _, _ = await _two_store_shop(service, "off")
    customer = new_profile()
    first = await service.customers.enrol(customer, shop.first_store.code)
    second = await service.customers.enrol(customer, kirchberg.code)
    assert first.created and second.created
    assert first.card.card_id != second.card.card_id
    assert [s.name for s in second.stores] == ["Kirchberg"]
    again = await service.customers.enrol(customer, kirchberg.code)
    assert again.card.card_id == second.card.card_id and not again.created


async def test_staff_of_another_store_are_told_whose_card_it_is_when_cross_location_is_off(
    service: LoyaltyService,
) -> None:
    shop, kirchberg, anna, ben = await _two_store_shop(service, "off")
    customer = new_profile()
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    for action in (
        service.counter.stamp(ben.user_id, card.number),
        service.counter.lookup(ben.user_id, card.qr_token),
        service.counter.redeem_stamps(ben.user_id, card.number),
    ):
        with pytest.raises(errors.CardOfOtherStore) as refused:
            await action
        assert refused.value.store_name == "Café Lux"
    assert (await service.counter.stamp(anna.user_id, card.number)).card.stamp_count == 1
    # The owner works at every store.
    assert (await service.counter.stamp(shop.owner.user_id, card.number)).card.stamp_count == 2


async def test_switching_cross_location_off_keeps_each_card_at_its_enrolment_store(
    service: LoyaltyService,
) -> None:
    shop, kirchberg, anna, ben = await _two_store_shop(service, "on")
    customer = new_profile()
    card = (await service.customers.enrol(customer, kirchberg.code)).card
    await shop.configure(cross_location="off")
    with pytest.raises(errors.CardOfOtherStore):
        await service.counter.stamp(anna.user_id, card.number)
    assert (await service.counter.stamp(ben.user_id, card.number)).card.store_name == "Kirchberg"
    stores = await service.customers.stores_of_card(customer.user_id, card.card_id)
    assert [s.name for s in stores] == ["Kirchberg"]


async def test_switching_cross_location_on_with_duplicates_asks_then_merges_into_the_oldest(
    service: LoyaltyService,
) -> None:
    shop, kirchberg, anna, ben = await _two_store_shop(service, "off")
    await shop.configure(type="hybrid", daily_limit="0")
    customer = new_profile()
    oldest = (await service.customers.enrol(customer, shop.first_store.code)).card
    newer = (await service.customers.enrol(customer, kirchberg.code)).card
    await service.counter.stamp(anna.user_id, oldest.number, 3)
    await service.counter.stamp(ben.user_id, newer.number, 4)
    from decimal import Decimal

    await service.counter.earn_points(ben.user_id, newer.number, Decimal(25))
    with pytest.raises(errors.MergeConfirmationRequired) as asked:
        await service.merchants.change_program(shop.owner.user_id, "cross_location", "on")
    assert (asked.value.customers, asked.value.cards) == (1, 2)
    assert not (await service.merchants.program(shop.owner.user_id)).cross_location

    change = await service.merchants.change_program(
        shop.owner.user_id, "cross_location", "on", confirm_merge=True
    )
    assert change.settings.cross_location and change.merged_into == (oldest.card_id,)
    cards = await service.customers.cards(customer.user_id)
    assert [c.card_id for c in cards] == [oldest.card_id]
    merged = cards[0]
    assert (merged.stamp_count, merged.points_balance, merged.lifetime_stamps) == (7, 25, 7)
    history = await service.customers.history(customer.user_id, oldest.card_id)
    assert history.lines[0].kind is LedgerKind.MERGE_IN
    with pytest.raises(errors.CardNotFound):  # the merged-away card no longer works
        await service.counter.lookup(ben.user_id, newer.number)
    assert await service.maintenance.invariant_breaches() == []
