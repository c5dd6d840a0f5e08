"""Reading a card and earning on it through the API (PRODUCT.md §12), over real HTTP on both
engines: the counter's rules and refusals, idempotent writes, keys revoked at once, and one
café's key blind to another café's cards."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from urllib.parse import quote

from domain.apikeys import Scope
from domain.model import LOOKUP_FAILURE_LIMIT, LOOKUP_FAILURE_WINDOW
from tests.support.api import ApiClient, Cafe, open_cafe
from tests.support.chat import say
from tests.support.running_bot import BOT_USERNAME
from tests.support.scenario import new_profile


async def _balances(client: ApiClient, cafe: Cafe) -> tuple[int, int]:
    card = await client.service.customers.card(cafe.customer.user_id, cafe.card.card_id)
    return card.stamp_count, card.points_balance


def _no_person_in(cafe: Cafe, text: str) -> None:
    assert "Clara" not in text
    assert str(cafe.customer.user_id) not in text


async def test_a_card_is_read_by_number_qr_payload_or_link_without_its_holder(
    api: ApiClient,
) -> None:
    cafe = await open_cafe(api, type="hybrid")
    token = cafe.card.qr_token
    link = f"https://t.me/{BOT_USERNAME}?start=card_{token}"
    spaced = " ".join(cafe.card.number[i : i + 3] for i in range(0, 12, 3))
    for ref in (cafe.card.number, quote(spaced), f"card_{token}", quote(link, safe="")):
        answer = await api.get(f"/cards/{ref}", cafe.secret)
        assert answer.status_code == 200, (ref, answer.text)
        card = answer.json()["card"]
        assert card["number"] == cafe.card.display_number
        assert (card["programme"], card["stamps"], card["points"]) == ("hybrid", 0, 0)
        assert card["valid_at"] == {"cafe": "Café Lux", "store": None}
        assert {r["unit"] for r in card["rewards"]} == {"stamps", "points"}
        assert all(not r["ready"] and r["to_go"] == r["cost"] for r in card["rewards"])
        _no_person_in(cafe, answer.text)
        assert answer.headers["cache-control"] == "no-store"


async def test_earning_follows_the_counters_rules_and_tells_the_customer(
    api: ApiClient,
) -> None:
    # A happy hour on Tuesday mornings (the tests' clock: Tuesday 10:00 in Luxembourg).
    cafe = await open_cafe(
        api, type="hybrid", cooldown="30", happy_hour="tue 09:00-12:00 x2", points_per_euro="1"
    )
    customer = api.running.tg.user(cafe.customer.user_id, "Clara")
    await say(customer, "/card")  # the customer has a chat with the bot
    done = await api.post(f"/cards/{cafe.card.number}/earn", cafe.secret, {"stamps": 1})
    assert done.status_code == 200, done.text
    answer = done.json()
    assert (answer["operation"]["kind"], answer["operation"]["stamps"]) == ("stamp", 2)
    assert answer["operation"]["happy_hour_extra"] == 1
    assert (answer["card"]["stamps"], answer["replayed"]) == (2, False)
    _no_person_in(cafe, done.text)

    # The cooldown holds for the till as for the cashier: typed, with its figures.
    again = await api.post(f"/cards/{cafe.card.number}/earn", cafe.secret, {"stamps": 1})
    assert again.status_code == 409
    error = again.json()["error"]
    assert (error["code"], error["minutes_left"]) == ("cooldown", 30)
    assert "30" in error["message"]

    # Points for a purchase, doubled by the happy hour too; the receipt earns once.
    body = {"amount": "12.50", "receipt": "R-0001"}
    points = await api.post(f"/cards/{cafe.card.number}/earn", cafe.secret, body)
    assert points.status_code == 200, points.text
    assert (points.json()["operation"]["points"], points.json()["operation"]["amount"]) == (
        24,
        "12.50",
    )
    reused = await api.post(f"/cards/{cafe.card.number}/earn", cafe.secret, body)
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "receipt_used"
    assert await _balances(api, cafe) == (2, 24)

    # The customer hears of it as from the counter.
    notice = await customer.next_message(timeout=10)
    assert "Café Lux" in notice.content and "2" in notice.content, notice.content
    assert await api.service.maintenance.invariant_breaches() == []


async def test_refusals_have_one_shape_and_change_nothing(api: ApiClient) -> None:
    cafe = await open_cafe(api, type="stamps", daily_limit="1", cooldown="0")
    earn = f"/cards/{cafe.card.number}/earn"
    cases = [
        (await api.post(earn, None, {"stamps": 1}), 401, "unauthorized"),
        (await api.post(earn, "lk_" + "x" * 43, {"stamps": 1}), 401, "unauthorized"),
        (await api.post(earn, cafe.secret, {"stamps": 1}, idempotency_key=None), 400, None),
        (await api.post(earn, cafe.secret, {"stamps": "1"}), 422, "invalid_body"),
        (await api.post(earn, cafe.secret, {"stamps": 1, "amount": "2"}), 422, None),
        (await api.post(earn, cafe.secret, {"stamps": 1, "name": "x"}), 422, None),
        (await api.post(earn, cafe.secret, {"stamps": 11}), 422, "invalid_stamp_count"),
        (await api.post(earn, cafe.secret, {"amount": "5.00"}), 422, "points_not_in_program"),
        (await api.post("/cards/999999999999/earn", cafe.secret, {"stamps": 1}), 404, None),
        (await api.get("/cards/12345", cafe.secret), 404, "card_not_found"),
    ]
    raw = await api.http.post(
        f"{api.base_url}/api/v1{earn}",
        content=b"{not json",
        headers={
            "Authorization": f"Bearer {cafe.secret}",
            "Idempotency-Key": "k-1",
            "Content-Type": "application/json",
        },
    )
    cases.append((raw, 400, "invalid_json"))
    for answer, status, code in cases:
        assert answer.status_code == status, (answer.request.content, answer.text)
        error = answer.json()["error"]
        assert isinstance(error["message"], str) and error["message"]
        if code is not None:
            assert error["code"] == code, answer.text
    assert await _balances(api, cafe) == (0, 0)

    # The daily limit: one stamp today, then a typed refusal.
    assert (await api.post(earn, cafe.secret, {"stamps": 1})).status_code == 200
    limit = await api.post(earn, cafe.secret, {"stamps": 1})
    assert limit.status_code == 409
    assert limit.json()["error"]["code"] == "daily_limit"
    assert limit.json()["error"]["daily_limit"] == 1
    assert await _balances(api, cafe) == (1, 0)


async def test_a_key_does_only_what_its_scopes_allow(api: ApiClient) -> None:
    cafe = await open_cafe(api, scopes=frozenset({Scope.READ}))
    read = await api.get(f"/cards/{cafe.card.number}", cafe.secret)
    assert read.status_code == 200
    earn = await api.post(f"/cards/{cafe.card.number}/earn", cafe.secret, {"stamps": 1})
    assert earn.status_code == 403
    assert earn.json()["error"] | {"message": ""} == {
        "code": "scope_missing",
        "message": "",
        "scope": "earn",
    }
    assert await _balances(api, cafe) == (0, 0)


async def test_the_same_idempotency_key_answers_once_and_refuses_another_body(
    api: ApiClient,
) -> None:
    cafe = await open_cafe(api, type="hybrid", cooldown="0")
    earn = f"/cards/{cafe.card.number}/earn"
    key = str(uuid.uuid4())
    first = await api.post(earn, cafe.secret, {"stamps": 2}, idempotency_key=key)
    assert first.status_code == 200
    # Retried, also with the fields in another order and concurrently: the first answer.
    retries = await asyncio.gather(
        *(api.post(earn, cafe.secret, {"stamps": 2}, idempotency_key=key) for _ in range(3))
    )
    for retry in retries:
        assert retry.status_code == 200
        assert retry.headers["idempotent-replayed"] == "true"
        assert retry.json()["replayed"] is True
        assert retry.json()["operation"] == first.json()["operation"]
        assert retry.json()["card"] == first.json()["card"]
    assert await _balances(api, cafe) == (2, 0)

    # The same key with another body, or on another card: 409, and nothing changes.
    other = await api.post(earn, cafe.secret, {"stamps": 3}, idempotency_key=key)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    otto = new_profile("Otto")
    second = (await api.service.customers.enrol(otto, cafe.shop.first_store.code)).card
    moved = await api.post(
        f"/cards/{second.number}/earn", cafe.secret, {"stamps": 2}, idempotency_key=key
    )
    assert moved.status_code == 409
    assert moved.json()["error"]["code"] == "idempotency_key_reused"
    assert await _balances(api, cafe) == (2, 0)

    # Two keys of the café (two tills) never meet: the same header is two requests.
    other_till = await api.service.api_keys.create_key(
        cafe.shop.owner.user_id, "till-2", frozenset({Scope.EARN})
    )
    own = await api.post(earn, other_till.secret, {"stamps": 2}, idempotency_key=key)
    assert (own.status_code, own.json()["replayed"]) == (200, False)
    assert await _balances(api, cafe) == (4, 0)


async def test_a_revoked_key_is_refused_at_once(api: ApiClient) -> None:
    cafe = await open_cafe(api)
    path = f"/cards/{cafe.card.number}"
    assert (await api.get(path, cafe.secret)).status_code == 200
    await api.service.api_keys.revoke_key(cafe.shop.owner.user_id, "till")
    refused = await api.get(path, cafe.secret)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
    assert refused.headers["www-authenticate"].startswith("Bearer")
    earn = await api.post(f"{path}/earn", cafe.secret, {"stamps": 1})
    assert earn.status_code == 401
    assert await _balances(api, cafe) == (0, 0)


async def test_a_key_of_another_cafe_cannot_see_or_stamp_this_cafes_card(
    api: ApiClient,
) -> None:
    ours = await open_cafe(api, "Café Lux")
    theirs = await open_cafe(api, "Bistro Nord")
    for ref in (ours.card.number, f"card_{ours.card.qr_token}"):
        seen = await api.get(f"/cards/{ref}", theirs.secret)
        assert seen.status_code == 404
        assert seen.json()["error"]["code"] == "card_not_found"
        _no_person_in(ours, seen.text)
        earn = await api.post(f"/cards/{ref}/earn", theirs.secret, {"stamps": 1})
        assert earn.status_code == 404
    assert await _balances(api, ours) == (0, 0)


async def test_a_store_key_reaches_only_its_stores_cards(api: ApiClient) -> None:
    cafe = await open_cafe(api, cross_location="off")
    gare = await cafe.shop.add_store("Gare")
    key = await api.service.api_keys.create_key(
        cafe.shop.owner.user_id, "gare-till", frozenset({Scope.READ}), "Gare"
    )
    answer = await api.get(f"/cards/{cafe.card.number}", key.secret)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "card_of_other_store"
    assert gare.name == "Gare"


async def test_a_replay_answers_as_the_first_time_with_the_bonuses_it_paid(
    api: ApiClient,
) -> None:
    cafe = await open_cafe(api, type="stamps", cooldown="0", welcome_bonus="2")
    earn = f"/cards/{cafe.card.number}/earn"
    first = await api.post(earn, cafe.secret, {"stamps": 1}, idempotency_key="visit-1")
    assert first.status_code == 200, first.text
    assert first.json()["operation"]["bonuses"] == [{"kind": "welcome", "stamps": 2, "points": 0}]
    assert first.json()["card"]["stamps"] == 3
    again = await api.post(earn, cafe.secret, {"stamps": 1}, idempotency_key="visit-1")
    assert again.json()["operation"] == first.json()["operation"]
    assert again.json()["card"] == first.json()["card"]
    assert again.json()["replayed"] is True
    assert await _balances(api, cafe) == (3, 0)


async def test_one_receipt_or_one_key_on_two_cards_at_once_earns_once(api: ApiClient) -> None:
    cafe = await open_cafe(api, type="hybrid", cooldown="0", points_per_euro="1")
    otto = new_profile("Otto")
    second = (await api.service.customers.enrol(otto, cafe.shop.first_store.code)).card
    cards = (cafe.card.number, second.number)

    receipts = await asyncio.gather(
        *(
            api.post(f"/cards/{n}/earn", cafe.secret, {"amount": "5.00", "receipt": "R-7"})
            for n in cards
        )
    )
    assert sorted(r.status_code for r in receipts) == [200, 409]
    refused = next(r for r in receipts if r.status_code == 409)
    assert refused.json()["error"]["code"] == "receipt_used"

    keyed = await asyncio.gather(
        *(
            api.post(f"/cards/{n}/earn", cafe.secret, {"stamps": 1}, idempotency_key="same")
            for n in cards
        )
    )
    assert sorted(r.status_code for r in keyed) == [200, 409]
    refused = next(r for r in keyed if r.status_code == 409)
    assert refused.json()["error"]["code"] == "idempotency_key_reused"
    assert await api.service.maintenance.invariant_breaches() == []
    ours = await _balances(api, cafe)
    theirs = await api.service.customers.card(otto.user_id, second.card_id)
    assert ours[1] + theirs.points_balance == 5
    assert ours[0] + theirs.stamp_count == 1


async def test_a_key_guessing_card_numbers_is_stopped_like_a_cashier(api: ApiClient) -> None:
    cafe = await open_cafe(api, cooldown="0")
    other_till = await api.service.api_keys.create_key(
        cafe.shop.owner.user_id, "till-2", frozenset({Scope.READ})
    )
    for guess in range(LOOKUP_FAILURE_LIMIT):
        miss = await api.get(f"/cards/{100000000000 + guess}", cafe.secret)
        assert miss.status_code == 404
    stopped = await api.get(f"/cards/{cafe.card.number}", cafe.secret)
    assert stopped.status_code == 429
    assert stopped.json()["error"]["code"] == "too_many_failed_lookups"
    assert (
        int(stopped.headers["retry-after"]) == stopped.json()["error"]["retry_after_minutes"] * 60
    )
    earn = await api.post(f"/cards/{cafe.card.number}/earn", cafe.secret, {"stamps": 1})
    assert earn.status_code == 429
    # The key's budget is its own: another key, and the café's cashiers, go on.
    assert (await api.get(f"/cards/{cafe.card.number}", other_till.secret)).status_code == 200
    cashier = await cafe.shop.hire("Cara")
    await api.service.counter.stamp(cashier.user_id, cafe.card.number)
    api.running.clock.advance(LOOKUP_FAILURE_WINDOW + timedelta(seconds=1))
    assert await api.service.maintenance.forget_old_lookup_failures() == LOOKUP_FAILURE_LIMIT
    assert (await api.get(f"/cards/{cafe.card.number}", cafe.secret)).status_code == 200
