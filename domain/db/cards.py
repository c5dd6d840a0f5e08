"""Cards looked up: by id, number, QR token or holder, and the failed look-ups counted against
whoever asks for unknown cards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.dialect import Dialect
from domain.db.tables import ApiKeyLookupFailure, Card, LookupFailure


class CardRepository:
    """Reads cards and records failed look-ups through one session."""

    def __init__(self, session: AsyncSession, dialect: Dialect) -> None:
        self.session = session
        self._lock_rows = dialect.locks_rows

    async def card_by_id(self, card_id: int, *, lock: bool = False) -> Card | None:
        query = select(Card).where(Card.id == card_id)
        if lock and self._lock_rows:
            query = query.with_for_update()
        return (
            await self.session.execute(query.execution_options(populate_existing=True))
        ).scalar_one_or_none()

    async def card_by_reference(
        self, merchant_id: int, *, number: str | None, qr_token: str | None, lock: bool
    ) -> Card | None:
        """An active card of this merchant by its 12 digits or by its QR token."""
        query = select(Card).where(Card.merchant_id == merchant_id, Card.active)
        if number is not None:
            query = query.where(Card.number == number)
        elif qr_token is not None:
            query = query.where(Card.qr_token == qr_token)
        else:
            return None
        if lock and self._lock_rows:
            query = query.with_for_update()
        result = await self.session.execute(query.execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def card_by_qr_token(self, qr_token: str) -> Card | None:
        query = select(Card).where(Card.qr_token == qr_token, Card.active)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def active_cards_of_customer(
        self, customer_id: int, merchant_id: int | None = None, *, lock: bool = False
    ) -> list[Card]:
        query = select(Card).where(Card.customer_id == customer_id, Card.active)
        if merchant_id is not None:
            query = query.where(Card.merchant_id == merchant_id)
        if lock and self._lock_rows:
            query = query.with_for_update()
        query = query.order_by(Card.created_at, Card.id)
        return list((await self.session.execute(query)).scalars())

    async def holders_of_active_cards(self, merchant_id: int) -> set[int]:
        """Every customer with an active card at this merchant."""
        query = select(Card.customer_id).where(Card.merchant_id == merchant_id, Card.active)
        return set((await self.session.execute(query.distinct())).scalars())

    async def all_cards_of_customer(self, customer_id: int) -> list[Card]:
        """Active or not (deactivated by a merge, say): what erasing the customer covers."""
        query = select(Card).where(Card.customer_id == customer_id).order_by(Card.id)
        return list((await self.session.execute(query)).scalars())

    async def number_taken(self, number: str) -> bool:
        query = select(exists().where(Card.number == number))
        return bool((await self.session.execute(query)).scalar())

    async def referral_code_taken(self, code: str) -> bool:
        query = select(exists().where(Card.referral_code == code))
        return bool((await self.session.execute(query)).scalar())

    async def recent_lookup_failures(self, staff_user_id: int, since: datetime) -> list[datetime]:
        """Times of the staff member's failed look-ups since `since`, oldest first."""
        query = (
            select(LookupFailure.failed_at)
            .where(LookupFailure.staff_user_id == staff_user_id, LookupFailure.failed_at >= since)
            .order_by(LookupFailure.failed_at)
        )
        return list((await self.session.execute(query)).scalars())

    async def add_lookup_failure(self, staff_user_id: int, when: datetime) -> None:
        self.session.add(LookupFailure(staff_user_id=staff_user_id, failed_at=when))
        await self.session.flush()

    async def recent_key_lookup_failures(self, api_key_id: int, since: datetime) -> list[datetime]:
        """Times of the API key's failed look-ups since `since`, oldest first."""
        query = (
            select(ApiKeyLookupFailure.failed_at)
            .where(
                ApiKeyLookupFailure.api_key_id == api_key_id,
                ApiKeyLookupFailure.failed_at >= since,
            )
            .order_by(ApiKeyLookupFailure.failed_at)
        )
        return list((await self.session.execute(query)).scalars())

    async def add_key_lookup_failure(self, api_key_id: int, when: datetime) -> None:
        self.session.add(ApiKeyLookupFailure(api_key_id=api_key_id, failed_at=when))
        await self.session.flush()
