"""Webhook mode over real HTTP: the secret header, health, and a story through the webhook."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.webhook import SECRET_HEADER
from tests.support.chat import link_in, say
from tests.support.deployed import SECRET, Deployed


def _update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Web", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_768_294_800,
            "chat": {"id": user_id, "type": "private", "first_name": "Web"},
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 403),
        ({SECRET_HEADER: "wrong"}, 403),
        ({SECRET_HEADER: SECRET[:-1]}, 403),
        ({SECRET_HEADER: SECRET}, 200),
    ],
    ids=["none", "wrong", "prefix", "right"],
)
async def test_the_secret_token_is_checked(
    deployed: Deployed, headers: dict[str, str], status: int
) -> None:
    tg, url = deployed.tg, deployed.url
    tg.user(500, "Web", language_code="en", started=True)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{url}/telegram", json=_update(900_001, 500, "/help"), headers=headers
        )
    assert response.status_code == status
    await asyncio.sleep(0.2)
    replies = [m for m in tg.events(500) if m.kind == "message"]
    assert len(replies) == (1 if status == 200 else 0)


async def test_a_redelivered_webhook_update_is_answered_once(
    deployed: Deployed,
) -> None:
    tg, url = deployed.tg, deployed.url
    tg.user(501, "Web", language_code="en", started=True)
    async with httpx.AsyncClient() as client:
        for _ in range(3):
            response = await client.post(
                f"{url}/telegram",
                json=_update(900_002, 501, "/help"),
                headers={SECRET_HEADER: SECRET},
            )
            assert response.status_code == 200
        bad = await client.post(
            f"{url}/telegram", content=b"not json", headers={SECRET_HEADER: SECRET}
        )
        assert bad.status_code == 400
    assert len([m for m in tg.events(501) if m.kind == "message"]) == 1


async def test_health_reports_the_database(deployed: Deployed) -> None:
    url = deployed.url
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{url}/healthz")
    assert (response.status_code, response.json()) == (200, {"ok": True, "poison_updates": 0})


async def test_a_story_through_the_webhook(deployed: Deployed) -> None:
    tg = deployed.tg
    owner = tg.user(502, "Owner", language_code="en")
    setup = await say(owner, "/setup Webhook Café")
    join = link_in(setup, "join_")
    customer = tg.user(503, "Customer", language_code="en")
    await customer.open_link(join)
    assert "Welcome" in (await customer.next_message()).content
    # Delivered by webhook: the bot never polled.
    assert [call for call in tg.calls if call.method == "getUpdates"] == []
    assert any(call.method == "setWebhook" for call in tg.calls)
