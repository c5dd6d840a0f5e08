"""The emulator driven by a real python-telegram-bot ``Bot`` over HTTP."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from emulator import BotApiEmulator, EmulatedUser


def png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def keyboard(*labels_and_data: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data)] for label, data in labels_and_data]
    )


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "loyalty_test_bot", True)


async def test_send_message_returns_a_telegram_message(bot: Bot, alice: EmulatedUser) -> None:
    first = await bot.send_message(alice.id, "<b>Hello</b> &amp; welcome", parse_mode="HTML")
    second = await bot.send_message(alice.id, "again")

    assert first.text == "Hello & welcome"
    assert [(e.type, e.offset, e.length) for e in first.entities] == [("bold", 0, 5)]
    assert first.from_user is not None and first.from_user.id == 123456
    assert (first.chat.id, first.chat.type, first.chat.first_name) == (1001, "private", "Alice")
    assert second.message_id == first.message_id + 1
    assert (await alice.next_message()).text == "Hello & welcome"
    assert (await alice.next_message()).text == "again"


async def test_entity_offsets_are_counted_in_utf16(bot: Bot, alice: EmulatedUser) -> None:
    message = await bot.send_message(alice.id, "😀 <i>é</i>", parse_mode=ParseMode.HTML)
    assert [(e.offset, e.length) for e in message.entities] == [(3, 1)]


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("Welcome <Alice>", 'Unsupported start tag "alice" at byte offset 8'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Tom & Jerry", 'Unescaped "&" at byte offset 4'),
        ("line<br>break", 'Unsupported start tag "br"'),
    ],
)
async def test_invalid_html_is_refused_like_telegram(
    bot: Bot, alice: EmulatedUser, html: str, reason: str
) -> None:
    with pytest.raises(BadRequest, match="parse entities") as refused:
        await bot.send_message(alice.id, html, parse_mode=ParseMode.HTML)
    assert reason.lower() in refused.value.message.lower()
    assert alice.all_events == []


async def test_text_limits_apply_after_entity_parsing(bot: Bot, alice: EmulatedUser) -> None:
    markup_heavy = "<b>" + "x" * 4096 + "</b>"
    sent = await bot.send_message(alice.id, markup_heavy, parse_mode="HTML")
    assert sent.text == "x" * 4096
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(alice.id, "x" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(alice.id, "<b> </b>", parse_mode="HTML")


async def test_caption_limit(bot: Bot, alice: EmulatedUser) -> None:
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(alice.id, png(10, 10), caption="c" * 1025)
    sent = await bot.send_photo(alice.id, png(10, 10), caption="c" * 1024)
    assert sent.caption == "c" * 1024


async def test_callback_data_and_buttons_are_validated(bot: Bot, alice: EmulatedUser) -> None:
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(alice.id, "hi", reply_markup=keyboard(("Go", "é" * 33)))
    ok = await bot.send_message(alice.id, "hi", reply_markup=keyboard(("Go", "x" * 64)))
    assert ok.reply_markup is not None
    no_action = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="x")]]).to_dict()
    del no_action["inline_keyboard"][0][0]["callback_data"]
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
        await bot.send_message(alice.id, "hi", reply_markup=no_action)  # type: ignore[arg-type]


async def test_edits_are_stored_and_recorded(bot: Bot, alice: EmulatedUser) -> None:
    sent = await bot.send_message(alice.id, "Card: 1/10", reply_markup=keyboard(("Stamp", "s")))
    await bot.edit_message_text("Card: 2/10", alice.id, sent.message_id)

    edited = await alice.next_edit()
    assert edited.text == "Card: 2/10"
    assert edited.buttons == []  # omitting reply_markup removes the keyboard, as on Telegram
    assert alice.messages[-1].text == "Card: 2/10"
    assert [event.kind for event in alice.all_events] == ["message", "edit"]


async def test_identical_edit_is_not_modified(bot: Bot, alice: EmulatedUser) -> None:
    markup = keyboard(("Redeem", "r"))
    sent = await bot.send_message(alice.id, "<b>7/10</b>", parse_mode="HTML", reply_markup=markup)

    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<b>7/10</b>", alice.id, sent.message_id, parse_mode="HTML", reply_markup=markup
        )
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(alice.id, sent.message_id, reply_markup=markup)
    # Same text without the bold entity is a modification.
    await bot.edit_message_text("7/10", alice.id, sent.message_id, reply_markup=markup)


async def test_edit_and_delete_unknown_messages(bot: Bot, alice: EmulatedUser) -> None:
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", alice.id, 999)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(alice.id, 999)
    sent = await bot.send_message(alice.id, "bye")
    assert await bot.delete_message(alice.id, sent.message_id)
    assert alice.messages == []
    assert alice.all_events[-1].kind == "delete"


async def test_caption_edit(bot: Bot, alice: EmulatedUser) -> None:
    sent = await bot.send_photo(alice.id, png(20, 10), caption="old")
    edited = await bot.edit_message_caption(
        alice.id, sent.message_id, caption="<i>new</i>", parse_mode="HTML"
    )
    assert edited.caption == "new"  # type: ignore[union-attr]
    with pytest.raises(BadRequest, match="There is no text in the message to edit"):
        await bot.edit_message_text("text", alice.id, sent.message_id)


async def test_unknown_chat_and_blocked_user(
    tg: BotApiEmulator, bot: Bot, alice: EmulatedUser
) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hello?")
    stranger = tg.user(2002, "Bob")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(stranger.id, "hello?")

    tg.block(alice)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "hello?")
    tg.unblock(alice)
    assert (await bot.send_message(alice.id, "welcome back")).text == "welcome back"


async def test_photo_and_document_round_trip(bot: Bot, alice: EmulatedUser) -> None:
    image = png(300, 200)
    photo = await bot.send_photo(alice.id, image, caption="Your card")
    document = await bot.send_document(alice.id, io.BytesIO(b'{"cards": []}'), filename="me.json")

    assert (photo.photo[-1].width, photo.photo[-1].height) == (300, 200)
    assert bytes(await (await photo.photo[-1].get_file()).download_as_bytearray()) == image
    assert document.document is not None and document.document.file_name == "me.json"
    received_photo = await alice.next_message()
    received_document = await alice.next_message()
    assert (received_photo.photo_bytes, received_photo.caption) == (image, "Your card")
    assert received_document.document_bytes == b'{"cards": []}'
    assert received_document.document_name == "me.json"
    assert received_document.document_mime_type == "application/json"
    again = await bot.send_photo(alice.id, photo.photo[-1].file_id)  # re-send by file_id
    assert again.photo[-1].file_id == photo.photo[-1].file_id


async def test_photo_must_be_an_image(bot: Bot, alice: EmulatedUser) -> None:
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(alice.id, b"not an image")
    with pytest.raises(BadRequest, match="Photo_invalid_dimensions"):
        await bot.send_photo(alice.id, png(1000, 10))


async def test_callback_queries_are_answered_once(
    tg: BotApiEmulator, bot: Bot, alice: EmulatedUser
) -> None:
    sent = await bot.send_message(alice.id, "Redeem?", reply_markup=keyboard(("✅ Redeem", "r:1")))
    reply = await alice.next_message()
    query_id = await alice.press(reply, "redeem")  # unique substring, case-insensitive

    (update,) = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.data == "r:1"
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query_id, "Done!", show_alert=True)
    answer = await alice.next_callback_answer()
    assert (answer.text, answer.show_alert) == ("Done!", True)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id, "twice")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("123", "unknown")


async def test_commands_per_scope_and_language(
    tg: BotApiEmulator, bot: Bot, alice: EmulatedUser
) -> None:
    await bot.set_my_commands([BotCommand("card", "Your card")])
    staff = [BotCommand("stamp", "Stempel ginn"), BotCommand("redeem", "Aléisen")]
    await bot.set_my_commands(staff, scope=BotCommandScopeChat(alice.id), language_code="lb")

    assert tg.commands() == [("card", "Your card")]
    assert tg.commands({"type": "chat", "chat_id": alice.id}, "lb") == [
        ("stamp", "Stempel ginn"),
        ("redeem", "Aléisen"),
    ]
    fetched = await bot.get_my_commands(scope=BotCommandScopeChat(alice.id), language_code="lb")
    assert [c.command for c in fetched] == ["stamp", "redeem"]
    await bot.delete_my_commands(scope=BotCommandScopeChat(alice.id), language_code="lb")
    assert tg.commands({"type": "chat", "chat_id": alice.id}, "lb") == []
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Stamp", "uppercase is refused")])


async def test_menu_button_chat_action_and_misc(
    tg: BotApiEmulator, bot: Bot, alice: EmulatedUser
) -> None:
    assert await bot.set_chat_menu_button(alice.id, MenuButtonCommands())
    assert tg.menu_button(alice.id) == {"type": "commands"}
    assert await bot.send_chat_action(alice.id, "typing")
    assert alice.all_events[-1].action == "typing"
    assert await bot.close()
    assert await bot.log_out()
