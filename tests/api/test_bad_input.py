"""Bad input to the API (types, sizes, nesting, overflow, unicode, missing headers): always a
4xx in the one error shape, never a 5xx, and nothing changes."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import ApiClient, open_cafe

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
