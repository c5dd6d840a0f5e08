"""The scheduled daily summary: every missed day caught up once, oldest first, a week back at
most and never from a time it was off; a quiet day's word (or none), the owner's choice; on
Mondays, active members and repeat rate against the week before; nothing about a day whose
summary time came before the business joined. On both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.clock import ManualClock
from domain.service import LoyaltyService
from tests.support.scenario import new_profile, open_shop


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


async def test_every_missed_day_is_due_once_oldest_first_and_a_week_back_at_most(
    service: LoyaltyService, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 1, 1, 8, 0, tzinfo=UTC))
    shop = await open_shop(service, summary="21:00")
    merchant_id = (await service.staff.membership(shop.owner.user_id)).merchant_id
    clock.set(datetime(2026, 1, 3, 7, 0, tzinfo=UTC))  # down over two summaries
    assert await service.summaries.due_summaries() == [
        (merchant_id, date(2026, 1, 1)),
        (merchant_id, date(2026, 1, 2)),
    ]
    for _, day in await service.summaries.due_summaries():
        assert await service.summaries.queue_summary(merchant_id, day)
        assert not await service.summaries.queue_summary(merchant_id, day)
    assert await service.summaries.due_summaries() == []

    clock.set(datetime(2026, 1, 20, 7, 0, tzinfo=UTC))  # down for over two weeks
    due = await service.summaries.due_summaries()
    assert due == [(merchant_id, day) for day in _days(date(2026, 1, 13), date(2026, 1, 19))]
    for _, day in due:
        await service.summaries.queue_summary(merchant_id, day)
    clock.set(datetime(2026, 1, 20, 20, 0, tzinfo=UTC))  # 21:00 in Luxembourg
    assert await service.summaries.due_summaries() == [(merchant_id, date(2026, 1, 20))]


async def test_a_business_that_joins_after_the_summary_time_hears_first_the_next_evening(
    service: LoyaltyService, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 1, 1, 21, 30, tzinfo=UTC))  # 22:30 in Luxembourg, after 21:00
    shop = await open_shop(service, summary="21:00")
    merchant_id = (await service.staff.membership(shop.owner.user_id)).merchant_id
    clock.set(datetime(2026, 1, 1, 22, 45, tzinfo=UTC))
    assert await service.summaries.due_summaries() == []  # not a word about a day it missed
    clock.set(datetime(2026, 1, 2, 20, 0, tzinfo=UTC))
    assert await service.summaries.due_summaries() == [(merchant_id, date(2026, 1, 2))]


async def test_a_summary_switched_back_on_does_not_catch_up_the_days_it_was_off(
    service: LoyaltyService, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 1, 1, 8, 0, tzinfo=UTC))
    shop = await open_shop(service, summary="21:00")
    merchant_id = (await service.staff.membership(shop.owner.user_id)).merchant_id
    clock.set(datetime(2026, 1, 4, 7, 0, tzinfo=UTC))
    assert len(await service.summaries.due_summaries()) == 3  # the 1st to the 3rd, missed
    await shop.configure(summary="off")
    clock.set(datetime(2026, 1, 8, 12, 0, tzinfo=UTC))
    await shop.configure(summary="9pm")  # switched on again: from today, nothing before
    assert await service.summaries.due_summaries() == []
    await shop.configure(summary="20:00")  # a new time: still on, nothing caught up
    assert await service.summaries.due_summaries() == []
    clock.set(datetime(2026, 1, 8, 19, 0, tzinfo=UTC))  # 20:00 in Luxembourg
    assert await service.summaries.due_summaries() == [(merchant_id, date(2026, 1, 8))]


async def test_a_quiet_day_is_one_line_or_nothing_as_the_owner_chooses(
    service: LoyaltyService, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 1, 6, 9, 0, tzinfo=UTC))  # a Tuesday
    shop = await open_shop(service, cooldown="0")
    merchant_id = (await service.staff.membership(shop.owner.user_id)).merchant_id
    cashier = await shop.hire("Cashier")
    card = (await service.customers.enrol(new_profile(), shop.first_store.code)).card
    clock.set(datetime(2026, 1, 7, 9, 0, tzinfo=UTC))
    await service.counter.stamp(cashier.user_id, card.number)
    clock.set(datetime(2026, 1, 8, 9, 0, tzinfo=UTC))
    await service.counter.stamp(cashier.user_id, card.number)
    await service.counter.undo(cashier.user_id)  # undone: the 8th had nothing in the end

    busy = await service.summaries.daily_summary(merchant_id, date(2026, 1, 7))
    assert not busy.summary.quiet and not busy.silent and busy.week is None
    quiet = await service.summaries.daily_summary(merchant_id, date(2026, 1, 9))
    assert quiet.summary.quiet and quiet.quiet_day_message and not quiet.silent
    await shop.configure(quiet_day="nothing")
    assert (await service.summaries.daily_summary(merchant_id, date(2026, 1, 9))).silent
    assert not (await service.summaries.daily_summary(merchant_id, date(2026, 1, 7))).silent
    # The day with a stamp given and taken back counts both: it was not a quiet day.
    assert not (await service.summaries.daily_summary(merchant_id, date(2026, 1, 8))).silent
    # A quiet Monday still tells how the week went.
    monday = await service.summaries.daily_summary(merchant_id, date(2026, 1, 12))
    assert monday.summary.quiet and monday.week is not None and not monday.silent
    await shop.configure(quiet_day="line")
    assert (await service.merchants.program(shop.owner.user_id)).quiet_day_message


async def test_mondays_summary_has_active_members_and_repeat_rate_against_the_week_before(
    service: LoyaltyService, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 1, 1, 9, 0, tzinfo=UTC))
    shop = await open_shop(service, cooldown="0", daily_limit="0")
    merchant_id = (await service.staff.membership(shop.owner.user_id)).merchant_id
    cashier = await shop.hire("Cashier")
    cards = {}
    for name in ("Ann", "Ben", "Cleo", "Dan"):
        profile = new_profile(name)
        cards[name] = (await service.customers.enrol(profile, shop.first_store.code)).card.number

    async def stamp(name: str, day: date, *, undo: bool = False) -> None:
        clock.set(datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC))
        await service.counter.stamp(cashier.user_id, cards[name])
        if undo:
            await service.counter.undo(cashier.user_id)

    await stamp("Ann", date(2026, 1, 2))
    await stamp("Ann", date(2026, 1, 5))  # Ann came twice by the Monday before
    await stamp("Ben", date(2026, 1, 9))
    await stamp("Dan", date(2026, 1, 10), undo=True)  # undone: not a visit
    await stamp("Cleo", date(2026, 1, 12))
    await stamp("Cleo", date(2026, 1, 13))  # after the Monday: not in its figures
    clock.set(datetime(2026, 1, 14, 9, 0, tzinfo=UTC))  # caught up two days late

    monday = await service.summaries.daily_summary(merchant_id, date(2026, 1, 12))
    week = monday.week
    assert week is not None
    assert (week.active_30, week.active_30_before) == (3, 1)
    assert (week.repeat_rate, week.repeat_rate_before) == (1 / 3, 1.0)
    assert monday.summary.total.stamps_given == 1
    assert (await service.summaries.daily_summary(merchant_id, date(2026, 1, 13))).week is None
