"""The Mini App's API against bad input: for every family of calls at least a hundred bodies
(wrong types, missing and extra fields, sizes past the caps, deep nesting, integers past 2^53,
NaN, unicode and control characters, no JSON at all), sent by the person allowed to make the
call. Not one answer is a 5xx, and nothing changes: balances, ledger, programme, staff, stores,
ladder, offers (webapp/bodies.py validates every body before a handler runs)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.miniapp.test_api_authorization import _snapshot, _world
from tests.support.miniapp import MiniAppClient

NESTED = "[" * 16_000  # a RecursionError in the hand-written reader once: a 500
WRONG_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    2**70,
    -(2**70),
    2**53,
    "",
    " ",
    "x" * 20_000,
    "é" * 600,
    "\u0000\u0007\u001b",
    "\ud7ff\ue000🙂",
    "<script>alert(1)</script>",
    [],
    [1, 2],
    {},
    {"$gt": ""},
    [[[[[[[[[[]]]]]]]]]],
]
OPTIONAL = {"unit", "before"}
READERS = {"qr", "history", "summary", "poster"}  # a 200 there changes nothing either
RAW_BODIES = [
    NESTED,
    '{"a":' * 5_000,
    "NaN",
    '{"n": NaN}',
    '{"card": Infinity}',
    "null",
    "[]",
    '"text"',
    "42",
    "{",
    "\x00",
    "{" + '"k":1,' * 4_000 + '"k":1}',
    '{"pad": "' + "x" * 20_000 + '"}',  # past the size cap
]


def _calls(world: dict[str, Any]) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    """Each call with a body its person could send; every variant of it below breaks one field
    (or the whole body), so none may carry the call out."""
    number, card_id = world["card"].number, world["card"].card_id
    key = uuid.uuid4().hex
    return {
        "counter": [
            ("cashier", "stamp", {"reference": number, "n": 1, "key": key}),
            ("cashier", "redeem", {"reference": number, "reward": "stamps", "key": key}),
            ("cashier", "points", {"reference": number, "amount": "12,50", "key": key}),
        ],
        "card": [
            ("customer", "qr", {"card": card_id}),
            ("customer", "history", {"card": card_id, "before": 1}),
            ("customer", "language", {"language": "fr"}),
        ],
        "owner": [
            ("owner", "setting", {"key": "stamps_target", "value": "3"}),
            ("owner", "revoke", {"number": 1, "membership": 1}),
            ("owner", "summary", {"period": "week"}),
            ("owner", "poster", {"store": world["shop"].first_store.code}),
        ],
        "ladder": [
            ("owner", "reward_add", {"cost": "7", "name": "Cake", "unit": "stamps"}),
            ("owner", "reward_cost", {"reward": world["reward"], "cost": "4"}),
            ("owner", "reward_rename", {"reward": world["reward"], "name": "Tea"}),
        ],
        "offers": [
            ("owner", "offer_preview", {"text": "Hello", "audience": "all"}),
            ("owner", "offer_send", {"offer": world["offer"]}),
            ("owner", "offer_preview", {"text": "Hi", "audience": "lapsed", "arg": "30"}),
        ],
        "apikeys": [
            ("owner", "apikey_create", {"name": "till", "scopes": ["read", "earn"]}),
            ("owner", "apikey_create", {"name": "zapier", "scopes": ["redeem"]}),
            ("owner", "apikey_revoke", {"name": "till"}),
        ],
        "look": [
            ("owner", "look_colour", {"colour": "#1f5fa8"}),
            ("owner", "look_symbol", {"symbol": "star"}),
            ("owner", "look_default", {"part": "colour"}),
        ],
    }


def _variants(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Bodies that each break the call: a field of a wrong kind, a field missing (with an extra
    one besides), or every field wrong at once."""
    broken: list[dict[str, Any]] = []
    for field in body:
        for value in WRONG_VALUES:
            if field in OPTIONAL and value is None:
                continue  # leaving it out is allowed (the programme's unit, every store)
            if field in ("name", "text") and isinstance(value, str):
                continue  # any text is a name (the use case answers a bad one, 409)
            broken.append({**body, field: value})
        if field not in OPTIONAL:
            missing = {k: v for k, v in body.items() if k != field}
            broken.append({**missing, "unexpected": "field", "n2": 2**70})
    broken.append({field: [body[field]] for field in body})
    return broken


@pytest.mark.parametrize(
    "family", ["counter", "card", "owner", "ladder", "offers", "apikeys", "look"]
)
async def test_bad_bodies_get_an_answer_and_change_nothing(
    miniapp: MiniAppClient, family: str
) -> None:
    world = await _world(miniapp)
    people = {
        "cashier": world["cashier"],
        "customer": world["customer"],
        "owner": world["shop"].owner,
    }
    before = await _snapshot(miniapp, world)
    sent = 0
    for who, name, body in _calls(world)[family]:
        headers = {"Authorization": f"tma {miniapp.init_data(people[who])}"}
        url = f"{miniapp.base_url}/app/api/{name}"
        for variant in _variants(body):
            raw = json.dumps(variant, allow_nan=True)
            answer = await miniapp.http.post(
                url, content=raw, headers={**headers, "Content-Type": "application/json"}
            )
            sent += 1
            assert answer.status_code < 500, (name, variant, answer.text[:200])
            assert answer.status_code != 200 or name in READERS, (name, variant)
        for raw in RAW_BODIES:
            answer = await miniapp.http.post(
                url, content=raw, headers={**headers, "Content-Type": "application/json"}
            )
            sent += 1
            assert answer.status_code == 400, (name, raw[:40], answer.status_code)
    assert sent >= 100
    assert await _snapshot(miniapp, world) == before
