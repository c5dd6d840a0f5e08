"""The scheduled daily summaries: which programmes want one, and the days already claimed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.tables import Merchant, Program, SummaryDelivery

# (merchant id, timezone, summary time "HH:MM", summary on since, merchant joined at)
ScheduledSummary = tuple[int, str, str, datetime | None, datetime]


class SummaryRepository:
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
        for merchant_id, timezone, at, on_since, created_at in await self.session.execute(query):
            assert at is not None
            rows.append((merchant_id, timezone, at, on_since, created_at))
        return rows

    async def claimed_since(self, earliest: date) -> set[tuple[int, date]]:
        """(merchant, local day) of the summaries claimed for `earliest` or later."""
        query = select(SummaryDelivery.merchant_id, SummaryDelivery.local_day).where(
            SummaryDelivery.local_day >= earliest
        )
        return {(row[0], row[1]) for row in await self.session.execute(query)}

    async def claim(self, merchant_id: int, day: date, now: datetime) -> None:
        """Claim the day's summary; raises IntegrityError if it was claimed (the unique key)."""
        self.session.add(SummaryDelivery(merchant_id=merchant_id, local_day=day, claimed_at=now))
        await self.session.flush()
