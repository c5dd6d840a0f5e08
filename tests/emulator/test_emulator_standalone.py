"""``python -m emulator`` in a child process, driven through its JSON control API."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, RetryAfter

from emulator.client import spawn_emulator

pytestmark = pytest.mark.workers


async def test_standalone_emulator_is_driven_over_http() -> None:
    async with (
        spawn_emulator("777:STANDALONE", "bench_bot") as tg,
        Bot("777:STANDALONE", base_url=tg.base_url) as bot,
    ):
        assert (await bot.get_me()).username == "bench_bot"
        alice = await tg.user(1001, "Alice", language_code="fr")
        update_id = await alice.send("/start")

        (update,) = await bot.get_updates(timeout=2)
        assert update.update_id == update_id
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Redeem", callback_data="r")]])
        await bot.send_message(alice.id, "<i>Card</i> 3/10", parse_mode="HTML", reply_markup=markup)
        reply = await alice.next_message(timeout=5)
        assert (reply.text, reply.buttons[0][0].callback_data) == ("Card 3/10", "r")

        query_id = await alice.press(reply, "Redeem")
        (press,) = await bot.get_updates(offset=update_id + 1, timeout=2)
        assert press.callback_query is not None and press.callback_query.id == query_id
        await bot.get_updates(offset=press.update_id + 1)
        await tg.wait_idle(timeout=5, quiet=0)

        await tg.fail_next("sendMessage", status=429, retry_after=2)
        try:
            await bot.send_message(alice.id, "flood")
        except RetryAfter as error:
            assert error.retry_after == dt.timedelta(seconds=2)
        else:
            raise AssertionError("the injected 429 did not arrive")
        try:
            await bot.send_message(alice.id, "Hi <Alice>", parse_mode="HTML")
        except BadRequest as error:
            assert "unsupported start tag" in error.message.lower()

        stats = await tg.stats()
        assert stats["updates"] == 2 and stats["pending"] == 0
        assert stats["latency"]["count"] == 1
