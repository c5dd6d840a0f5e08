"""The Mini App names each reward in the language of the person looking: the customer's cards
and the cashier's panel, rendered by the running app over HTTP, on both engines."""

from __future__ import annotations

from dataclasses import replace
from html import escape

from bot.i18n import translator
from bot.texts import rewards as reward_texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import REWARD_NAME_MAX_LENGTH
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import new_profile, open_shop
from webapp.requests import tg_html


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


async def test_the_owner_names_a_reward_in_a_language_through_the_api(
    miniapp: MiniAppClient,
) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux")
    owner, t = shop.owner, translator("en")
    coffee = (await service.rewards.ladder(owner.user_id)).rewards[0]
    body = {"reward": coffee.reward_id, "language": "lb", "name": " Gratis   Kaffi "}
    named = await miniapp.call("reward_name_in", owner, body)
    assert named.status_code == 200
    now = await service.rewards.reward(owner.user_id, coffee.reward_id)
    assert now.translations == (("lb", "Gratis Kaffi"),)
    assert named.json()["message"] == tg_html(reward_texts.named_in(t, now, "lb"))
    assert 'value="Gratis Kaffi"' in named.json()["html"]

    # Refused as the chat refuses, nothing changed: too long, an unknown language.
    too_long = {**body, "language": "fr", "name": "x" * 101}
    refused = await miniapp.call("reward_name_in", owner, too_long)
    assert refused.status_code == 409
    expected = refusal_text(t, errors.InvalidRewardName(max_length=REWARD_NAME_MAX_LENGTH))
    assert refused.json()["message"] == tg_html(expected)
    unknown = await miniapp.call("reward_name_in", owner, {**body, "language": "xx"})
    assert unknown.status_code == 409
    assert (await service.rewards.reward(owner.user_id, coffee.reward_id)) == now

    # An empty name takes the name away.
    cleared = await miniapp.call("reward_name_in", owner, {**body, "name": "  "})
    assert cleared.status_code == 200
    assert (await service.rewards.reward(owner.user_id, coffee.reward_id)).translations == ()
    assert cleared.json()["message"] == tg_html(reward_texts.name_taken_away(t, coffee, "lb"))
