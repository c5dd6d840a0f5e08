"""The JSON control API and its client, against an in-process emulator (fast)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, NetworkError

from emulator import BotApiEmulator
from emulator.client import EmulatorClient

pytestmark = pytest.mark.e2e


@pytest.fixture
async def remote() -> AsyncIterator[tuple[BotApiEmulator, EmulatorClient, Bot]]:
    async with (
        BotApiEmulator("42:CONTROL", "control_bot", control_api=True) as tg,
        EmulatorClient(tg.url) as client,
        Bot(tg.token, base_url=client.base_url, base_file_url=client.base_file_url) as bot,
    ):
        yield tg, client, bot


async def test_client_mirrors_the_driver(
    remote: tuple[BotApiEmulator, EmulatorClient, Bot],
) -> None:
    tg, client, bot = remote
    alice = await client.user(1001, "Alice", username="alice", language_code="lb")
    update_id = await alice.send("/card")
    assert tg.get_user(1001).record.username == "alice"

    (update,) = await bot.get_updates()
    assert update.update_id == update_id
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Not me", callback_data="nm:1")]])
    sent = await bot.send_document(alice.id, b"a,b\n", filename="export.csv", reply_markup=keyboard)
    message = await alice.next_message()
    assert (message.document_name, message.document_bytes) == ("export.csv", b"a,b\n")
    assert sent.document is not None
    assert await client.file(sent.document.file_id) == b"a,b\n"

    await alice.press(message, callback_data="nm:1")
    (press,) = await bot.get_updates(offset=update_id + 1)
    assert press.callback_query is not None
    await press.callback_query.answer("Reversed")
    assert (await alice.next_callback_answer()).text == "Reversed"
    await bot.edit_message_caption(alice.id, sent.message_id, caption="reversed")
    assert (await alice.next_edit()).caption == "reversed"
    assert [m.caption for m in await alice.messages()] == ["reversed"]
    event = await alice.wait_for(lambda e: e.kind == "callback_answer")
    assert event.answer is not None

    await bot.set_my_commands([BotCommand("card", "Show my card")], language_code="lb")
    assert await client.commands("default", "lb") == [("card", "Show my card")]
    timings = await client.timings()
    assert [t.update_id for t in timings] == [update_id, press.update_id]
    assert len(await client.latencies()) == 2
    await client.reset_timings()
    assert (await client.stats())["updates"] == 0


async def test_client_faults(remote: tuple[BotApiEmulator, EmulatorClient, Bot]) -> None:
    tg, client, bot = remote
    alice = await client.user(1001, "Alice")
    update_id = await alice.send("hi")
    await bot.get_updates(offset=update_id + 1)

    await client.block(alice.id, notify=False)
    with pytest.raises(Forbidden):
        await bot.send_message(alice.id, "hello")
    await client.unblock(alice.id, notify=False)
    await client.drop_connections("sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(alice.id, "hello")
    await client.set_delay("getMe", 0.2)
    await client.clear_faults()
    await client.set_rate_limits(per_chat=1, bot_wide=30)
    await bot.send_message(alice.id, "one")
    assert tg.faults.rate_limiter.per_chat == 1
    assert tg.faults.send_window.limit == 30
    assert (await client.stats())["most_messages_in_one_second"] == 1

    await client.redeliver(update_id)
    (again,) = await bot.get_updates(offset=update_id + 1, timeout=dt.timedelta(seconds=1))
    assert again.update_id == update_id

    with pytest.raises(RuntimeError, match="no user 999"):
        await client.post("/send", user_id=999, text="who am I")
    with pytest.raises(TimeoutError):
        await (await client.user(1002, "Bob")).next_message(timeout=0.1)
    await client.add_webhook_target("http://127.0.0.1:9/hook")
    assert (await bot.get_webhook_info()).url == ""  # test targets are not the bot's webhook
    await client.remove_webhook_targets()
