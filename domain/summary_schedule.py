"""When the daily summary is due, and the ports its scheduling use cases work through.

A day is due once its summary time (merchant-local) has passed. Days missed while the bot was
down are caught up, oldest first, up to CATCH_UP_DAYS back, but never from before the business
joined or the summary was last switched on.

The ports name what the use cases need of storage and nothing more, so that the SQL
implementation (domain/db/summaries.py) and an in-memory one can stand in for each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime, timedelta
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

from domain.effects import Effect

CATCH_UP_DAYS = 7  # a summary missed longer ago than a week is stale: skipped


class ScheduledSummary(NamedTuple):
    """A programme that wants a daily summary."""

    merchant_id: int
    timezone: str
    at: str  # the summary time, "HH:MM", merchant-local
    on_since: datetime | None  # when the summary was last switched on (None: always on)
    joined_at: datetime  # when the business joined


class SummaryAlreadyClaimed(Exception):
    """The day's summary was claimed before (by this worker or another)."""


class SummaryRepository(Protocol):
    """The schedule of daily summaries and the days already claimed."""

    async def scheduled(self) -> list[ScheduledSummary]:
        """Every programme with a summary time, by merchant."""
        ...

    async def claimed_since(self, earliest: date) -> set[tuple[int, date]]:
        """(merchant, local day) of the summaries claimed for `earliest` or later."""
        ...

    async def claim(self, merchant_id: int, day: date, now: datetime) -> None:
        """Claim the day's summary; SummaryAlreadyClaimed if it was claimed."""
        ...

    async def owner_of(self, merchant_id: int) -> int:
        """The user id of the merchant's owner, to whom the summary goes."""
        ...


class SummaryWork(Protocol):
    """One transaction of the summary schedule: its repository and the effects it records,
    which commit (or vanish) with it."""

    @property
    def summaries(self) -> SummaryRepository: ...

    async def record(self, effects: Sequence[Effect]) -> None: ...


class SummaryUnitOfWork(Protocol):
    """Opens transactions for the summary schedule."""

    def read(self) -> AbstractAsyncContextManager[SummaryWork]:
        """Reads only: nothing done in it is kept."""
        ...

    def write(self) -> AbstractAsyncContextManager[SummaryWork]:
        """Commits when the block ends normally; keeps nothing when it raises."""
        ...


def days_due(now: datetime, schedule: ScheduledSummary) -> list[date]:
    """The local days, oldest first, whose summary time has passed, within the catch-up
    window, and whose summary time came after the business joined and after the summary was
    switched on: a café that signs up at 22:30 hears nothing about a day it was not part of."""
    zone = ZoneInfo(schedule.timezone)
    local_now = now.astimezone(zone)
    since = max(schedule.joined_at, schedule.on_since or schedule.joined_at)
    first = max(local_now.date() - timedelta(days=CATCH_UP_DAYS), since.astimezone(zone).date())
    hours, minutes = (int(part) for part in schedule.at.split(":"))
    days = []
    day = first
    while day <= local_now.date():
        moment = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=zone)
        if since < moment <= local_now:
            days.append(day)
        day += timedelta(days=1)
    return days
