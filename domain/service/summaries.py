"""The scheduled daily summary: which days are due, claiming each once, and what it says.

Which days are due is domain/summary_schedule.py's rule. Each (merchant, day) is claimed by a
unique row that commits with its outbox entry, so however many workers or restarts, it is sent
once.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain import insights as rules
from domain.clock import Clock
from domain.db.effect_log import EffectLog
from domain.db.insights import InsightsRepository
from domain.db.summaries import SqlSummaryUnitOfWork
from domain.db.uow import Database
from domain.effects import SendSummary
from domain.model import DailySummary
from domain.service.base import ServiceBase
from domain.service.reports import ReportService, day_bounds
from domain.summary_schedule import SummaryAlreadyClaimed, SummaryUnitOfWork, days_due

WEEKLY_DAY = 0  # Monday's summary tells how the week went


class SummarySchedule:
    """Which summaries are due, and queuing each once: over the ports of
    domain/summary_schedule.py alone, so any unit of work can carry them."""

    def __init__(self, unit_of_work: SummaryUnitOfWork, clock: Clock) -> None:
        self._uow = unit_of_work
        self._clock = clock

    async def due_summaries(self) -> list[tuple[int, date]]:
        """(merchant, local day) pairs whose summary time has passed and that were not sent,
        each merchant's oldest day first."""
        now = self._clock.now()
        async with self._uow.read() as work:
            due = [
                (schedule.merchant_id, day)
                for schedule in await work.summaries.scheduled()
                for day in days_due(now, schedule)
            ]
            if not due:
                return []
            sent = await work.summaries.claimed_since(min(day for _, day in due))
        return [pair for pair in due if pair not in sent]

    async def queue_summary(self, merchant_id: int, day: date) -> bool:
        """Queue one day's summary for delivery; False if it was queued already.

        The marker and the outbox row commit together, and the outbox marks the summary done
        only once Telegram accepted it: a crash in between sends it after the restart. The
        outbox delivers one owner's messages in the order they were queued.
        """
        try:
            async with self._uow.write() as work:
                await work.summaries.claim(merchant_id, day, self._clock.now())
                owner = await work.summaries.owner_of(merchant_id)
                await work.record(
                    [SendSummary(merchant_id=merchant_id, day=day, owner_user_id=owner)]
                )
        except SummaryAlreadyClaimed:
            return False
        return True


class SummaryService(ServiceBase):
    """The daily summaries the scheduler queues and the outbox delivers."""

    def __init__(self, database: Database, clock: Clock, effects: EffectLog) -> None:
        super().__init__(database, clock, effects)
        self._reports = ReportService(database, clock, effects)
        self._schedule = SummarySchedule(SqlSummaryUnitOfWork(database, effects), clock)

    async def due_summaries(self) -> list[tuple[int, date]]:
        """SummarySchedule.due_summaries, in SQL."""
        return await self._schedule.due_summaries()

    async def queue_summary(self, merchant_id: int, day: date) -> bool:
        """SummarySchedule.queue_summary, in SQL."""
        return await self._schedule.queue_summary(merchant_id, day)

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
