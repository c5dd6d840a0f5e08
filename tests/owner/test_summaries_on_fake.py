"""Which daily summaries are due (PRODUCT.md, the scheduled summary): every missed day caught
up once, oldest first, a week back at most and never from a time it was off; nothing about a
day whose summary time came before the business joined; the merchant's local time on both
sides of a DST change.

The rules, on the in-memory unit of work (tests/support/fake_uow.py), held to the SQL one by
tests/owner/test_summary_repository_contract.py. When switching the summary on or
changing its time moves "on since" is the settings' rule (tests/programme/test_program_row.py);
here the schedule is stated as they leave it.
"""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import domain.summary_schedule
from domain.clock import ManualClock
from domain.effects import SendSummary
from domain.service.summaries import SummarySchedule
from tests.support.fake_uow import FakeUnitOfWork


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def schedule(uow: FakeUnitOfWork, clock: ManualClock) -> SummarySchedule:
    return SummarySchedule(uow, clock)


async def test_every_missed_day_is_due_once_oldest_first_and_a_week_back_at_most(
    uow: FakeUnitOfWork, schedule: SummarySchedule, clock: ManualClock
) -> None:
    merchant_id = uow.open_cafe(datetime(2026, 1, 1, 8, 0, tzinfo=UTC), summary="21:00")
    clock.set(datetime(2026, 1, 3, 7, 0, tzinfo=UTC))  # down over two summaries
    assert await schedule.due_summaries() == [
        (merchant_id, date(2026, 1, 1)),
        (merchant_id, date(2026, 1, 2)),
    ]
    for _, day in await schedule.due_summaries():
        assert await schedule.queue_summary(merchant_id, day)
        assert not await schedule.queue_summary(merchant_id, day)
    assert await schedule.due_summaries() == []
    owner = uow.state.owners[merchant_id]
    assert uow.state.effects == [
        SendSummary(merchant_id=merchant_id, day=day, owner_user_id=owner)
        for day in (date(2026, 1, 1), date(2026, 1, 2))
    ]

    clock.set(datetime(2026, 1, 20, 7, 0, tzinfo=UTC))  # down for over two weeks
    due = await schedule.due_summaries()
    assert due == [(merchant_id, day) for day in _days(date(2026, 1, 13), date(2026, 1, 19))]
    for _, day in due:
        await schedule.queue_summary(merchant_id, day)
    clock.set(datetime(2026, 1, 20, 20, 0, tzinfo=UTC))  # 21:00 in Luxembourg
    assert await schedule.due_summaries() == [(merchant_id, date(2026, 1, 20))]


async def test_a_business_that_joins_after_the_summary_time_hears_first_the_next_evening(
    uow: FakeUnitOfWork, schedule: SummarySchedule, clock: ManualClock
) -> None:
    # 22:30 in Luxembourg, after 21:00.
    merchant_id = uow.open_cafe(datetime(2026, 1, 1, 21, 30, tzinfo=UTC), summary="21:00")
    clock.set(datetime(2026, 1, 1, 22, 45, tzinfo=UTC))
    assert await schedule.due_summaries() == []  # not a word about a day it missed
    clock.set(datetime(2026, 1, 2, 20, 0, tzinfo=UTC))
    assert await schedule.due_summaries() == [(merchant_id, date(2026, 1, 2))]


async def test_a_summary_switched_back_on_does_not_catch_up_the_days_it_was_off(
    uow: FakeUnitOfWork, schedule: SummarySchedule, clock: ManualClock
) -> None:
    merchant_id = uow.open_cafe(datetime(2026, 1, 1, 8, 0, tzinfo=UTC), summary="21:00")
    clock.set(datetime(2026, 1, 4, 7, 0, tzinfo=UTC))
    assert len(await schedule.due_summaries()) == 3  # the 1st to the 3rd, missed
    uow.schedule(merchant_id, None, on_since=clock.now())  # switched off
    assert await schedule.due_summaries() == []
    clock.set(datetime(2026, 1, 8, 12, 0, tzinfo=UTC))
    switched_on = clock.now()
    uow.schedule(merchant_id, "21:00", on_since=switched_on)  # from today, nothing before
    assert await schedule.due_summaries() == []
    uow.schedule(merchant_id, "20:00", on_since=switched_on)  # a new time: still on
    assert await schedule.due_summaries() == []
    clock.set(datetime(2026, 1, 8, 19, 0, tzinfo=UTC))  # 20:00 in Luxembourg
    assert await schedule.due_summaries() == [(merchant_id, date(2026, 1, 8))]


@pytest.mark.parametrize(
    ("before", "at"),
    [
        # Winter (UTC+1), the day before the change to summer time, and summer (UTC+2).
        (datetime(2026, 3, 28, 19, 59, tzinfo=UTC), datetime(2026, 3, 28, 20, 0, tzinfo=UTC)),
        (datetime(2026, 3, 29, 18, 59, tzinfo=UTC), datetime(2026, 3, 29, 19, 0, tzinfo=UTC)),
        (datetime(2026, 10, 25, 19, 59, tzinfo=UTC), datetime(2026, 10, 25, 20, 0, tzinfo=UTC)),
    ],
)
async def test_summary_is_due_at_local_time_on_both_sides_of_dst(
    uow: FakeUnitOfWork,
    schedule: SummarySchedule,
    clock: ManualClock,
    before: datetime,
    at: datetime,
) -> None:
    clock.set(before - timedelta(days=2))
    merchant_id = uow.open_cafe(clock.now())  # the default summary time, 21:00
    for day in (before - timedelta(days=2), before - timedelta(days=1)):
        for local_day in {day.date() - timedelta(days=1), day.date()}:
            await schedule.queue_summary(merchant_id, local_day)
    clock.set(before)
    assert await schedule.due_summaries() == []
    clock.set(at)
    assert await schedule.due_summaries() == [(merchant_id, at.date())]
    assert await schedule.queue_summary(merchant_id, at.date())
    assert not await schedule.queue_summary(merchant_id, at.date())
    assert await schedule.due_summaries() == []


async def test_a_missed_summary_of_yesterday_is_due_until_it_is_queued(
    uow: FakeUnitOfWork, schedule: SummarySchedule, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 1, 12, 8, 0, tzinfo=UTC))
    merchant_id = uow.open_cafe(clock.now(), summary="21:00")
    await schedule.queue_summary(merchant_id, date(2026, 1, 11))
    clock.set(datetime(2026, 1, 13, 7, 0, tzinfo=UTC))  # the bot was down over the 12th's 21:00
    assert await schedule.due_summaries() == [(merchant_id, date(2026, 1, 12))]
    uow.schedule(merchant_id, None, on_since=clock.now())  # switched off
    assert await schedule.due_summaries() == []
    uow.schedule(merchant_id, "21:00", on_since=clock.now())  # and on again
    assert await schedule.queue_summary(merchant_id, date(2026, 1, 12))
    assert await schedule.due_summaries() == []


def test_the_rule_and_its_ports_know_no_database() -> None:
    """What the fake stands in for names no SQL and no repository module: a use case over
    these ports runs the same on either unit of work."""
    source = Path(domain.summary_schedule.__file__).read_text()
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert {name for name in imported if name and name.startswith("domain")} == {"domain.effects"}
    assert not {name for name in imported if name and name.split(".")[0] == "sqlalchemy"}
