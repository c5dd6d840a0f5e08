"""The store each all-stores staff member said they work at, per merchant-local day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased
from sqlalchemy.sql.elements import ColumnElement

from domain.db.dialect import Dialect
from domain.db.tables import Store, StoreOfDay


class StoresOfDayRepository:
    def __init__(self, session: AsyncSession, dialect: Dialect) -> None:
        self.session = session
        self._dialect = dialect

    async def chosen(self, membership_id: int, day: date) -> int | None:
        """The store said for `day`, if any."""
        query = select(StoreOfDay.store_id).where(
            StoreOfDay.membership_id == membership_id, StoreOfDay.local_day == day
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def said(self, membership_id: int) -> list[tuple[date, str]]:
        """Every day a store was said for the membership, with the store's name, oldest first."""
        query = (
            select(StoreOfDay.local_day, Store.name)
            .join(Store, Store.id == StoreOfDay.store_id)
            .where(StoreOfDay.membership_id == membership_id)
            .order_by(StoreOfDay.local_day)
        )
        return [(day, name) for day, name in await self.session.execute(query)]

    async def choose(self, membership_id: int, day: date, store_id: int, now: datetime) -> None:
        """Say (or change) the store of `day`: the last tap counts."""
        insert = self._dialect.insert(StoreOfDay).values(
            membership_id=membership_id, local_day=day, store_id=store_id, chosen_at=now
        )
        await self.session.execute(
            insert.on_conflict_do_update(
                index_elements=[StoreOfDay.membership_id, StoreOfDay.local_day],
                set_={"store_id": store_id, "chosen_at": now},
            )
        )


def latest_day_of(membership_id: InstrumentedAttribute[int]) -> ColumnElement[date]:
    """The last day a store was said for the membership (a correlated scalar subquery, for
    statements that read a seat and what surrounds it at once)."""
    earlier = aliased(StoreOfDay)  # the statement may join StoreOfDay itself
    return (
        select(func.max(earlier.local_day))
        .where(earlier.membership_id == membership_id)
        .scalar_subquery()
    )
