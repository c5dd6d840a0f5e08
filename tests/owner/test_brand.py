"""The café's look as stored: chosen by the owner only, taken back, a logo versioned, and two
taps at once on a café without a look yet (both engines)."""

from __future__ import annotations

import asyncio

import pytest

from domain import errors
from domain.brand import SWATCHES
from domain.service import BrandPart, LoyaltyService
from tests.support.scenario import new_profile, open_shop


async def test_the_owner_chooses_colour_symbol_and_logo_and_takes_them_back(
    service: LoyaltyService,
) -> None:
    shop = await open_shop(service)
    owner = shop.owner.user_id
    merchant = shop.first_store.merchant_id
    assert (await service.brand.of_merchant(merchant)).is_default
    await service.brand.set_colour(owner, "blue")
    await service.brand.set_symbol(owner, "☕")
    first = await service.brand.set_logo(owner, b"\x89PNG first")
    second = await service.brand.set_logo(owner, b"\x89PNG second")
    assert (first.logo_version, second.logo_version) == (1, 2)
    brand = await service.brand.of_merchant(merchant)
    assert (brand.colour, brand.symbol, brand.logo_version) == (SWATCHES["blue"], "☕", 2)
    assert await service.brand.logo(merchant) == (2, b"\x89PNG second")

    await service.brand.clear(owner, BrandPart.LOGO)
    assert await service.brand.logo(merchant) is None
    removed = await service.brand.of_merchant(merchant)
    assert (removed.colour, removed.logo_version) == (SWATCHES["blue"], 0)
    # A logo after a removed one gets a version never used: a worker's cached picture of
    # version 2 (the removed logo) is never shown for the new one.
    third = await service.brand.set_logo(owner, b"\x89PNG third")
    assert third.logo_version == 3
    assert await service.brand.logo(merchant) == (3, b"\x89PNG third")
    await service.brand.clear(owner, BrandPart.ALL)
    assert (await service.brand.of_merchant(merchant)).is_default


async def test_only_an_owner_changes_the_look_and_bad_input_changes_nothing(
    service: LoyaltyService,
) -> None:
    shop = await open_shop(service)
    cashier = await shop.hire("Cashier")
    with pytest.raises(errors.NotOwner):
        await service.brand.set_colour(cashier.user_id, "red")
    with pytest.raises(errors.NotOwner):
        await service.brand.mine(new_profile("Stranger").user_id)
    await service.brand.set_colour(shop.owner.user_id, "green")
    with pytest.raises(errors.BadBrandColour):
        await service.brand.set_colour(shop.owner.user_id, "#zzz")
    with pytest.raises(errors.BadBrandSymbol):
        await service.brand.set_symbol(shop.owner.user_id, "abc")
    with pytest.raises(errors.BadLogo):
        await service.brand.set_logo(shop.owner.user_id, b"x" * (600 * 1024))
    brand = await service.brand.mine(shop.owner.user_id)
    assert (brand.colour, brand.symbol, brand.logo_version) == (SWATCHES["green"], None, 0)


async def test_two_taps_at_once_on_a_cafe_without_a_look_both_land(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    owner = shop.owner.user_id
    await asyncio.gather(
        service.brand.set_colour(owner, "red"), service.brand.set_symbol(owner, "star")
    )
    brand = await service.brand.mine(owner)
    assert (brand.colour, brand.symbol) == (SWATCHES["red"], "star")
