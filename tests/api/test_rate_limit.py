"""Each API key's requests a minute, over real HTTP on both engines: the request over the limit
gets 429 with Retry-After and the one error shape, changes nothing (no ledger row, no notice,
no webhook event, no idempotency record), concurrent requests never slip past the count, a key's
count is its own, and the next minute hears the key again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from api import standalone_app
from app.runner import running
from bot.config import ConfigError, load_settings
from domain.apikeys import ALL_SCOPES
from domain.clock import ManualClock
from domain.db.tables import LedgerEntry, WebhookEvent
from domain.webhooks import WebhookPolicy
from emulator.driver import BotApiEmulator
from infra.dns import resolve_host
from infra.tables import OutboxMessage
from tests.support.api import ApiClient, open_cafe
from tests.support.running_bot import Running, new_application
from tests.support.servers import serving

LIMIT = 5
LOCAL = WebhookPolicy(allow_http=True)


@pytest.fixture
async def limited(
    tg: BotApiEmulator, database_url: str, clock: ManualClock
) -> AsyncIterator[ApiClient]:
    """The API of a bot whose keys may make LIMIT requests a minute."""
    application = new_application(tg, database_url, clock, api_requests_per_minute=LIMIT)
    async with (
        running(application),
        serving(standalone_app(application)) as base_url,
        httpx.AsyncClient(timeout=20) as http,
    ):
        yield ApiClient(base_url, Running(tg=tg, application=application, clock=clock), http)


async def _rows(client: ApiClient) -> tuple[int, int, int]:
    """Ledger rows, outbox messages and webhook events: what any operation would leave."""
    async with client.service.database.read() as session:
        counts = [
            (await session.execute(select(func.count()).select_from(table))).scalar_one()
            for table in (LedgerEntry, OutboxMessage, WebhookEvent)
        ]
    return counts[0], counts[1], counts[2]


async def test_a_key_over_its_minute_is_refused_with_retry_after_and_nothing_changes(
    limited: ApiClient,
) -> None:
    api, clock = limited, limited.running.clock
    cafe = await open_cafe(api, cooldown="0", daily_limit="0")
    await api.service.webhooks.add_endpoint(
        cafe.shop.owner.user_id, "http://127.0.0.1:9/hook", LOCAL, resolve_host
    )
    number = cafe.card.number
    assert clock.now().second == 0  # the tests' minute starts now: its window is whole

    for _ in range(LIMIT - 1):
        assert (await api.get(f"/cards/{number}", cafe.secret)).status_code == 200
    earned = await api.post(f"/cards/{number}/earn", cafe.secret, {"stamps": 1})
    assert earned.status_code == 200, earned.text
    before = await _rows(api)
    assert before[0] == 1 and before[2] == 1  # the earning and its event: what a write leaves

    clock.advance(timedelta(seconds=15))
    refused = await api.get(f"/cards/{number}", cafe.secret)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "45"
    assert refused.headers["cache-control"] == "no-store"
    assert refused.json() == {
        "error": {
            "code": "rate_limited",
            "message": f"Too many requests from this key: at most {LIMIT} a minute. "
            "Try again in 45 seconds.",
            "limit": LIMIT,
            "retry_after": 45,
        }
    }

    # A write over the limit is refused before its body is read: it does nothing, and its
    # Idempotency-Key is not remembered.
    late = await api.post(f"/cards/{number}/earn", cafe.secret, {"stamps": 2}, "sale-2")
    assert late.status_code == 429 and late.json()["error"]["code"] == "rate_limited"
    unreadable = await api.post(f"/cards/{number}/earn", cafe.secret, {"stamps": "two"})
    assert unreadable.status_code == 429
    assert await _rows(api) == before
    card = await api.service.customers.card(cafe.customer.user_id, cafe.card.card_id)
    assert card.stamp_count == 1

    # Another key of the café has a count of its own.
    other = await api.service.api_keys.create_key(cafe.shop.owner.user_id, "other", ALL_SCOPES)
    assert (await api.get(f"/cards/{number}", other.secret)).status_code == 200

    # The next minute hears the key again; the refused request, sent again, is done once.
    clock.advance(timedelta(seconds=45))
    again = await api.post(f"/cards/{number}/earn", cafe.secret, {"stamps": 2}, "sale-2")
    assert again.status_code == 200, again.text
    assert again.json()["replayed"] is False
    card = await api.service.customers.card(cafe.customer.user_id, cafe.card.card_id)
    assert card.stamp_count == 3


async def test_concurrent_requests_never_slip_past_the_count(limited: ApiClient) -> None:
    api = limited
    cafe = await open_cafe(api)
    answers = await asyncio.gather(
        *(api.get(f"/cards/{cafe.card.number}", cafe.secret) for _ in range(4 * LIMIT))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * LIMIT + [429] * (3 * LIMIT)
    assert {a.headers["retry-after"] for a in answers if a.status_code == 429} == {"60"}


async def test_the_openapi_document_says_the_limit_and_its_header(limited: ApiClient) -> None:
    document = (await limited.get("/openapi.json", None)).json()
    assert f"{LIMIT} requests a minute" in document["info"]["description"]
    for path, operations in document["paths"].items():
        for operation in operations.values():
            if operation.get("security") == []:
                continue  # the document itself: no key, no count
            too_many = operation["responses"]["429"]
            assert "rate_limited" in too_many["description"], path
            assert too_many["headers"]["Retry-After"]["schema"]["type"] == "integer"


@pytest.mark.parametrize("value", ["many", "-1", "2.5", "2000000"])
def test_a_malformed_limit_stops_start_up_with_its_name(value: str) -> None:
    with pytest.raises(ConfigError) as bad:
        load_settings(
            {"TELEGRAM_BOT_TOKEN": "123456:ABCdefGHIjkl", "API_REQUESTS_PER_MINUTE": value}
        )
    assert str(bad.value).startswith("API_REQUESTS_PER_MINUTE is malformed")


def test_the_limit_is_120_unless_set_and_0_means_none() -> None:
    token = {"TELEGRAM_BOT_TOKEN": "123456:ABCdefGHIjkl"}
    assert load_settings(token).api_requests_per_minute == 120
    assert load_settings({**token, "API_REQUESTS_PER_MINUTE": "0"}).api_requests_per_minute == 0
