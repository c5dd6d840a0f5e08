"""Who may call what on the Mini App's API: the bot's own roles, and nothing else authenticates.

Each refused call is checked to change nothing: balances, ledger, programme, staff, invites.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest

from domain.model import UserProfile
from domain.offers import AudienceKind
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import Shop, new_profile, open_shop


async def _world(client: MiniAppClient) -> dict[str, Any]:
    service = client.running.service
    shop = await open_shop(service, "Café Lux", cross_location="off")
    second = await shop.add_store("Lux Gare")
    cashier = await shop.hire("Cara", shop.first_store)
    other_store = await shop.hire("Otto", second)
    revoked = await shop.hire("Rita", shop.first_store)
    await service.staff.revoke(shop.owner.user_id, 3)
    other: Shop = await open_shop(service, "Bäckerei Nord")
    rival = await other.hire("Ralf")
    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, card.number, 3, idempotency_key="seed")
    await service.consent.set_offers(customer.user_id, None, True)
    owner = shop.owner.user_id
    draft = await service.offers.draft(owner, "Two for one")
    await service.offers.choose_audience(owner, draft.offer_id, AudienceKind.ALL)
    return {
        "shop": shop,
        "reward": (await service.rewards.ladder(owner)).rewards[0].reward_id,
        "offer": draft.offer_id,
        "card": card,
        "cashier": cashier,
        "customer": customer,
        "actors": {
            "stranger": new_profile("Stan"),
            "customer": customer,
            "other merchant's staff": rival,
            "other store's staff": other_store,
            "revoked staff": revoked,
        },
    }


async def _snapshot(client: MiniAppClient, world: dict[str, Any]) -> tuple[object, ...]:
    service = client.running.service
    shop: Shop = world["shop"]
    owner = shop.owner.user_id
    card = await service.customers.card(world["customer"].user_id, world["card"].card_id)
    history = await service.customers.history(world["customer"].user_id, card.card_id)
    return (
        (card.stamp_count, card.points_balance, card.active),
        [line.entry_id for line in history.lines],
        await service.merchants.program(owner),
        [(m.user_id, m.membership_id) for m in await service.staff.list_staff(owner)],
        len(await service.merchants.stores(owner)),
        await service.rewards.ladder(owner),
        await service.offers.recent(owner),
        await service.api_keys.keys(owner),
        await service.brand.of_merchant(shop.first_store.merchant_id),
    )


def _counter_calls(world: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    number, token = world["card"].number, world["card"].qr_token
    link = f"https://t.me/loyalty_test_bot?start=card_{token}"
    return [
        ("lookup", {"reference": number}),
        ("lookup", {"reference": link}),
        ("stamp", {"reference": number, "n": 1, "key": uuid.uuid4().hex}),
        ("stamp", {"reference": link, "n": 2, "key": uuid.uuid4().hex}),
        ("redeem", {"reference": number, "reward": "stamps", "key": uuid.uuid4().hex}),
        ("points", {"reference": number, "amount": "12,50", "key": uuid.uuid4().hex}),
        ("undo", {}),
    ]


def _owner_calls(world: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("business", {}),
        ("summary", {"period": "week"}),
        ("setting", {"key": "stamps_target", "value": "3"}),
        ("setting", {"key": "cross_location", "value": "on", "confirm_merge": True}),
        ("poster", {"store": world["shop"].first_store.code}),
        ("invite", {}),
        ("revoke", {"number": 1, "membership": 1}),
        ("export", {"days": 30}),
        ("rewards", {}),
        ("reward_add", {"cost": "7", "name": "Free cake"}),
        ("reward_rename", {"reward": world["reward"], "name": "Free tea"}),
        ("reward_cost", {"reward": world["reward"], "cost": "4"}),
        ("reward_name_in", {"reward": world["reward"], "language": "fr", "name": "Thé offert"}),
        ("reward_remove", {"reward": world["reward"]}),
        ("offers", {}),
        ("offer_preview", {"text": "Hello", "audience": "all"}),
        ("offer_send", {"offer": world["offer"]}),
        ("apikeys", {}),
        ("apikey_create", {"name": "till", "scopes": ["read"]}),
        ("apikey_revoke", {"name": "till"}),
        ("look_colour", {"colour": "#1f5fa8"}),
        ("look_colour", {"colour": "red"}),  # refused as not the owner's before as no code
        ("look_symbol", {"symbol": "star"}),
        ("look_symbol", {"symbol": "abc"}),
        ("look_default", {"part": "colour"}),
    ]


def _card_calls(world: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    card_id = world["card"].card_id
    return [
        ("qr", {"card": card_id}),
        ("history", {"card": card_id}),
        ("stores", {"card": card_id}),
    ]


ACTORS = [
    "stranger",
    "customer",
    "other merchant's staff",
    "other store's staff",
    "revoked staff",
]


@pytest.mark.parametrize("actor", ACTORS)
async def test_nobody_but_the_bots_roles_gets_through(miniapp: MiniAppClient, actor: str) -> None:
    world = await _world(miniapp)
    person: UserProfile = world["actors"][actor]
    before = await _snapshot(miniapp, world)
    calls = _counter_calls(world) + _owner_calls(world)
    if actor != "customer":
        calls += _card_calls(world)
    for name, body in calls:
        response = await miniapp.call(name, person, body)
        assert response.status_code in (403, 409), (actor, name, response.status_code)
        answer = response.json()
        assert answer["ok"] is False and answer["message"], (actor, name)
        assert "Traceback" not in response.text
    assert await _snapshot(miniapp, world) == before
    # The customer reaches their own card, and only through the initData's user id.
    if actor == "customer":
        for name, body in _card_calls(world):
            assert (await miniapp.call(name, person, body)).status_code == 200


async def test_a_cashier_gets_nothing_of_the_owners_tab(miniapp: MiniAppClient) -> None:
    world = await _world(miniapp)
    before = await _snapshot(miniapp, world)
    for name, body in _owner_calls(world):
        response = await miniapp.call(name, world["cashier"], body)
        assert response.status_code == 403, (name, response.status_code)
        assert response.json()["message"], name
    assert await _snapshot(miniapp, world) == before


async def test_without_valid_init_data_nothing_is_answered(miniapp: MiniAppClient) -> None:
    world = await _world(miniapp)
    before = await _snapshot(miniapp, world)
    cashier: UserProfile = world["cashier"]
    good = miniapp.init_data(cashier)
    forged = good.replace(
        f"%22id%22%3A{cashier.user_id}", f"%22id%22%3A{world['shop'].owner.user_id}"
    )
    assert forged != good
    headers: list[dict[str, str | bytes]] = [
        {},
        {"Authorization": good},  # no "tma" scheme
        {"Authorization": "Bearer " + good},
        {"Authorization": "tma " + forged},  # someone else's id, the cashier's signature
        {"Authorization": "tma " + good + "&user=%7B%22id%22%3A1%7D"},
        # A hash that is no hex at all (it once raised inside compare_digest: a 500 per call).
        {"Authorization": "tma " + re.sub(r"hash=[0-9a-f]+", "hash=%C3%A9%C3%A9", good)},
        {"Authorization": ("tma " + re.sub(r"hash=[0-9a-f]+", "hash=é", good)).encode()},
    ]
    for name, body in _counter_calls(world) + _owner_calls(world) + _card_calls(world):
        for header in headers:
            response = await miniapp.http.post(
                f"{miniapp.base_url}/app/api/{name}", json=body, headers=header
            )
            assert response.status_code == 401, (name, header)
            assert "set-cookie" not in response.headers
    assert await _snapshot(miniapp, world) == before


async def test_a_stale_init_data_is_refused(miniapp: MiniAppClient) -> None:
    world = await _world(miniapp)
    old = miniapp.init_data(world["cashier"])
    miniapp.running.clock.advance(timedelta(hours=25))
    response = await miniapp.http.post(
        f"{miniapp.base_url}/app/api/lookup",
        json={"reference": world["card"].number},
        headers={"Authorization": f"tma {old}"},
    )
    assert response.status_code == 401
    fresh = await miniapp.call("lookup", world["cashier"], {"reference": world["card"].number})
    assert fresh.status_code == 200


async def test_the_cashier_and_the_owner_get_through(miniapp: MiniAppClient) -> None:
    """The matrix's other side: the same calls succeed for the roles that may make them."""
    world = await _world(miniapp)
    number = world["card"].number
    cashier: UserProfile = world["cashier"]
    miniapp.running.clock.advance(timedelta(minutes=20))  # past the seed's stamp cooldown
    key = uuid.uuid4().hex
    first = await miniapp.call("stamp", cashier, {"reference": number, "n": 1, "key": key})
    again = await miniapp.call("stamp", cashier, {"reference": number, "n": 1, "key": key})
    assert first.status_code == again.status_code == 200
    card = await miniapp.running.service.customers.card(
        world["customer"].user_id, world["card"].card_id
    )
    assert card.stamp_count == 4  # 3 seeded + 1: the double submit had one effect
    owner = world["shop"].owner
    for name, body in _owner_calls(world)[:3]:
        assert (await miniapp.call(name, owner, body)).status_code == 200, name
    assert (await miniapp.running.service.merchants.program(owner.user_id)).stamps_target == 3
