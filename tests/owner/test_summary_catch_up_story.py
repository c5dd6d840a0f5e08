"""Daily summaries through the real bot and the outbox: after a two-day outage both missed
summaries arrive once each, oldest first; a day without activity is one short line, or
nothing when the owner chooses so; a quiet Monday still tells how the week went."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from babel.dates import format_date

from app.runner import running
from bot.i18n import translator
from domain.clock import ManualClock
from emulator.driver import BotApiEmulator
from emulator.user import EmulatedUser
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.running_bot import new_application

EN = translator("en")


def _title(day: date) -> str:
    return f"📊 Café Lux — {format_date(day, 'full', locale=EN.locale)}"


async def _nothing_more(owner: EmulatedUser, seen: int) -> None:
    """Several runs of the summary job (every 0.6 s here) pass without a new message."""
    await asyncio.sleep(2)
    assert [m.content for m in owner.messages[seen:]] == []


async def test_missed_summaries_arrive_once_each_in_order_and_quiet_days_stay_short(
    tg: BotApiEmulator, database_url: str, clock: ManualClock
) -> None:
    owner = tg.user(80, "Marie", language_code="en")
    # Tuesday 13 January, 10:00 in Luxembourg: a café opens and gives two stamps.
    async with running(new_application(tg, database_url, clock)):
        join = link_in(await say(owner, "/setup Café Lux"), "join_")
        await say(owner, "/program set cooldown 0")
        cashier = tg.user(81, "Paul", language_code="en")
        await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
        customer = tg.user(82, "Ines", language_code="en")
        await customer.open_link(join)
        await customer.next_message()
        number = card_number_in(await customer.next_message())
        for _ in range(2):
            await say(cashier, f"/stamp {number}")

    # Down from Tuesday morning to Thursday morning: Tuesday's and Wednesday's 21:00 missed.
    clock.set(datetime(2026, 1, 15, 7, 0, tzinfo=UTC))
    owner.skip_unread()
    seen = len(owner.messages)
    async with running(new_application(tg, database_url, clock)):
        tuesday = await owner.next_message(timeout=10)
        wednesday = await owner.next_message(timeout=10)
        await _nothing_more(owner, seen + 2)
    assert tuesday.content.startswith(_title(date(2026, 1, 13)))
    assert "Stamps given: 2" in tuesday.content
    # Wednesday had no activity: one short line, not a table of zeros.
    assert wednesday.content == (f"{_title(date(2026, 1, 14))}: a quiet day, no activity.")
    # Another restart sends neither again.
    async with running(new_application(tg, database_url, clock)):
        await _nothing_more(owner, seen + 2)

    application = new_application(tg, database_url, clock)
    async with running(application):
        saved = await say(owner, "/program set quiet_day nothing")
        assert saved.content == "Saved: quiet_day = no message"
        seen = len(owner.messages)
        # Thursday 21:00 passes without activity: nothing is sent, and nothing is owed.
        clock.set(datetime(2026, 1, 15, 20, 0, tzinfo=UTC))
        await _nothing_more(owner, seen)
        service = application.bot_data.runtime.service
        assert service is not None and await service.summaries.due_summaries() == []

        # Monday 19 January, 21:00: the quiet Friday to Sunday stay silent; Monday is quiet
        # too, but its summary tells how the week went, then the two weeks' chart.
        clock.set(datetime(2026, 1, 19, 20, 0, tzinfo=UTC))
        monday = await owner.next_message(timeout=10)
        chart = await owner.next_message(timeout=15)
        await _nothing_more(owner, seen + 2)
    assert monday.content.splitlines() == [
        f"{_title(date(2026, 1, 19))}: a quiet day, no activity.",
        "",
        "📈 This week, against the week before:",
        "• Active members (30 days): 1 (↑ from 0)",
        "• Repeat rate (90 days): 0% (nothing to compare with)",
    ]
    assert chart.photo_bytes
