"""Redeeming through the API: one of the card's rewards as listed on the card, the counter's
rules (not ready → refused, nothing changed), the customer told, the key's scope, and the
Idempotency-Key answering a retried redemption once; on both engines over real HTTP."""

from __future__ import annotations

import uuid

from domain.apikeys import Scope
from tests.support.api import ApiClient, Cafe, open_cafe
from tests.support.chat import say
from tests.support.reliability import until


async def _stamps(client: ApiClient, cafe: Cafe) -> int:
    card = await client.service.customers.card(cafe.customer.user_id, cafe.card.card_id)
    return card.stamp_count


async def test_a_ready_reward_is_redeemed_once_and_the_customer_told(api: ApiClient) -> None:
    cafe = await open_cafe(api, cooldown="0", stamps_target="4")
    path = f"/cards/{cafe.card.number}"
    reward = (await api.get(path, cafe.secret)).json()["card"]["rewards"][0]
    body = {"reward": reward["id"], "unit": reward["unit"]}
    assert reward["unit"] == "stamps"

    malformed_bodies = (
        {"reward": "x"},
        {"reward": 0, "unit": "cake"},
        {},
        {"reward": 0, "points": 5},
        {"points": 0},
    )
    for malformed in malformed_bodies:
        refused = await api.post(f"{path}/redeem", cafe.secret, malformed)
        assert refused.status_code in (400, 422), (malformed, refused.text)
    early = await api.post(f"{path}/redeem", cafe.secret, body)
    assert early.status_code == 409 and early.json()["error"]["message"]
    assert await _stamps(api, cafe) == 0

    await api.post(f"{path}/earn", cafe.secret, {"stamps": reward["cost"]})
    customer = api.running.tg.user(cafe.customer.user_id, "Clara", language_code="en")
    await say(customer, "/start")  # the customer has the bot open: notices reach them
    # The earning's notice goes out as soon as it is committed, so it may come before or
    # between the answers to /start (whether the offers question comes with those answers or
    # with the notice depends on which is first).
    already = ("You got 4 stamps", "Your loyalty cards")
    await until(
        lambda: all(any(t in m.content for m in customer.messages) for t in already),
        wait=15,
        what="the earning's notice and the answers to /start",
    )
    customer.skip_unread()
    key = str(uuid.uuid4())
    done = await api.post(f"{path}/redeem", cafe.secret, body, idempotency_key=key)
    assert done.status_code == 200, done.text
    answer = done.json()
    assert answer["replayed"] is False
    assert answer["operation"]["stamps"] == -reward["cost"]
    assert answer["card"]["stamps"] == 0
    assert await _stamps(api, cafe) == 0
    told = await customer.wait_for(  # told, as after the cashier's Redeem
        lambda e: e.message is not None and "You redeemed" in e.message.content, 15
    )
    assert told.message is not None and reward["name"] in told.message.content
    again = await api.post(f"{path}/redeem", cafe.secret, body, idempotency_key=key)
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["operation"] == answer["operation"]
    other = await api.post(f"{path}/redeem", cafe.secret, {"points": 5}, idempotency_key=key)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    history = await api.service.customers.history(cafe.customer.user_id, cafe.card.card_id)
    assert sum(1 for line in history.lines if line.stamps_delta < 0) == 1


async def test_redeeming_needs_the_redeem_scope(api: ApiClient) -> None:
    scopes = frozenset({Scope.READ, Scope.EARN})
    cafe = await open_cafe(api, cooldown="0", stamps_target="4", scopes=scopes)
    path = f"/cards/{cafe.card.number}"
    await api.post(f"{path}/earn", cafe.secret, {"stamps": 4})
    refused = await api.post(f"{path}/redeem", cafe.secret, {"reward": 0, "unit": "stamps"})
    assert refused.status_code == 403
    assert refused.json()["error"]["scope"] == "redeem"
    assert await _stamps(api, cafe) == 4
    # Without the scope even a malformed body learns nothing more than the missing scope.
    bad = await api.post(f"{path}/redeem", cafe.secret, {"reward": "x", "unit": "cake"})
    assert bad.status_code == 403
    assert await _stamps(api, cafe) == 4


async def test_points_are_spent_by_number(api: ApiClient) -> None:
    cafe = await open_cafe(api, type="points", cooldown="0")
    path = f"/cards/{cafe.card.number}"
    earned = await api.post(f"{path}/earn", cafe.secret, {"amount": "30.00"})
    balance = earned.json()["card"]["points"]
    assert balance > 5
    spent = await api.post(f"{path}/redeem", cafe.secret, {"points": 5})
    assert spent.status_code == 200, spent.text
    assert spent.json()["operation"]["points"] == -5
    assert spent.json()["card"]["points"] == balance - 5
    too_many = await api.post(f"{path}/redeem", cafe.secret, {"points": balance})
    assert too_many.status_code == 409
    assert (await api.get(path, cafe.secret)).json()["card"]["points"] == balance - 5
