"""Webhook bodies that are not readable updates get 400 and one log line, never a 500.

Only someone with the secret token can post; still, the app must not crash on a body, and
its log must not repeat what the body said.
"""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from app.webhook import SECRET_HEADER
from tests.support.deployed import SECRET, Deployed

PRIVATE = "Private words of a customer"
MESSAGE = {
    "message_id": 1,
    "date": 1_768_294_800,
    "chat": {"id": 42, "type": "private", "first_name": "Ann"},
    "text": PRIVATE,
}


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


BODIES = {
    "null": b"null",
    "array": b"[]",
    "number": b"123",
    "update_id text": _json({"update_id": "abc", "message": MESSAGE}),
    "update_id 2^70": _json({"update_id": 2**70, "message": MESSAGE}),
    "update_id 2^31": _json({"update_id": 2**31, "message": MESSAGE}),
    "update_id negative": _json({"update_id": -1, "message": MESSAGE}),
    "update_id float": _json({"update_id": 1.5, "message": MESSAGE}),
    "update_id true": _json({"update_id": True, "message": MESSAGE}),
    "message a string": _json({"update_id": 7, "message": PRIVATE}),
    "message unreadable": _json({"update_id": 8, "message": {"text": PRIVATE}}),
    "utf-16": json.dumps({"update_id": 9, "message": MESSAGE}).encode("utf-16"),
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "invalid utf-8": _json({"update_id": 10, "message": MESSAGE}).replace(b"Ann", b"\xffnn"),
}


@pytest.fixture
def engine_name() -> str:
    return "sqlite"  # reading the body happens before the database


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
async def test_an_unreadable_body_gets_400_and_one_log_line(
    deployed: Deployed, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    caplog.clear()
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{deployed.url}/telegram", content=body, headers={SECRET_HEADER: SECRET}
        )
        health = (await client.get(f"{deployed.url}/healthz")).json()
    assert response.status_code == 400
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.exc_info) for r in problems] == [("app.webhook", None)], caplog.text
    assert PRIVATE not in caplog.text and "Ann" not in caplog.text
    assert health["poison_updates"] == 1
    assert deployed.tg.events(42) == []
