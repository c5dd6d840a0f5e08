"""An owner goes from nothing to a running program in chat, and gets summaries on time."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from app.runner import running
from bot.i18n import translator
from domain.clock import ManualClock
from emulator.driver import BotApiEmulator
from tests.support.chat import card_number_in, join_staff, link_in, qr_content, say
from tests.support.running_bot import Running, new_application

EN = translator("en")
SUMMARY_HEAD = "📊 "


async def test_an_owner_sets_up_invites_configures_and_reads_summaries(bot: Running) -> None:
    tg, clock = bot.tg, bot.clock
    owner = tg.user(50, "Marie", language_code="en")
    setup = await say(owner, "/setup Café Lux")
    first_join = link_in(setup, "join_")
    second_join = link_in(await say(owner, "/addstore Gare"), "join_")
    stores = await say(owner, "/stores")
    assert first_join in stores.content and second_join in stores.content

    cashier = tg.user(51, "Paul", language_code="en")
    welcome = await join_staff(owner, cashier, link_in(await say(owner, "/invite Gare"), "staff_"))
    assert "Gare" in welcome.content
    assert "Paul" in (await say(owner, "/staff")).content
    changed = await say(owner, "/program set stamps_target 4")
    assert changed.content == "Saved: stamps_target = 4"
    await say(owner, "/program set cooldown 0")
    refused = await say(owner, "/program set cooldown forever")
    assert "from 0 to 1,440 minutes." in refused.content  # the allowed range, with its unit

    customer = tg.user(52, "Jang", language_code="lb")
    await customer.open_link(second_join)
    await customer.next_message()
    number = card_number_in(await customer.next_message())
    for _ in range(4):
        await say(cashier, f"/stamp {number}")
    question = await say(cashier, f"/redeem {number}")
    await cashier.press(question, EN.pgettext("button", "Confirm"))
    await cashier.next_edit()

    today = await say(owner, "/summary today")
    assert today.content.startswith(SUMMARY_HEAD)
    assert "Stamps given: 4" in today.content and "Rewards redeemed: 1" in today.content
    assert "Most active: Paul (5 operations)" in today.content

    week = await say(owner, "/summary week")
    assert week.content.startswith(SUMMARY_HEAD)
    chart = await owner.next_message(timeout=15)  # drawn while the machine may be busy
    assert Image.open(io.BytesIO(chart.photo_bytes or b"")).size[0] > 600

    export = await say(owner, "/export 7")
    assert export.document_name == "ledger-7-days.csv"
    rows = list(csv.reader(io.StringIO((export.document_bytes or b"").decode("utf-8-sig"))))
    assert rows[0][0] == EN.gettext("Date and time") and len(rows) == 1 + 5
    workbook = await owner.next_message()
    assert workbook.document_name == "ledger-7-days.xlsx"

    poster = await say(owner, "/poster Gare")
    assert qr_content_of_document(poster) == second_join

    # The scheduled summary arrives when the (injected) clock passes 21:00 local time.
    owner.skip_unread()
    seen = len(owner.messages)
    clock.set(datetime(2026, 1, 13, 19, 59, tzinfo=UTC))
    await asyncio.sleep(1.5)
    assert owner.messages[seen:] == []
    clock.set(datetime(2026, 1, 13, 20, 0, tzinfo=UTC))
    scheduled = await owner.next_message(timeout=5)
    assert scheduled.content.startswith(SUMMARY_HEAD) and "Stamps given: 4" in scheduled.content
    await asyncio.sleep(1.5)
    assert len(owner.messages[seen:]) == 1


def qr_content_of_document(message) -> str:
    assert message.document_bytes is not None
    photo_like = type(message)(
        message.message_id, message.chat_id, message.raw, photo_bytes=message.document_bytes
    )
    return qr_content(photo_like)


async def test_a_summary_missed_while_the_bot_was_down_is_sent_once_on_restart(
    tg: BotApiEmulator, database_url: str, clock: ManualClock
) -> None:
    owner = tg.user(60, "Owner", language_code="en")
    async with running(new_application(tg, database_url, clock)):
        await say(owner, "/setup Bakery")
    clock.advance(timedelta(days=1))  # down over 21:00
    owner.skip_unread()
    seen = len(owner.messages)
    async with running(new_application(tg, database_url, clock)):
        missed = await owner.next_message(timeout=5)
        assert missed.content.startswith(SUMMARY_HEAD)
        await asyncio.sleep(1.5)
    async with running(new_application(tg, database_url, clock)):
        await asyncio.sleep(1.5)
    assert len(owner.messages[seen:]) == 1


async def test_staff_cannot_use_owner_commands(bot: Running) -> None:
    owner = bot.tg.user(70, "Owner", language_code="en")
    await say(owner, "/setup Café")
    cashier = bot.tg.user(71, "Cashier", language_code="en")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    not_owner = EN.gettext(
        "Only a business owner can do that. "
        "To start your own program, send /setup followed by your business name."
    )
    for command in (
        "/program",
        "/program set cooldown 0",
        "/addstore X",
        "/invite",
        "/staff",
        "/revoke 1",
        "/summary",
        "/export",
        "/poster",
    ):
        assert (await say(cashier, command)).content == not_owner, command
    menu = await say(owner, "/program")
    assert ["Time between stamps: 15 min"] in menu.button_texts


async def test_revoke_asks_who_is_removed_and_only_yes_removes_them(bot: Running) -> None:
    owner = bot.tg.user(90, "Owner", language_code="en")
    await say(owner, "/setup Café")
    cashier = bot.tg.user(91, "Paul", language_code="en")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))

    question = await say(owner, "/revoke 1")
    assert question.content == "Remove Paul from your staff?"
    assert question.button_texts == [["Yes", "No"]]
    await owner.press(question, "No")
    assert (await owner.next_edit()).content == "Cancelled — nothing was changed."
    assert await bot.service.staff.membership(91) is not None

    question = await say(owner, "/revoke 1")
    await owner.press(question, "Yes")
    done = await owner.next_edit()
    assert done.message_id == question.message_id and done.content == "Paul is no longer staff."
    assert await bot.service.staff.membership(91) is None
    assert done.buttons == []
