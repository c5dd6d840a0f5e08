"""`ServingBot.say` (bot/serving.py) sends what `send_message` sends, through the same rate
limiter with the same priority, and answers the sent message's id without building a Message."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest
from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import BaseRateLimiter

from bot.ratelimit import SendPriority
from bot.serving import PLATFORM, ServingBot
from emulator import BotApiEmulator, EmulatedUser
from infra.telegram_http import AiohttpRequest

TOKEN = "123456:TEST-TOKEN"


class RecordingLimiter(BaseRateLimiter[SendPriority]):
    """Lets everything through at once and notes each request's endpoint and priority."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, SendPriority | None]] = []

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: SendPriority | None,
    ) -> Any:
        self.seen.append((endpoint, rate_limit_args))
        return await callback(*args, **kwargs)


@pytest.fixture
async def tg() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(TOKEN, "loyalty_test_bot") as emulator:
        yield emulator


async def test_say_sends_what_send_message_sends(tg: BotApiEmulator) -> None:
    alice: EmulatedUser = tg.user(1001, "Alice", language_code="en", started=True)
    limiter = RecordingLimiter()
    bot = ServingBot(
        TOKEN,
        key=PLATFORM,
        merchant_id=None,
        base_url=tg.base_url,
        base_file_url=tg.base_file_url,
        request=AiohttpRequest(read_timeout=5.0),
        rate_limiter=limiter,
    )
    text = "Ünïcode &amp; <b>bold</b> and <i>more</i>"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Not me", callback_data="nm:7")]])
    async with bot:
        for markup in (None, keyboard, ForceReply(selective=True, input_field_placeholder="5")):
            sent = await bot.send_message(
                alice.id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                rate_limit_args=SendPriority.BACKGROUND,
            )
            said = await bot.say(alice.id, text, markup, priority=SendPriority.BACKGROUND)
            first, second = alice.messages[-2:]
            assert (first.message_id, second.message_id) == (sent.message_id, said)
            assert second.raw | {"message_id": 0, "date": 0} == first.raw | {
                "message_id": 0,
                "date": 0,
            }
            assert second.content == "Ünïcode & bold and more" and second.entities
        replied = await bot.say(alice.id, "a reply")  # no priority: a reply, as send_message's
    assert isinstance(replied, int)
    sends = [seen for seen in limiter.seen if seen[0] == "sendMessage"]
    assert sends == [("sendMessage", SendPriority.BACKGROUND)] * 6 + [("sendMessage", None)]
