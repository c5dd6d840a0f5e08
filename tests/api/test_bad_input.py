"""Bad input to the API (types, sizes, nesting, overflow, unicode, missing headers, wrong
content types), on every endpoint: always a 4xx in the one error shape, never a 5xx, and
nothing changes."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select

from domain.apikeys import Scope
from domain.db.tables import ApiKey, Card, LedgerEntry
from tests.support.api import ApiClient, open_cafe

BAD_BODIES: list[Any] = [
    None,
    [],
    "stamps",
    1,
    {},
    {"stamps": None},
    {"stamps": 0},
    {"stamps": -1},
    {"stamps": 1.0},
    {"stamps": True},
    {"stamps": 2**64},
    {"stamps": 10**400},
    {"stamps": [1]},
    {"stamps": {"n": 1}},
    {"amount": 12.5},
    {"amount": "12,50"},
    {"amount": "1e3"},
    {"amount": "NaN"},
    {"amount": "-1"},
    {"amount": "0"},
    {"amount": "0.001"},
    {"amount": "99999999.99"},
    {"amount": "١٢"},  # Arabic-Indic digits
    {"stamps": 1, "receipt": ""},
    {"stamps": 1, "receipt": "x" * 65},
    {"stamps": 1, "receipt": "a\u0000b"},
    {"stamps": 1, "receipt": 7},
    {"stamps": 1, "store": "Gare"},
    {"a": {"b": {"c": {"d": [[[[[[[[[[]]]]]]]]]]}}}},
]


async def test_bad_bodies_are_refused_without_a_5xx_and_change_nothing(api: ApiClient) -> None:
    cafe = await open_cafe(api, type="hybrid", cooldown="0")
    path = f"/cards/{cafe.card.number}/earn"
    for body in BAD_BODIES:
        answer = await api.post(path, cafe.secret, body)
        assert 400 <= answer.status_code < 500, (body, answer.status_code, answer.text)
        assert set(answer.json()) == {"error"}, body
        assert answer.json()["error"]["code"], body
    raw: list[tuple[bytes, dict[str, str | bytes]]] = [
        (b"", {}),
        (b"{", {}),
        (b"\xff\xfe", {}),
        (b"[" * 100_000 + b"]" * 100_000, {}),
        (b'{"stamps": 1}' + b" " * 20_000, {}),
        (b'{"stamps": 1}', {"Idempotency-Key": ""}),
        (b'{"stamps": 1}', {"Idempotency-Key": "x" * 256}),
        (b'{"stamps": 1}', {"Authorization": "Basic abc"}),
        (b'{"stamps": 1}', {"Authorization": "Bearer"}),
        (b'{"stamps": 1}', {"Authorization": "Bearer lk_été".encode()}),
        (b'{"stamps": 1}', {"Idempotency-Key": "clé".encode()}),
    ]
    for content, headers in raw:
        answer = await api.http.post(
            f"{api.base_url}/api/v1{path}",
            content=content,
            headers={
                "Authorization": f"Bearer {cafe.secret}",
                "Idempotency-Key": "k-raw",
                "Content-Type": "application/json",
                **headers,
            },
        )
        assert 400 <= answer.status_code < 500, (content[:40], headers, answer.text)
        assert answer.json()["error"]["code"]
    for ref in ("%00", "%F0%9F%98%80", "x" * 600, "card_" + "é" * 30, "1" * 40, "%20"):
        answer = await api.get(f"/cards/{ref}", cafe.secret)
        assert answer.status_code == 404, (ref, answer.text)
    card = await api.service.customers.card(cafe.customer.user_id, cafe.card.card_id)
    assert (card.stamp_count, card.points_balance) == (0, 0)


def _nested(depth: int) -> Any:
    value: Any = "x"
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


# Wrong for any body: not an object, empty, unknown or odd keys, deep, long.
ANY_BODY: list[Any] = [
    None,
    True,
    1.5,
    "",
    [],
    {},
    {"": 1},
    {"é": "ü"},
    {"x" * 2000: 1},
    {"\u202e": "\u200b"},
    _nested(300),
    list(range(3000)),
]
# Wrong for one endpoint: its fields' types, ranges, sizes and unicode.
BODIES: dict[str, list[Any]] = {
    "earn": BAD_BODIES,
    "redeem": [
        {"reward": "0"},
        {"reward": -1},
        {"reward": 2**53},
        {"reward": 2**64},
        {"reward": 10**400},
        {"reward": 1.0},
        {"reward": True},
        {"reward": None},
        {"reward": 0, "unit": "STAMPS"},
        {"reward": 0, "unit": "étoiles"},
        {"points": 0},
        {"points": -5},
        {"points": 2**63},
        {"points": "5"},
        {"points": [5]},
        {"unit": "points"},
        {"reward": 0, "points": 1},
    ],
    "refunds": [
        {"receipt": ""},
        {"receipt": "x" * 65},
        {"receipt": "é" * 65},
        {"receipt": 7},
        {"receipt": 2**64},
        {"receipt": None},
        {"receipt": ["R-1"]},
        {"receipt": {"id": "R-1"}},
        {"receipt": "R\n1"},
        {"receipt": "R\u00001"},
        {"receipt": "R-1", "stamps": 1},
        {"receipt": "R-1", "amount": "1.00"},
        {"Receipt": "R-1"},
    ],
}
# Bytes no JSON encoder sends: lone surrogates, broken UTF-8, numbers JSON cannot hold.
RAW_BODIES: dict[str, list[bytes]] = {
    "earn": [
        b'{"stamps": 1, "receipt": "\\ud800"}',
        b'{"stamps": NaN}',
        b'{"stamps": Infinity}',
        b'{"stamps": 1e999}',
        b'{"stamps": 1, "stamps": 2}',
    ],
    "redeem": [b'{"points": -0}', b'{"reward": 1' + b"0" * 5000 + b"}", b'{"points": 5.0e0}'],
    "refunds": [
        b'{"receipt": "\\ud800"}',
        b'{"receipt": "\\udfff\\ud800"}',
        b'{"receipt": "R-\xc3"}',
        b'{"receipt": "R-1"',
        b"\xef\xbb\xbf" + b'{"receipt": "\xff"}',
    ],
}
VALID = {"earn": {"stamps": 1}, "redeem": {"points": 1}, "refunds": {"receipt": "R-1"}}
WRONG_CONTENT_TYPES = [
    None,
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/jsonp",
    "application/xml",
]


async def _state(client: ApiClient, merchant_id: int) -> list[tuple[object, ...]]:
    """Everything a request could change: the ledger, the cards, the keys."""
    async with client.service.database.read() as session:
        entries = await session.execute(
            select(
                LedgerEntry.id,
                LedgerEntry.kind,
                LedgerEntry.stamps_delta,
                LedgerEntry.points_delta,
                LedgerEntry.idempotency_key,
                LedgerEntry.receipt,
            )
            .where(LedgerEntry.merchant_id == merchant_id)
            .order_by(LedgerEntry.id)
        )
        cards = await session.execute(
            select(Card.id, Card.stamp_count, Card.points_balance, Card.qr_token, Card.active)
            .where(Card.merchant_id == merchant_id)
            .order_by(Card.id)
        )
        keys = await session.execute(
            select(ApiKey.id, ApiKey.revoked_at)
            .where(ApiKey.merchant_id == merchant_id)
            .order_by(ApiKey.id)
        )
        return [tuple(row) for rows in (entries, cards, keys) for row in rows]


async def test_every_endpoint_refuses_bad_input_with_a_4xx_and_changes_nothing(
    api: ApiClient,
) -> None:
    cafe = await open_cafe(api, type="hybrid", cooldown="0", stamps_target="3")
    card = f"/cards/{cafe.card.number}"
    paths = {"earn": f"{card}/earn", "redeem": f"{card}/redeem", "refunds": "/refunds"}
    # Something to refund and to redeem, so that a body read wrongly would change it.
    await api.post(paths["earn"], cafe.secret, {"stamps": 3, "receipt": "R-1"})
    await api.post(paths["earn"], cafe.secret, {"amount": "20.00", "receipt": "R-2"})
    before = await _state(api, cafe.card.merchant_id)
    answers: list[tuple[str, object, httpx.Response]] = []

    async def send(
        method: str,
        path: str,
        what: object,
        content: bytes | None,
        headers: dict[str, str] | dict[str, str | bytes],
    ) -> None:
        answer = await api.http.request(
            method, f"{api.base_url}/api/v1{path}", content=content, headers=headers
        )
        answers.append((path, what, answer))

    def headers(content_type: str | None = "application/json", **more: str) -> dict[str, str]:
        found = {"Authorization": f"Bearer {cafe.secret}", "Idempotency-Key": "bad-input"}
        if content_type is not None:
            found["Content-Type"] = content_type
        return found | more

    for name, path in paths.items():
        for body in [*ANY_BODY, *BODIES[name]]:
            await send("POST", path, body, json.dumps(body).encode(), headers())
        for raw in RAW_BODIES[name]:
            await send("POST", path, raw, raw, headers())
        # A body the endpoint would act on, so that only the header can refuse it.
        valid = json.dumps(VALID[name])
        for content_type in WRONG_CONTENT_TYPES:
            await send("POST", path, content_type, valid.encode(), headers(content_type))
        for bad_key in ("", "a b", "x" * 256, "ключ".encode()):
            keyed: dict[str, str | bytes] = {**headers(), "Idempotency-Key": bad_key}
            await send("POST", path, bad_key, valid.encode(), keyed)
        no_key = headers()
        del no_key["Idempotency-Key"]
        await send("POST", path, "no Idempotency-Key", valid.encode(), no_key)
        await send("POST", path, "too large", b" " * (17 * 1024) + valid.encode(), headers())
    for path in (card, "/operations", *paths.values()):
        method = "GET" if path in (card, "/operations") else "POST"
        for auth in (
            None,
            "",
            "Bearer",
            "Bearer a b",
            "Basic Zm9vOmJhcg==",
            "Bearer lk_" + "x" * 40,
        ):
            sent = headers()
            if auth is None:
                del sent["Authorization"]
            else:
                sent["Authorization"] = auth
            await send(method, path, f"auth {auth!r}", b'{"receipt": "R-1"}', sent)
        await send(
            method,
            path,
            "non-ASCII key",
            b'{"receipt": "R-1"}',
            {"Authorization": "Bearer lk_clé".encode(), "Content-Type": "application/json"},
        )
    for query in (
        "limit=-1",
        "limit=2147483648",
        "limit=9" * 30,
        "limit=%F0%9F%98%80",
        "after=%FF%FE",
        "after=" + "%E2%80%AE" * 10,
        "after=MC4w%00",
        "after=" + "9" * 64,
        "limit=1&limit=1",
        "LIMIT=5",
    ):
        await send("GET", f"/operations?{query}", query, None, headers(None))
    failures = 0
    for ref in ("%00", "%F0%9F%98%80", "x" * 600, "card_" + "é" * 30, "1" * 40, "%20", "..%2F"):
        # Unknown cards use up this key's look-up budget (which is what they should do): a
        # key of its own, so that the other refusals above answer for themselves.
        guesser = await api.service.api_keys.create_key(
            cafe.shop.owner.user_id, f"guess-{failures}", frozenset({Scope.READ})
        )
        failures += 1
        answer = await api.get(f"/cards/{ref}", guesser.secret)
        answers.append((f"/cards/{ref}", ref, answer))

    server_errors = [(p, w, a.status_code) for p, w, a in answers if a.status_code >= 500]
    assert server_errors == []
    for path, what, answer in answers:
        assert 400 <= answer.status_code < 500, (path, what, answer.status_code, answer.text)
        error = answer.json()["error"]
        assert error["code"] and error["message"], (path, what)
        assert set(answer.json()) == {"error"}, (path, what)
    assert {p.split("?")[0] for p, _, _ in answers} >= {*paths.values(), card, "/operations"}
    after = await _state(api, cafe.card.merchant_id)
    keys_added = failures
    assert after[: len(after) - keys_added] == before  # only the guessers' keys are new
