"""The counter and the card through the Mini App's API: one effect per button press, the
chat's confirmations and refusals, and the history's keyset pages."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import timedelta

from bot.i18n import translator
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import AMOUNT_RANGE, CardView, UserProfile
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import Shop, new_profile, open_shop


async def _shop(
    client: MiniAppClient, language: str = "fr"
) -> tuple[Shop, UserProfile, UserProfile, CardView]:
    service = client.running.service
    shop = await open_shop(
        service, "Café Lux", type="hybrid", stamps_target="2", cooldown="0", daily_limit="0"
    )
    cashier = await shop.hire("Cara")
    cashier = replace(cashier, telegram_language=language)  # what its initData says
    customer = new_profile("Clara", language)
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    return shop, cashier, customer, card


async def test_a_double_submit_is_one_operation(miniapp: MiniAppClient) -> None:
    _, cashier, customer, card = await _shop(miniapp)
    service = miniapp.running.service
    for name, body in [
        ("stamp", {"reference": card.number, "n": 2}),
        ("redeem", {"reference": card.number, "reward": "stamps"}),
        ("points", {"reference": card.number, "amount": "12,50"}),
    ]:
        body["key"] = uuid.uuid4().hex
        answers = await asyncio.gather(*(miniapp.call(name, cashier, body) for _ in range(3)))
        assert [a.status_code for a in answers] == [200, 200, 200], name
    now = await service.customers.card(customer.user_id, card.card_id)
    assert (now.stamp_count, now.rewards_redeemed, now.points_balance) == (0, 1, 12)
    page = await service.customers.history(customer.user_id, card.card_id)
    assert len(page.lines) == 3


async def test_keys_of_two_cashiers_never_meet(miniapp: MiniAppClient) -> None:
    shop, cashier, customer, card = await _shop(miniapp)
    other = await shop.hire("Otto")
    key = uuid.uuid4().hex
    for person in (cashier, other):
        answer = await miniapp.call("stamp", person, {"reference": card.number, "n": 1, "key": key})
        assert answer.status_code == 200
    now = await miniapp.running.service.customers.card(customer.user_id, card.card_id)
    assert now.stamp_count == 2


async def test_a_key_reused_on_another_card_is_refused_and_stamps_nothing(
    miniapp: MiniAppClient,
) -> None:
    shop, cashier, customer, card = await _shop(miniapp)
    service = miniapp.running.service
    other = new_profile("Otto")
    second = (await service.customers.enrol(other, shop.first_store.code)).card
    key = uuid.uuid4().hex
    first = await miniapp.call("stamp", cashier, {"reference": card.number, "n": 1, "key": key})
    assert first.status_code == 200
    reused = await miniapp.call("stamp", cashier, {"reference": second.number, "n": 1, "key": key})
    assert reused.status_code == 409
    expected = refusal_text(translator("fr"), errors.KeyUsedForAnotherCard())
    assert reused.json()["message"] == expected
    assert (await service.customers.card(other.user_id, second.card_id)).stamp_count == 0
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 1
    again = await miniapp.call("stamp", cashier, {"reference": card.number, "n": 1, "key": key})
    assert again.status_code == 200  # the same request again is still a repeat, answered once
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 1


async def test_a_large_purchase_asks_first_and_bad_input_changes_nothing(
    miniapp: MiniAppClient,
) -> None:
    _, cashier, customer, card = await _shop(miniapp)
    t = translator("fr")
    key = uuid.uuid4().hex
    body = {"reference": card.number, "amount": "250,00", "key": key}
    asked = await miniapp.call("points", cashier, body)
    assert asked.status_code == 200 and asked.json()["ok"] is False
    assert asked.json()["confirm"]
    service = miniapp.running.service
    assert (await service.customers.card(customer.user_id, card.card_id)).points_balance == 0
    done = await miniapp.call("points", cashier, {**body, "confirmed": True})
    assert done.json()["ok"] is True
    assert (await service.customers.card(customer.user_id, card.card_id)).points_balance == 250

    low, high = AMOUNT_RANGE
    wrong = await miniapp.call(
        "points", cashier, {"reference": card.number, "amount": "12,5,0", "key": uuid.uuid4().hex}
    )
    assert wrong.status_code == 409
    expected = refusal_text(t, errors.InvalidAmount(minimum=low, maximum=high))
    assert wrong.json()["message"] == expected.replace("\n", "<br>")
    for body in [
        {"reference": card.number, "n": 1, "key": "short"},
        {"reference": card.number, "n": 1, "key": "a/b" * 5},
        {"reference": card.number, "n": "1", "key": uuid.uuid4().hex},
        {"reference": card.number, "n": 1},
    ]:
        assert (await miniapp.call("stamp", cashier, body)).status_code == 400
    bad_json = await miniapp.http.post(
        f"{miniapp.base_url}/app/api/stamp",
        content=b"[1, 2",
        headers={"Authorization": f"tma {miniapp.init_data(cashier)}"},
    )
    assert bad_json.status_code == 400
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 0


async def test_undo_reverses_the_cashiers_last_operation_once(miniapp: MiniAppClient) -> None:
    _, cashier, customer, card = await _shop(miniapp)
    key = uuid.uuid4().hex
    await miniapp.call("stamp", cashier, {"reference": card.number, "n": 1, "key": key})
    first, second = await asyncio.gather(
        miniapp.call("undo", cashier), miniapp.call("undo", cashier)
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    now = await miniapp.running.service.customers.card(customer.user_id, card.card_id)
    assert now.stamp_count == 0


async def test_history_comes_in_keyset_pages(miniapp: MiniAppClient) -> None:
    shop, cashier, customer, card = await _shop(miniapp)
    await shop.configure(stamps_target="20")  # room for 13 stamps below the only reward
    for _ in range(13):
        miniapp.running.clock.advance(timedelta(minutes=1))
        await miniapp.running.service.counter.stamp(
            cashier.user_id, card.number, 1, idempotency_key=uuid.uuid4().hex
        )
    first = (await miniapp.call("history", customer, {"card": card.card_id})).json()
    assert first["html"].count('class="line"') == 10 and first["next"]
    rest = (
        await miniapp.call("history", customer, {"card": card.card_id, "before": first["next"]})
    ).json()
    assert rest["html"].count('class="line"') == 3 and rest["next"] is None


async def test_a_press_waits_for_the_store_of_the_day_and_then_goes_ahead_once(
    miniapp: MiniAppClient,
) -> None:
    shop, cashier, customer, card = await _shop(miniapp)
    kirchberg = await shop.add_store("Kirchberg")
    service = miniapp.running.service
    body = {"reference": card.number, "n": 1, "key": uuid.uuid4().hex}
    asked = await miniapp.call("stamp", cashier, body)
    assert asked.status_code == 409
    answer = asked.json()
    assert answer["message"] == refusal_text(translator("fr"), errors.StoreOfDayRequired(()))
    assert f'data-store="{kirchberg.store_id}"' in answer["store"]
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 0

    chosen = await miniapp.call("store", cashier, {"store": kirchberg.store_id})
    assert chosen.status_code == 200
    assert 'aria-pressed="true">📍 Kirchberg' in chosen.json()["html"]
    for _ in range(2):  # the page presses again with the same key: one stamp
        assert (await miniapp.call("stamp", cashier, body)).status_code == 200
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 1
    today = (await miniapp.call("store_of_day", cashier)).json()["html"]
    assert 'aria-pressed="true">📍 Kirchberg' in today

    bound = replace(await shop.hire("Ben", kirchberg), telegram_language="fr")
    assert (await miniapp.call("store_of_day", bound)).json()["html"] == ""
    refused = await miniapp.call("store", bound, {"store": shop.first_store.store_id})
    assert refused.status_code == 409
    assert refused.json()["message"] == refusal_text(translator("fr"), errors.NotYourStore())
