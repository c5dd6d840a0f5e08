"""Refunds by receipt through the API: what the receipt earned (and the bonuses its first visit
paid on the card) taken back once by compensating rows, the customer told as after a cashier's
undo, what was already spent kept, the key's scope and store; on both engines over real HTTP."""

from __future__ import annotations

import asyncio

from domain.apikeys import Scope
from emulator import SentMessage
from tests.support.api import ApiClient, Cafe, open_cafe
from tests.support.chat import say
from tests.support.reliability import until


def _says(message: SentMessage, words: str) -> bool:
    return words in message.content


async def _balances(client: ApiClient, cafe: Cafe) -> tuple[int, int]:
    card = await client.service.customers.card(cafe.customer.user_id, cafe.card.card_id)
    return card.stamp_count, card.points_balance


async def test_a_receipt_is_refunded_once_and_the_customer_told(api: ApiClient) -> None:
    cafe = await open_cafe(api, type="points", cooldown="0", points_per_euro="2")
    earn = f"/cards/{cafe.card.number}/earn"
    earned = await api.post(earn, cafe.secret, {"amount": "12.50", "receipt": "R-100"})
    assert earned.status_code == 200, earned.text
    points = earned.json()["operation"]["points"]
    assert points == 25
    await api.post(earn, cafe.secret, {"amount": "4.00", "receipt": "R-101"})
    customer = api.running.tg.user(cafe.customer.user_id, "Clara", language_code="en")
    await say(customer, "/start")  # the customer has the bot open: notices reach them
    # The earnings' notices leave as soon as they are committed, in order (the second one
    # says "balance: 33"), so they may come before or among the answers to /start (whether the
    # offers question comes with those answers or with a notice depends on which is first).
    already = ("balance: 33", "Your loyalty cards")
    await until(
        lambda: all(any(_says(m, t) for m in customer.messages) for t in already),
        wait=15,
        what="the earnings' notices and the answers to /start",
    )
    customer.skip_unread()

    done = await api.post("/refunds", cafe.secret, {"receipt": "R-100"}, idempotency_key="rf-1")
    assert done.status_code == 200, done.text
    answer = done.json()
    assert answer["replayed"] is False
    refund = answer["refund"]
    assert refund["receipt"] == "R-100"
    assert [(o["kind"], o["points"], o["amount"]) for o in refund["operations"]] == [
        ("refund", -points, "12.50")
    ]
    assert (refund["stamps_kept"], refund["points_kept"]) == (0, 0)
    assert answer["card"]["points"] == 8  # what R-101 earned stays
    assert await _balances(api, cafe) == (0, 8)
    told = await customer.wait_for(
        lambda e: e.message is not None and _says(e.message, "refunded"), 15
    )
    assert told.message is not None and "8" in told.message.content
    customer.skip_unread()  # read up to here: the notice was what `wait_for` waited for

    again = await api.post("/refunds", cafe.secret, {"receipt": "R-100"}, idempotency_key="rf-1")
    assert again.status_code == 200, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["replayed"] is True
    assert again.json()["refund"] == refund and again.json()["card"] == answer["card"]

    twice = await api.post("/refunds", cafe.secret, {"receipt": "R-100"}, idempotency_key="rf-2")
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "receipt_refunded"
    assert twice.json()["error"]["receipt"] == "R-100"
    other = await api.post("/refunds", cafe.secret, {"receipt": "R-101"}, idempotency_key="rf-1")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    unknown = await api.post("/refunds", cafe.secret, {"receipt": "R-999"})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "receipt_not_found"

    assert await _balances(api, cafe) == (0, 8)
    assert await api.service.maintenance.invariant_breaches() == []
    history = await api.service.customers.history(cafe.customer.user_id, cafe.card.card_id)
    assert [line.points_delta for line in history.lines] == [-points, 8, points]
    # The replay and the refusals told nobody: a second earning's notice arrives next.
    await api.post(earn, cafe.secret, {"amount": "1.00"})
    following = await customer.next_message(timeout=15)
    assert "refunded" not in following.content and "2 points" in following.content
    assert sum("refunded" in m.content for m in customer.messages) == 1


async def test_a_first_visits_refund_takes_back_the_welcome_bonus_it_paid(
    api: ApiClient,
) -> None:
    cafe = await open_cafe(api, type="stamps", cooldown="0", welcome_bonus="2")
    earn = f"/cards/{cafe.card.number}/earn"
    first = await api.post(earn, cafe.secret, {"stamps": 1, "receipt": "first"})
    assert first.json()["operation"]["bonuses"] == [{"kind": "welcome", "stamps": 2, "points": 0}]
    second = await api.post(earn, cafe.secret, {"stamps": 1, "receipt": "second"})
    assert second.json()["operation"]["bonuses"] == []
    assert await _balances(api, cafe) == (4, 0)

    # The second visit paid no bonus: only its stamp goes.
    plain = await api.post("/refunds", cafe.secret, {"receipt": "second"})
    assert [o["stamps"] for o in plain.json()["refund"]["operations"]] == [-1]
    done = await api.post("/refunds", cafe.secret, {"receipt": "first"})
    assert done.status_code == 200, done.text
    operations = done.json()["refund"]["operations"]
    assert [(o["kind"], o["stamps"]) for o in operations] == [("refund", -1), ("refund", -2)]
    assert done.json()["card"]["stamps"] == 0
    assert await _balances(api, cafe) == (0, 0)
    assert await api.service.maintenance.invariant_breaches() == []
    # Each compensating row names the row it reverses, in the café's ledger.
    ledger = (await api.get("/operations", cafe.secret)).json()["operations"]
    by_id = {row["id"]: row for row in ledger}
    reversed_kinds = sorted(by_id[row["reverses"]]["kind"] for row in ledger if row["reverses"])
    assert reversed_kinds == ["stamp", "stamp", "welcome"]


async def test_what_was_spent_before_the_refund_stays_and_is_said(api: ApiClient) -> None:
    cafe = await open_cafe(api, type="points", cooldown="0")
    path = f"/cards/{cafe.card.number}"
    await api.post(f"{path}/earn", cafe.secret, {"amount": "30.00", "receipt": "R-30"})
    spent = await api.post(f"{path}/redeem", cafe.secret, {"points": 20})
    assert spent.status_code == 200, spent.text
    done = await api.post("/refunds", cafe.secret, {"receipt": "R-30"})
    assert done.status_code == 200, done.text
    refund = done.json()["refund"]
    assert refund["operations"][0]["points"] == -10
    assert (refund["stamps_kept"], refund["points_kept"]) == (0, 20)
    assert done.json()["card"]["points"] == 0
    assert await _balances(api, cafe) == (0, 0)
    assert await api.service.maintenance.invariant_breaches() == []


async def test_two_refunds_of_one_receipt_at_once_take_it_back_once(api: ApiClient) -> None:
    cafe = await open_cafe(api, type="hybrid", cooldown="0")
    earn = f"/cards/{cafe.card.number}/earn"
    await api.post(earn, cafe.secret, {"stamps": 3, "receipt": "R-1"})
    await api.post(earn, cafe.secret, {"stamps": 2})
    answers = await asyncio.gather(
        *(api.post("/refunds", cafe.secret, {"receipt": "R-1"}) for _ in range(3))
    )
    assert sorted(a.status_code for a in answers) == [200, 409, 409]
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == {
        "receipt_refunded"
    }
    # The same key sent twice at once: one refund, and the other answer is its replay.
    await api.post(earn, cafe.secret, {"stamps": 1, "receipt": "R-2"})
    same = await asyncio.gather(
        *(api.post("/refunds", cafe.secret, {"receipt": "R-2"}, idempotency_key="k") for _ in "ab")
    )
    assert [a.status_code for a in same] == [200, 200]
    assert sorted(a.json()["replayed"] for a in same) == [False, True]
    assert await _balances(api, cafe) == (2, 0)
    assert await api.service.maintenance.invariant_breaches() == []


async def test_a_receipt_the_customer_disowned_is_not_refunded_again(api: ApiClient) -> None:
    cafe = await open_cafe(api, cooldown="0")
    earned = await api.post(
        f"/cards/{cafe.card.number}/earn", cafe.secret, {"stamps": 2, "receipt": "R-9"}
    )
    entry_id = earned.json()["operation"]["id"]
    await api.service.customers.dispute(cafe.customer.user_id, entry_id)
    refused = await api.post("/refunds", cafe.secret, {"receipt": "R-9"})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "already_reversed"
    assert await _balances(api, cafe) == (0, 0)


async def test_a_refund_needs_the_earn_scope_and_a_store_key_refunds_its_own(
    api: ApiClient,
) -> None:
    cafe = await open_cafe(api, cooldown="0")
    gare = await cafe.shop.add_store("Gare")
    owner = cafe.shop.owner.user_id
    await api.post(f"/cards/{cafe.card.number}/earn", cafe.secret, {"stamps": 2, "receipt": "A"})
    reader = await api.service.api_keys.create_key(owner, "reader", frozenset({Scope.READ}))
    refused = await api.post("/refunds", reader.secret, {"receipt": "A"})
    assert refused.status_code == 403
    assert refused.json()["error"] == {
        "code": "scope_missing",
        "scope": "earn",
        "message": refused.json()["error"]["message"],
    }
    gare_till = await api.service.api_keys.create_key(
        owner, "gare-till", frozenset({Scope.EARN}), gare.name
    )
    elsewhere = await api.post("/refunds", gare_till.secret, {"receipt": "A"})
    assert elsewhere.status_code == 403
    assert elsewhere.json()["error"]["code"] == "receipt_of_other_store"
    assert elsewhere.json()["error"]["store_name"] == cafe.shop.first_store.name
    no_key = await api.post("/refunds", cafe.secret, {"receipt": "A"}, idempotency_key=None)
    assert no_key.status_code == 400
    assert no_key.json()["error"]["code"] == "idempotency_key_missing"
    anonymous = await api.post("/refunds", None, {"receipt": "A"})
    assert anonymous.status_code == 401
    assert await _balances(api, cafe) == (2, 0)
    # The café's own key (every store) refunds it.
    done = await api.post("/refunds", cafe.secret, {"receipt": "A"})
    assert done.status_code == 200, done.text
    assert await _balances(api, cafe) == (0, 0)
