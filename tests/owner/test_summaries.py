"""The scheduled daily summary: every missed day caught up once, oldest first, a week back at
most and never from a time it was off; a quiet day's word (or none), the owner's choice; on
Mondays, active members and repeat rate against the week before; nothing about a day whose
summary time came before the business joined. On both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.clock import ManualClock
from domain.service import LoyaltyService
from tests.support.scenario import new_profile, open_shop


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
