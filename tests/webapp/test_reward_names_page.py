"""The Mini App names each reward in the language of the person looking: the customer's cards
and the cashier's panel, rendered by the running app over HTTP, on both engines."""

from __future__ import annotations

from dataclasses import replace
from html import escape

from tests.support.scenario import new_profile, open_shop
from tests.webapp.conftest import MiniAppClient


async def test_the_cards_page_and_the_panel_name_the_reward_in_the_readers_language(
    miniapp: MiniAppClient,
) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux", stamps_target="2", cooldown="0", daily_limit="0")
    coffee = (await service.rewards.ladder(shop.owner.user_id)).rewards[0]
    await service.rewards.name_in_language(
        shop.owner.user_id, coffee.reward_id, "fr", "Café offert"
    )
    await service.rewards.add(shop.owner.user_id, 4, "Cake")  # no other name: the same for all
    french, german = new_profile("Clara", "fr"), new_profile("Dieter", "de")
    cards = {}
    for customer in (french, german):
        cards[customer.user_id] = (
            await service.customers.enrol(customer, shop.first_store.code)
        ).card

    french_page = (await miniapp.call("cards", french)).json()["html"]
    german_page = (await miniapp.call("cards", german)).json()["html"]
    assert escape("Café offert") in french_page and "Free coffee" not in french_page
    assert "Free coffee" in german_page and escape("Café offert") not in german_page
    assert "Cake" in french_page and "Cake" in german_page

    # A French cashier's panel offers the ready coffee under its French name.
    cashier = replace(await shop.hire("Cara"), telegram_language="fr")
    number = cards[german.user_id].number
    await service.counter.stamp(cashier.user_id, number, 2)
    panel = (await miniapp.call("lookup", cashier, {"reference": number})).json()["html"]
    assert escape("Café offert") in panel and "Free coffee" not in panel
