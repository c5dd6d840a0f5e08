"""API keys: stored by the hash of their secret, found by it on every request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.tables import ApiKey, Store


class ApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        await self.session.flush()
        return key

    async def in_use(self, merchant_id: int) -> list[tuple[ApiKey, str | None]]:
        """The merchant's keys not revoked, by name, with their store's name (None: every store)."""
        query = (
            select(ApiKey, Store.name)
            .outerjoin(Store, Store.id == ApiKey.store_id)
            .where(ApiKey.merchant_id == merchant_id, ApiKey.revoked_at.is_(None))
            .order_by(ApiKey.name)
        )
        return [(key, name) for key, name in (await self.session.execute(query)).all()]

    async def by_name(self, merchant_id: int, name: str) -> ApiKey | None:
        query = select(ApiKey).where(
            ApiKey.merchant_id == merchant_id, ApiKey.name == name, ApiKey.revoked_at.is_(None)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_hash(self, secret_hash: str) -> ApiKey | None:
        query = select(ApiKey).where(ApiKey.secret_hash == secret_hash)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def revoke(self, key_id: int, now: datetime) -> bool:
        """Revoke a key in use; False when it was revoked already (by a concurrent revoke)."""
        result = await self.session.execute(
            update(ApiKey)
            .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(ApiKey.id)
        )
        return result.scalar_one_or_none() is not None

    async def mark_used(self, key_id: int, now: datetime, stale_before: datetime) -> None:
        """Record a use, unless one was recorded since `stale_before` (one write a minute)."""
        await self.session.execute(
            update(ApiKey)
            .where(
                ApiKey.id == key_id,
                or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < stale_before),
            )
            .values(last_used_at=now)
        )
