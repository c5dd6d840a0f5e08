"""The scheduled daily summary: which days are due, claiming each once, and what it says.

A day is due once its summary time (merchant-local) has passed. Days missed while the bot was
down are caught up, oldest first, up to CATCH_UP_DAYS back, but never from before the business
joined or the summary was last switched on. Each (merchant, day) is claimed by a unique row
that commits with its outbox entry, so however many workers or restarts, it is sent once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain import insights as rules
from domain.clock import Clock
from domain.db.effect_log import EffectLog
from domain.db.insights import InsightsRepository
from domain.db.summaries import SummaryRepository
from domain.db.uow import Database, IntegrityError
from domain.effects import SendSummary
from domain.model import DailySummary
from domain.service.base import ServiceBase
from domain.service.reports import ReportService, day_bounds

CATCH_UP_DAYS = 7  # a summary missed longer ago than a week is stale: skipped
WEEKLY_DAY = 0  # Monday's summary tells how the week went


class SummaryService(ServiceBase):
    """The daily summaries the scheduler queues and the outbox delivers."""

    def __init__(self, database: Database, clock: Clock, effects: EffectLog) -> None:
        super().__init__(database, clock, effects)
        self._reports = ReportService(database, clock, effects)

    async def due_summaries(self) -> list[tuple[int, date]]:
        """(merchant, local day) pairs whose summary time has passed and that were not sent,
        each merchant's oldest day first."""
        now = self._clock.now()
        due: list[tuple[int, date]] = []
        async with self._db.read() as session:
            summaries = SummaryRepository(session)
            for merchant_id, timezone, at, on_since, created_at in await summaries.scheduled():
                due += [
                    (merchant_id, day)
                    for day in _days_due(now, timezone, at, on_since or created_at, created_at)
                ]
            if not due:
                return []
            sent = await summaries.claimed_since(min(day for _, day in due))
        return [pair for pair in due if pair not in sent]

    async def queue_summary(self, merchant_id: int, day: date) -> bool:
        """Queue one day's summary for delivery; False if it was queued already.

        The marker and the outbox row commit together, and the outbox marks the summary done
        only once Telegram accepted it: a crash in between sends it after the restart. The
        outbox delivers one owner's messages in the order they were queued.
        """
        try:
            async with self._db.write() as session:
                await SummaryRepository(session).claim(merchant_id, day, self._clock.now())
                merchant = await self._directory(session).merchant(merchant_id)
                effect = SendSummary(
                    merchant_id=merchant_id, day=day, owner_user_id=merchant.owner_user_id
                )
                await self._effects.record(session, [effect])
        except IntegrityError:
            return False
        return True

    async def daily_summary(self, merchant_id: int, day: date) -> DailySummary:
        """One day's summary, whether the owner wants a word about a quiet day, and on Mondays
        active members and repeat rate against the week before (domain/insights.py)."""
        summary = await self._reports.summary(merchant_id, day, day)
        async with self._db.read() as session:
            program = await self._directory(session).program(merchant_id)
            quiet_day_message = program.quiet_day_message
            week = None
            if day.weekday() == WEEKLY_DAY:
                # Visits back to the 90-day window of the Monday before.
                first = day - timedelta(days=7 + rules.REPEAT_WINDOW - 1)
                since, _ = day_bounds(first, first, program.timezone)
                earnings = await InsightsRepository(session).earnings(merchant_id, since)
                visits = rules.visits_of(earnings, program.timezone)
                week = rules.week_on_week(visits, day)
        return DailySummary(summary=summary, quiet_day_message=quiet_day_message, week=week)


def _days_due(
    now: datetime, timezone: str, at: str, on_since: datetime, created_at: datetime
) -> list[date]:
    """The local days, oldest first, whose summary time has passed, within the catch-up
    window, and whose summary time came after the business joined and after the summary was
    switched on: a café that signs up at 22:30 hears nothing about a day it was not part of."""
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    since = max(created_at, on_since)
    first = max(local_now.date() - timedelta(days=CATCH_UP_DAYS), since.astimezone(zone).date())
    hours, minutes = (int(part) for part in at.split(":"))
    days = []
    day = first
    while day <= local_now.date():
        moment = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=zone)
        if since < moment <= local_now:
            days.append(day)
        day += timedelta(days=1)
    return days
