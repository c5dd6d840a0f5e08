"""Webhook delivery: secret header, retries until 2xx, per-chat order, scale-out targets."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest

from emulator import BotApiEmulator


class Receiver:
    """A bot-side webhook endpoint that records deliveries and fails on demand."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.accepted: list[dict[str, Any]] = []
        self.failures_left = 0
        self.url = ""
        self._wanted = 0
        self._enough = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        self.received.append((update, request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        if self.failures_left > 0:
            self.failures_left -= 1
            return web.Response(status=500)
        self.accepted.append(update)
        if len(self.accepted) >= self._wanted:
            self._enough.set()
        return web.Response(status=200)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock).start()
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_accepted(self, count: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        self._wanted = count
        if len(self.accepted) < count:
            self._enough.clear()
            async with asyncio.timeout(timeout):
                await self._enough.wait()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    endpoint = Receiver()
    await endpoint.start()
    yield endpoint
    await endpoint.stop()


def texts(updates: list[dict[str, Any]]) -> list[str]:
    return [update["message"]["text"] for update in updates]


async def test_updates_are_posted_with_the_secret_header(
    tg: BotApiEmulator, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, secret_token="s3cret_token-1")
    alice = tg.user(1001, "Alice")
    update_id = await alice.send("/card")

    await receiver.wait_accepted(1)
    (update, secret), *_ = receiver.received
    assert secret == "s3cret_token-1"
    assert update["update_id"] == update_id and update["message"]["text"] == "/card"
    await tg.wait_idle(timeout=2, quiet=0)
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == (receiver.url, 0)


async def test_failed_deliveries_are_retried_in_order(
    tg: BotApiEmulator, bot: Bot, receiver: Receiver
) -> None:
    receiver.failures_left = 2
    await bot.set_webhook(receiver.url)
    alice = tg.user(1001, "Alice")
    for text in ("one", "two", "three"):
        await alice.send(text)

    await receiver.wait_accepted(3)
    assert texts(receiver.accepted) == ["one", "two", "three"]
    assert texts([update for update, _ in receiver.received]) == ["one"] * 3 + ["two", "three"]
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"


async def test_backlog_moves_to_the_webhook_when_it_is_set(
    tg: BotApiEmulator, bot: Bot, receiver: Receiver
) -> None:
    alice = tg.user(1001, "Alice")
    await alice.send("queued before setWebhook")
    await bot.set_webhook(receiver.url)
    await receiver.wait_accepted(1)
    assert texts(receiver.accepted) == ["queued before setWebhook"]


async def test_scale_out_targets_share_the_load_and_cover_for_a_dead_one(
    tg: BotApiEmulator, receiver: Receiver
) -> None:
    other = Receiver()
    await other.start()
    try:
        tg.add_webhook_target(receiver.url)
        tg.add_webhook_target(other.url)
        users = [tg.user(1000 + i, f"User {i}") for i in range(6)]
        for user in users:
            await user.send("hi")
        await tg.wait_idle(timeout=5, quiet=0)
        assert len(receiver.accepted) + len(other.accepted) == 6
        assert receiver.accepted and other.accepted
    finally:
        await other.stop()

    # `other` is down now: its share is retried on the live target.
    for user in users:
        await user.send("again")
    await tg.wait_idle(timeout=5, quiet=0)
    assert texts(receiver.accepted).count("again") == 6


async def test_set_webhook_validates_the_secret(tg: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)secret token contains unallowed characters"):
        await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="no spaces allowed")
