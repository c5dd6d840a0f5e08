"""What the background jobs look for: cards whose points expire, old failed look-ups, the
database's health, and cards whose balances disagree with their ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.tables import ApiKeyLookupFailure, Card, LedgerEntry, LookupFailure, Program

# (card id, stamps held, stamps in the ledger, points held, points in the ledger)
BalanceRow = tuple[int, int, int, int, int]


class MaintenanceRepository:
    """Reads and writes for scheduled jobs, through one session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def expiring_programmes(self) -> list[tuple[int, int]]:
        """(merchant id, expiry days) of the programmes whose points expire."""
        query = select(Program.merchant_id, Program.expiry_days).where(Program.expiry_days > 0)
        return [(row[0], row[1]) for row in await self.session.execute(query)]

    async def idle_cards_with_points(self, merchant_id: int, cutoff: datetime) -> list[int]:
        query = select(Card.id).where(
            Card.merchant_id == merchant_id,
            Card.active,
            Card.points_balance > 0,
            Card.last_activity_at <= cutoff,
        )
        return list((await self.session.execute(query)).scalars())

    async def cards_to_remind(self, merchant_id: int, start: datetime, end: datetime) -> list[Card]:
        """Active cards with points, last active in (start, end], not reminded since then."""
        query = select(Card).where(
            Card.merchant_id == merchant_id,
            Card.active,
            Card.points_balance > 0,
            Card.last_activity_at > start,
            Card.last_activity_at <= end,
            or_(
                Card.expiry_reminded_at.is_(None),
                Card.expiry_reminded_at < Card.last_activity_at,
            ),
        )
        return list((await self.session.execute(query)).scalars())

    async def forget_lookup_failures_before(self, cutoff: datetime) -> int:
        """Failed look-ups of staff and of API keys older than `cutoff`; how many went."""
        of_staff = await self.session.execute(
            delete(LookupFailure).where(LookupFailure.failed_at < cutoff)
        )
        of_keys = await self.session.execute(
            delete(ApiKeyLookupFailure).where(ApiKeyLookupFailure.failed_at < cutoff)
        )
        return int(of_staff.rowcount) + int(of_keys.rowcount)  # type: ignore[attr-defined]

    async def ping(self) -> None:
        await self.session.execute(text("SELECT 1"))

    async def rewrite_schema_version(self) -> None:
        """Rewrite the one row of alembic_version with itself: a real write, no schema change."""
        await self.session.execute(text("UPDATE alembic_version SET version_num = version_num"))

    async def balances_off_ledger(self) -> list[BalanceRow]:
        """Cards whose balances differ from the sum of their ledger deltas."""
        sums = (
            select(
                LedgerEntry.card_id.label("card_id"),
                func.sum(LedgerEntry.stamps_delta).label("stamps"),
                func.sum(LedgerEntry.points_delta).label("points"),
            )
            .group_by(LedgerEntry.card_id)
            .subquery()
        )
        stamps = func.coalesce(sums.c.stamps, 0)
        points = func.coalesce(sums.c.points, 0)
        query = (
            select(Card.id, Card.stamp_count, stamps, Card.points_balance, points)
            .outerjoin(sums, sums.c.card_id == Card.id)
            .where(or_(Card.stamp_count != stamps, Card.points_balance != points))
        )
        return [
            (int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]))
            for r in await self.session.execute(query)
        ]
