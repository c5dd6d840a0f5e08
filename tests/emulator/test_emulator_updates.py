"""getUpdates semantics: long polling, offsets, re-delivery, conflicts."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest
from telegram import Bot
from telegram.error import Conflict

from emulator import BotApiEmulator


async def test_long_poll_returns_as_soon_as_an_update_arrives(tg: BotApiEmulator, bot: Bot) -> None:
    alice = tg.user(1001, "Alice", language_code="de-CH")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()

    started = time.monotonic()
    await alice.send("/start join_abc123")
    (update,) = await poll

    assert time.monotonic() - started < 1.0
    assert update.message is not None and update.message.text == "/start join_abc123"
    assert update.message.from_user is not None
    assert update.message.from_user.language_code == "de-CH"
    assert [(e.type, e.offset, e.length) for e in update.message.entities] == [
        ("bot_command", 0, 6)
    ]


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=dt.timedelta(seconds=0.3)) == ()
    assert 0.3 <= time.monotonic() - started < 2


async def test_unconfirmed_updates_are_redelivered_until_offset_confirms(
    tg: BotApiEmulator, bot: Bot
) -> None:
    alice = tg.user(1001, "Alice")
    first = await alice.send("one")
    second = await alice.send("two")

    assert [u.update_id for u in await bot.get_updates()] == [first, second]
    # A bot that crashed before confirming gets the same updates again.
    assert [u.update_id for u in await bot.get_updates()] == [first, second]
    assert [u.update_id for u in await bot.get_updates(offset=second)] == [second]
    assert await bot.get_updates(offset=second + 1) == ()
    assert tg.pending_updates == 0
    third = await alice.send("three")
    assert third > second  # update ids only grow


async def test_limit_and_negative_offset(tg: BotApiEmulator, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    ids = [await alice.send(str(i)) for i in range(5)]

    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
    assert [u.update_id for u in await bot.get_updates(offset=-2)] == ids[-2:]
    assert tg.pending_updates == 2  # the older ones were forgotten


async def test_allowed_updates_filters_kinds(tg: BotApiEmulator, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    await alice.send("hello")
    tg.block(alice)  # Telegram tells the bot with my_chat_member updates
    tg.unblock(alice)
    updates = await bot.get_updates(allowed_updates=["my_chat_member"])
    changes = [u.my_chat_member for u in updates]
    assert [(c.old_chat_member.status, c.new_chat_member.status) for c in changes if c] == [
        ("member", "kicked"),
        ("kicked", "member"),
    ]
    assert len(updates) == 2  # the text message was dropped


async def test_second_poll_terminates_the_first_with_409(tg: BotApiEmulator, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    # A second bot instance with the same token, as when two processes run by mistake.
    async with Bot(tg.token, base_url=tg.base_url) as second_instance:
        second = asyncio.create_task(second_instance.get_updates(timeout=dt.timedelta(seconds=0.5)))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first
        assert await second == ()


async def test_get_updates_conflicts_with_an_active_webhook(tg: BotApiEmulator, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(Conflict, match="terminated by setWebhook request"):
        await poll
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    assert (await bot.get_webhook_info()).url == "http://127.0.0.1:9/hook"
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_redeliver_hands_a_confirmed_update_over_again(tg: BotApiEmulator, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    update_id = await alice.send("/stamp 1234")
    (original,) = await bot.get_updates()
    assert await bot.get_updates(offset=update_id + 1) == ()

    tg.redeliver(update_id)
    (again,) = await bot.get_updates(offset=update_id + 1)
    assert again.to_dict() == original.to_dict()
    assert await bot.get_updates(offset=update_id + 1) == ()


async def test_wait_idle_and_timings(tg: BotApiEmulator, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    update_id = await alice.send("hi")
    with pytest.raises(TimeoutError, match="1 pending updates"):
        await tg.wait_idle(timeout=0.2)
    await bot.get_updates(offset=update_id + 1)
    await bot.send_message(alice.id, "hello")
    await tg.wait_idle(timeout=2)

    (timing,) = tg.timings()
    assert timing.update_id == update_id
    assert timing.confirmed_at is not None and timing.first_reply_at is not None
    assert tg.latencies() == [timing.first_reply_at - timing.available_at]
    assert tg.stats()["latency"]["count"] == 1
    assert (await alice.next_message()).text == "hello"
