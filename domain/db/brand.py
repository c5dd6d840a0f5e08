"""The café's look (colour, stamp symbol, logo): one row per merchant, read by primary key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.dialect import Dialect
from domain.db.tables import Brand


class BrandRepository:
    def __init__(self, session: AsyncSession, dialect: Dialect) -> None:
        self.session = session
        self._dialect = dialect

    async def get(self, merchant_id: int, *, lock: bool = False) -> Brand | None:
        return await self.session.get(
            Brand, merchant_id, with_for_update=lock and self._dialect.locks_rows
        )

    async def locked(self, merchant_id: int, now: datetime) -> Brand:
        """The café's row, made if missing: INSERT … ON CONFLICT DO NOTHING, so two taps at
        once both find it (the second waits for the first), then locked for the change."""
        await self.session.execute(
            self._dialect.insert(Brand)
            .values(merchant_id=merchant_id, logo_version=0, updated_at=now)
            .on_conflict_do_nothing(index_elements=[Brand.merchant_id])
        )
        row = await self.session.get(
            Brand, merchant_id, with_for_update=self._dialect.locks_rows, populate_existing=True
        )
        assert row is not None
        return row
