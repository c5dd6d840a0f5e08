"""Renaming a café, and what its name and logo ask of the passes and of the café's own bot: the
cards show the new name at once; the passes and the bot's profile are refreshed through the
outbox, once per change; a new logo also sets the bot's photo, a removed one takes it away."""

from __future__ import annotations

import pytest

from domain import errors
from domain.effects import RefreshBotProfile, RefreshBrandedPasses
from domain.service import BrandPart, LoyaltyService
from infra import Infrastructure
from tests.support.scenario import new_profile, open_shop


async def recorded(infra: Infrastructure) -> list[object]:
    items = await infra.outbox.claim(limit=100)
    for item in items:
        await infra.outbox.done(item.id)
    return [item.effect for item in items]


async def test_a_rename_shows_at_once_and_refreshes_the_passes_and_the_bot(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    shop = await open_shop(service, "Café Lux")
    owner = shop.owner.user_id
    enrolment = await service.customers.enrol(new_profile("Marie"), shop.first_store.code)
    await recorded(infra)

    assert await service.merchants.rename(owner, "  Kaffi   Lux ") == "Kaffi Lux"
    (card,) = await service.customers.cards(enrolment.card.customer_id)
    assert card.merchant_name == "Kaffi Lux"
    assert card.store_name == "Café Lux"  # the store keeps its own name
    passes, profile = await recorded(infra)
    merchant_id = card.merchant_id
    assert isinstance(passes, RefreshBrandedPasses) and passes.merchant_id == merchant_id
    assert profile == RefreshBotProfile(merchant_id, passes.version, photo=False)
    assert (await service.own_bot.profile(merchant_id)).merchant_name == "Kaffi Lux"

    assert await service.merchants.rename(owner, "Kaffi Lux") == "Kaffi Lux"
    assert await recorded(infra) == []  # nothing changed, nothing to refresh
    with pytest.raises(errors.InvalidName):
        await service.merchants.rename(owner, "x" * 65)
    with pytest.raises(errors.NotOwner):
        await service.merchants.rename(enrolment.card.customer_id, "Mine now")
    assert await recorded(infra) == []
    (card,) = await service.customers.cards(enrolment.card.customer_id)
    assert card.merchant_name == "Kaffi Lux"


async def test_the_logo_sets_the_bot_s_photo_and_its_removal_takes_it_away(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    shop = await open_shop(service, "Café Lux")
    owner = shop.owner.user_id
    await recorded(infra)
    merchant_id = shop.first_store.merchant_id
    before = await service.own_bot.profile(merchant_id)
    assert (before.logo_png, before.logo_removed) == (None, False)

    await service.brand.set_colour(owner, "blue")  # on the passes, not on the bot
    assert [type(effect) for effect in await recorded(infra)] == [RefreshBrandedPasses]

    await service.brand.set_logo(owner, b"\x89PNG a logo")
    passes, profile = await recorded(infra)
    assert isinstance(passes, RefreshBrandedPasses)
    assert profile == RefreshBotProfile(merchant_id, passes.version, photo=True)
    with_logo = await service.own_bot.profile(merchant_id)
    assert with_logo.logo_png == b"\x89PNG a logo" and with_logo.brand.colour == "#1f5fa8"

    await service.brand.clear(owner, BrandPart.LOGO)
    passes, profile = await recorded(infra)
    assert isinstance(profile, RefreshBotProfile) and profile.photo
    removed = await service.own_bot.profile(merchant_id)
    assert (removed.logo_png, removed.logo_removed) == (None, True)
