"""A real python-telegram-bot Application (an echo bot) end to end against the emulator."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator import BotApiEmulator

AGAIN = InlineKeyboardMarkup([[InlineKeyboardButton("🔁 Again", callback_data="again")]])


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    payload = context.args[0] if context.args else "none"
    await update.effective_message.reply_text(f"Welcome! payload={payload}")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    text = html.escape(update.effective_message.text)  # user input must be escaped
    await update.effective_message.reply_html(f"<b>{text}</b>", reply_markup=AGAIN)


async def again(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Once more")
    await query.edit_message_reply_markup(None)


@pytest.fixture
async def echo_bot(tg: BotApiEmulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    app = ApplicationBuilder().token(tg.token).base_url(tg.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(again))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=dt.timedelta(seconds=1))
    yield app
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


async def test_echo_bot_story(tg: BotApiEmulator, echo_bot: Application) -> None:  # type: ignore[type-arg]
    alice = tg.user(1001, "Alice", language_code="lb")

    await alice.open_link("https://t.me/loyalty_test_bot?start=join_abc123")
    assert (await alice.next_message()).text == "Welcome! payload=join_abc123"

    await alice.send("Tom & <Jerry>")
    reply = await alice.next_message()
    assert reply.text == "Tom & <Jerry>"
    assert reply.entities == [{"type": "bold", "offset": 0, "length": 13}]
    assert reply.button_texts == [["🔁 Again"]]

    await alice.press(reply, "Again")
    assert (await alice.next_callback_answer()).text == "Once more"
    assert (await alice.next_edit()).buttons == []

    await tg.wait_idle(timeout=5)
    assert tg.pending_updates == 0
    assert len(tg.latencies()) == 3
    assert all(0 < latency < 5 for latency in tg.latencies())


async def test_unread_cursor_and_wait_for(tg: BotApiEmulator, echo_bot: Application) -> None:  # type: ignore[type-arg]
    alice = tg.user(1001, "Alice")
    for text in ("a", "b", "c"):
        await alice.send(text)

    event = await alice.wait_for(lambda e: e.message is not None and e.message.text == "c")
    assert event.kind == "message"
    assert [m.text for m in alice.messages] == ["a", "b", "c"]
    assert (await alice.next_message()).text == "a"  # next_message has its own cursor
    await tg.wait_idle(timeout=5)
    assert [t.replies for t in tg.timings()] == [1, 1, 1]  # each reply matched to its update
    alice.skip_unread()
    with pytest.raises(TimeoutError, match="Alice got no message event"):
        await alice.next_message(timeout=0.2)
