"""The scheduled daily summaries in SQL: which programmes want one, and the days already
claimed (the ports are domain/summary_schedule.py's)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.effect_log import EffectLog
from domain.db.tables import Merchant, Program, SummaryDelivery
from domain.db.uow import Database
from domain.effects import Effect
from domain.summary_schedule import ScheduledSummary, SummaryAlreadyClaimed


class SqlSummaryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def scheduled(self) -> list[ScheduledSummary]:
        """Every programme with a summary time, by merchant."""
        query = (
            select(
                Program.merchant_id,
                Program.timezone,
                Program.summary_time,
                Program.summary_on_since,
                Merchant.created_at,
            )
            .join(Merchant, Merchant.id == Program.merchant_id)
            .where(Program.summary_time.is_not(None))
            .order_by(Program.merchant_id)
        )
        rows = []
        for merchant_id, timezone, at, on_since, joined_at in await self.session.execute(query):
            assert at is not None
            rows.append(ScheduledSummary(merchant_id, timezone, at, on_since, joined_at))
        return rows

    async def claimed_since(self, earliest: date) -> set[tuple[int, date]]:
        """(merchant, local day) of the summaries claimed for `earliest` or later."""
        query = select(SummaryDelivery.merchant_id, SummaryDelivery.local_day).where(
            SummaryDelivery.local_day >= earliest
        )
        return {(row[0], row[1]) for row in await self.session.execute(query)}

    async def claim(self, merchant_id: int, day: date, now: datetime) -> None:
        """Claim the day's summary; the unique key refuses a second claim, also a concurrent
        one, which waits here for the first to commit (PostgreSQL) or for its turn (SQLite)."""
        self.session.add(SummaryDelivery(merchant_id=merchant_id, local_day=day, claimed_at=now))
        try:
            await self.session.flush()
        except IntegrityError as taken:
            raise SummaryAlreadyClaimed() from taken

    async def owner_of(self, merchant_id: int) -> int:
        query = select(Merchant.owner_user_id).where(Merchant.id == merchant_id)
        return (await self.session.execute(query)).scalar_one()


class SqlSummaryWork:
    """A transaction on the database's session; effects go to the outbox inside it."""

    def __init__(self, session: AsyncSession, effects: EffectLog) -> None:
        self.summaries = SqlSummaryRepository(session)
        self._session = session
        self._effects = effects

    async def record(self, effects: Sequence[Effect]) -> None:
        await self._effects.record(self._session, effects)


class SqlSummaryUnitOfWork:
    """The summary schedule's transactions, opened by the Database (domain/db/uow.py)."""

    def __init__(self, database: Database, effects: EffectLog) -> None:
        self._db = database
        self._effects = effects

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlSummaryWork]:
        async with self._db.read() as session:
            yield SqlSummaryWork(session, self._effects)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlSummaryWork]:
        async with self._db.write() as session:
            yield SqlSummaryWork(session, self._effects)
