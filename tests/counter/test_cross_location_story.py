"""Cross-location on and off across two stores, through the bot."""

from __future__ import annotations

from bot.i18n import translator
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.running_bot import Running

EN = translator("en")


async def _merchant_with_two_stores(bot: Running, cross_location: str):
    tg = bot.tg
    owner = tg.user(10, "Owner", language_code="en")
    first = link_in(await say(owner, "/setup Bakery"), "join_")
    second = link_in(await say(owner, "/addstore Gare"), "join_")
    await say(owner, f"/program set cross_location {cross_location}")
    await say(owner, "/program set cooldown 0")
    gare_cashier = tg.user(11, "Gare cashier", language_code="en")
    await join_staff(owner, gare_cashier, link_in(await say(owner, "/invite Gare"), "staff_"))
    return owner, first, second, gare_cashier


async def test_with_cross_location_on_one_card_works_at_every_store(bot: Running) -> None:
    owner, first, second, gare_cashier = await _merchant_with_two_stores(bot, "on")
    customer = bot.tg.user(12, "Customer", language_code="en")
    await customer.open_link(first)
    await customer.next_message()
    number = card_number_in(await customer.next_message())
    await customer.open_link(second)
    again = await customer.next_message()
    assert "works at all our locations" in again.content
    assert "Bakery" in again.content and "Gare" in again.content
    assert card_number_in(await customer.next_message()) == number
    stamped = await say(gare_cashier, f"/stamp {number}")
    assert "1/10" in stamped.content


async def test_with_cross_location_off_each_store_has_its_own_card(bot: Running) -> None:
    owner, first, second, gare_cashier = await _merchant_with_two_stores(bot, "off")
    customer = bot.tg.user(12, "Customer", language_code="en")
    await customer.open_link(first)
    await customer.next_message()
    bakery_number = card_number_in(await customer.next_message())
    await customer.open_link(second)
    await customer.next_message()
    gare_number = card_number_in(await customer.next_message())
    assert gare_number != bakery_number
    refused = await say(gare_cashier, f"/stamp {bakery_number}")
    assert refused.content == EN.gettext(
        "This card belongs to {store}: it can only be used there.", store="Bakery"
    )
    assert "1/10" in (await say(gare_cashier, f"/stamp {gare_number}")).content
    cards = await bot.service.customers.cards(12)
    assert sorted(c.stamp_count for c in cards) == [0, 1]
