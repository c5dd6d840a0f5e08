"""The owner's reports: ledger activity aggregated over a time range, and the ledger export.

Every query is bounded by the merchant and a time range on an index (ledger_entries
(merchant_id, created_at), cards (merchant_id, created_at)), so the cost follows the activity
of the period asked for, not the size of the whole ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.db.tables import Card, LedgerEntry, Offer, OfferRecipient, Reward, Store, User

# (store id or None, kind, kind of the reversed row or None, rows, stamps, points, happy-hour extra)
ActivityGroup = tuple[int | None, str, str | None, int, int, int, int]
# (entry, card number, store name, staff's first name, reward name)
ExportLine = tuple[LedgerEntry, str, str, str | None, str | None]


class ReportRepository:
    """Reads aggregates of one merchant's ledger, cards and offers through one session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def activity(
        self, merchant_id: int, start: datetime, end: datetime, *, by_store: bool
    ) -> list[ActivityGroup]:
        """Ledger rows grouped by kind (and store), each reversal with the kind it reversed."""
        original = aliased(LedgerEntry)
        store_columns = [LedgerEntry.store_id] if by_store else []
        query = (
            select(
                *store_columns,
                LedgerEntry.kind,
                original.kind,
                func.count(),
                func.coalesce(func.sum(LedgerEntry.stamps_delta), 0),
                func.coalesce(func.sum(LedgerEntry.points_delta), 0),
                func.coalesce(func.sum(LedgerEntry.happy_hour_extra), 0),
            )
            .outerjoin(original, original.id == LedgerEntry.reverses_entry_id)
            .where(*_in_range(merchant_id, start, end))
            .group_by(*store_columns, LedgerEntry.kind, original.kind)
        )
        groups: list[ActivityGroup] = []
        for row in await self.session.execute(query):
            values = tuple(row) if by_store else (None, *row)
            store_id, kind, reversed_kind, count, stamps, points, extra = values
            groups.append(
                (store_id, kind, reversed_kind, int(count), int(stamps), int(points), int(extra))
            )
        return groups

    async def customers_served_by_store(
        self, merchant_id: int, start: datetime, end: datetime, kinds: Sequence[str]
    ) -> dict[int, int]:
        """Distinct customers with a row of `kinds`, per store."""
        query = (
            select(LedgerEntry.store_id, func.count(distinct(Card.customer_id)))
            .join(Card, Card.id == LedgerEntry.card_id)
            .where(*_in_range(merchant_id, start, end), LedgerEntry.kind.in_(kinds))
            .group_by(LedgerEntry.store_id)
        )
        return {int(store_id): int(n) for store_id, n in await self.session.execute(query)}

    async def customers_served(
        self, merchant_id: int, start: datetime, end: datetime, kinds: Sequence[str]
    ) -> int:
        query = (
            select(func.count(distinct(Card.customer_id)))
            .select_from(LedgerEntry)
            .join(Card, Card.id == LedgerEntry.card_id)
            .where(*_in_range(merchant_id, start, end), LedgerEntry.kind.in_(kinds))
        )
        return int((await self.session.execute(query)).scalar_one())

    async def new_cards_by_store(
        self, merchant_id: int, start: datetime, end: datetime
    ) -> dict[int, int]:
        query = (
            select(Card.store_id, func.count())
            .where(*_cards_made(merchant_id, start, end))
            .group_by(Card.store_id)
        )
        return {int(store_id): int(n) for store_id, n in await self.session.execute(query)}

    async def new_cards(self, merchant_id: int, start: datetime, end: datetime) -> int:
        query = select(func.count()).select_from(Card).where(*_cards_made(merchant_id, start, end))
        return int((await self.session.execute(query)).scalar_one())

    async def reward_rows(
        self, merchant_id: int, start: datetime, end: datetime
    ) -> list[tuple[int, str, str, int]]:
        """(reward id, name, ledger kind, rows) for the rows that name a reward of the ladder."""
        query = (
            select(Reward.id, Reward.name, LedgerEntry.kind, func.count())
            .join(Reward, Reward.id == LedgerEntry.reward_id)
            .where(*_in_range(merchant_id, start, end), LedgerEntry.reward_id.is_not(None))
            .group_by(Reward.id, Reward.name, LedgerEntry.kind)
        )
        return [
            (int(reward_id), str(name), str(kind), int(n))
            for reward_id, name, kind, n in await self.session.execute(query)
        ]

    async def operations_by_staff(
        self, merchant_id: int, start: datetime, end: datetime, kinds: Sequence[str]
    ) -> dict[int, int]:
        """Rows of `kinds` per staff member who made them."""
        query = (
            select(LedgerEntry.staff_user_id, func.count())
            .where(
                *_in_range(merchant_id, start, end),
                LedgerEntry.staff_user_id.is_not(None),
                LedgerEntry.kind.in_(kinds),
            )
            .group_by(LedgerEntry.staff_user_id)
        )
        return {
            int(staff_id): int(n)
            for staff_id, n in await self.session.execute(query)
            if staff_id is not None
        }

    async def first_name(self, user_id: int) -> str | None:
        query = select(User.first_name).where(User.id == user_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def offers_sent(self, merchant_id: int, first_day: date, last_day: date) -> int:
        """Offers sent on these local days."""
        query = select(func.count()).where(
            Offer.merchant_id == merchant_id,
            Offer.sent_at.is_not(None),
            Offer.local_day >= first_day,
            Offer.local_day <= last_day,
        )
        return int((await self.session.execute(query)).scalar_one())

    async def offer_copies_delivered(self, merchant_id: int, start: datetime, end: datetime) -> int:
        """Copies of offers delivered between the bounds."""
        query = (
            select(func.count())
            .select_from(OfferRecipient)
            .join(Offer, Offer.id == OfferRecipient.offer_id)
            .where(
                Offer.merchant_id == merchant_id,
                OfferRecipient.outcome == "delivered",
                OfferRecipient.finished_at >= start,
                OfferRecipient.finished_at < end,
            )
        )
        return int((await self.session.execute(query)).scalar_one())

    async def export_lines(self, merchant_id: int, since: datetime) -> list[ExportLine]:
        """The ledger since `since`, oldest first, with the names a reader needs."""
        query = (
            select(LedgerEntry, Card.number, Store.name, User.first_name, Reward.name)
            .join(Card, Card.id == LedgerEntry.card_id)
            .join(Store, Store.id == LedgerEntry.store_id)
            .outerjoin(User, User.id == LedgerEntry.staff_user_id)
            .outerjoin(Reward, Reward.id == LedgerEntry.reward_id)
            .where(LedgerEntry.merchant_id == merchant_id, LedgerEntry.created_at >= since)
            .order_by(LedgerEntry.created_at, LedgerEntry.id)
        )
        return [
            (entry, number, store_name, staff_name, reward_name)
            for entry, number, store_name, staff_name, reward_name in await self.session.execute(
                query
            )
        ]


def _in_range(
    merchant_id: int, start: datetime, end: datetime
) -> tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]]:
    return (
        LedgerEntry.merchant_id == merchant_id,
        LedgerEntry.created_at >= start,
        LedgerEntry.created_at < end,
    )


def _cards_made(
    merchant_id: int, start: datetime, end: datetime
) -> tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]]:
    return (Card.merchant_id == merchant_id, Card.created_at >= start, Card.created_at < end)
