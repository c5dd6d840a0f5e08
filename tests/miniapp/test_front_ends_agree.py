"""The chat and the Mini App decide alike, because they no longer decide: the same cashier,
card and input give the same outcome in both — a large purchase asked about (and one at the
threshold credited at once), the rewards a redeem offers and why a picked one is refused, and
the language a person is answered in. The chat through the emulator, the Mini App over HTTP,
both served by one running bot."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from decimal import Decimal
from html import unescape

import pytest

from bot.i18n import translator
from bot.texts import counter as counter_texts
from bot.texts import webapp as webapp_texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import CardView, RewardUnit, UserProfile
from emulator.user import EmulatedUser
from tests.support.chat import say
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import Shop, new_profile, open_shop

REDEEM_BUTTON = re.compile(r'data-op="redeem" data-reward="([^"]+)"[^>]*>🎁 ([^<]+)</button>')


async def _counter(
    miniapp: MiniAppClient, speaks: str = "fr", **settings: str
) -> tuple[Shop, UserProfile, EmulatedUser, CardView]:
    """A café, one cashier — as the Mini App's initData and as the chat know them — and a card."""
    service = miniapp.running.service
    settings = {"type": "hybrid", "cooldown": "0", "daily_limit": "0", **settings}
    shop = await open_shop(service, "Café Lux", **settings)
    cashier = replace(await shop.hire("Cara"), telegram_language=speaks)
    chat = miniapp.running.tg.user(cashier.user_id, "Cara", language_code=speaks)
    card = (await service.customers.enrol(new_profile("Clara"), shop.first_store.code)).card
    return shop, cashier, chat, card


async def _points(miniapp: MiniAppClient, card: CardView) -> int:
    service = miniapp.running.service
    return (await service.customers.card(card.customer_id, card.card_id)).points_balance


def _press(reference: str, **fields: object) -> dict[str, object]:
    return {"reference": reference, "key": uuid.uuid4().hex, **fields}


@pytest.mark.parametrize(("typed", "asked"), [("200,00", False), ("200,01", True)])
async def test_a_purchase_at_the_threshold_goes_through_and_one_cent_above_is_asked_in_both(
    miniapp: MiniAppClient, typed: str, asked: bool
) -> None:
    _, cashier, chat, card = await _counter(miniapp)
    t = translator("fr")
    in_chat = await say(chat, f"/points {card.number} {typed}")
    in_app = (await miniapp.call("points", cashier, _press(card.number, amount=typed))).json()
    question = counter_texts.large_purchase_question(
        t, Decimal(typed.replace(",", ".")), card.number
    )
    if not asked:
        assert in_chat.content.startswith("✅") and in_app["ok"] is True
        assert await _points(miniapp, card) == 400  # 200 points from each
        return
    labels = [b.text for row in in_chat.buttons for b in row]
    assert in_chat.content == in_app["confirm"] == question
    assert labels == [t.pgettext("button", "Confirm"), t.pgettext("button", "Cancel")]
    assert in_app["ok"] is False and await _points(miniapp, card) == 0  # nothing yet, in either
    await chat.press(in_chat, t.pgettext("button", "Confirm"))
    assert (await chat.next_edit()).content.startswith("✅")
    confirmed = _press(card.number, amount=typed, confirmed=True)
    assert (await miniapp.call("points", cashier, confirmed)).json()["ok"] is True
    assert await _points(miniapp, card) == 400


async def test_a_void_of_the_whole_balance_is_asked_and_of_less_is_made(
    miniapp: MiniAppClient,
) -> None:
    """The Mini App has no void (§9): the chat asks as the use case says, on both edges."""
    _, cashier, chat, card = await _counter(miniapp)
    t = translator("fr")
    await miniapp.running.service.counter.earn_points(cashier.user_id, card.number, Decimal(40))
    whole = await say(chat, f"/void {card.number} 40 retour")
    assert whole.content == counter_texts.void_all_question(t, 40, card.number)
    assert await _points(miniapp, card) == 40
    await chat.press(whole, t.pgettext("button", "Cancel"))
    await chat.next_edit()
    less = await say(chat, f"/void {card.number} 39 retour")
    assert less.content.startswith("✅") and await _points(miniapp, card) == 1


async def test_a_redeem_offers_the_same_rewards_and_refuses_a_stale_pick_in_the_same_words(
    miniapp: MiniAppClient,
) -> None:
    shop, cashier, chat, card = await _counter(miniapp, stamps_target="2", points_reward="100")
    service, t = miniapp.running.service, translator("fr")
    await service.rewards.add(shop.owner.user_id, 5, "Gâteau", RewardUnit.STAMPS)  # not ready
    await service.counter.stamp(cashier.user_id, card.number, 2)
    await service.counter.earn_points(cashier.user_id, card.number, Decimal(100))
    ready = [r for r in (await service.rewards.ladder(shop.owner.user_id)).rewards if r.cost != 5]

    choice = await say(chat, f"/redeem {card.number}")  # several ready: the cashier picks
    assert [b.text for row in choice.buttons for b in row] == [
        counter_texts.reward_button(t, r) for r in ready
    ]
    panel = (await miniapp.call("lookup", cashier, {"reference": card.number})).json()["html"]
    assert [unescape(label) for _, label in REDEEM_BUTTON.findall(panel)] == [
        webapp_texts.redeem_label(t, r.name) for r in ready
    ]

    # Points are no longer collected: the voucher offered a moment ago is refused alike.
    voucher = ready[1]
    await service.merchants.change_program(
        shop.owner.user_id, "type", "stamps", confirm_hidden_balances=True
    )
    await chat.press(choice, counter_texts.reward_button(t, voucher))
    in_chat = await chat.next_message()
    pressed = _press(card.number, reward=str(voucher.reward_id))
    in_app = await miniapp.call("redeem", cashier, pressed)
    refused = refusal_text(t, errors.PointsNotInProgram())
    assert in_chat.content == unescape(in_app.json()["message"]) == refused
    assert in_app.status_code == 409
    now = await service.customers.card(card.customer_id, card.card_id)
    assert (now.points_balance, now.rewards_redeemed) == (100, 0)


@pytest.mark.parametrize(
    ("chosen", "telegram", "expected"),
    [(None, "de-CH", "de"), (None, "pt-BR", "fr"), ("lb", "de-CH", "lb")],
)
async def test_a_cashier_is_answered_in_the_same_language_in_both(
    miniapp: MiniAppClient, chosen: str | None, telegram: str, expected: str
) -> None:
    """Their /language choice, else their Telegram's language, else their café's (fr here)."""
    shop, cashier, chat, _ = await _counter(miniapp, speaks=telegram, language="fr")
    if chosen is not None:
        await miniapp.running.service.customers.set_language(cashier, chosen)
    t = translator(expected)
    in_chat = await say(chat, "/stmap")
    assert in_chat.content == t.gettext(
        "I don't know /{typed}. Did you mean /{command}?", typed="stmap", command="stamp"
    )
    home = (await miniapp.call("home", cashier)).json()
    assert home["language"] == expected
    assert home["labels"] == webapp_texts.labels(t)
