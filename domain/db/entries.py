"""Ledger entries read back: by key, receipt or card, reversals, and what a card's history says
about its stamps. Entries are only ever appended (domain/db/ledger.py), and never changed but
for an erased holder's free text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.db.dialect import Dialect
from domain.db.tables import LedgerEntry
from domain.model import LedgerKind


def _standing_stamps(card_id: int) -> ColumnElement[bool]:
    """Stamp entries of the card that no undo or "not me" has reversed."""
    reversal = aliased(LedgerEntry)
    return and_(
        LedgerEntry.card_id == card_id,
        LedgerEntry.kind == LedgerKind.STAMP.value,
        ~exists().where(reversal.reverses_entry_id == LedgerEntry.id),
    )


class EntryRepository:
    """Reads ledger entries through one session (and blanks an erased holder's reasons)."""

    def __init__(self, session: AsyncSession, dialect: Dialect) -> None:
        self.session = session
        self._lock_rows = dialect.locks_rows

    async def entry_by_key(self, idempotency_key: str) -> LedgerEntry | None:
        query = select(LedgerEntry).where(LedgerEntry.idempotency_key == idempotency_key)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def first_visit_bonuses(self, entry: LedgerEntry) -> list[LedgerEntry]:
        """The welcome and referral bonuses a card's first visit paid with `entry`: they follow
        it on the card in the same transaction (under the card's lock, nothing comes between)."""
        query = (
            select(LedgerEntry)
            .where(LedgerEntry.card_id == entry.card_id, LedgerEntry.id > entry.id)
            .order_by(LedgerEntry.id)
            .limit(3)
        )
        paid = []
        for row in (await self.session.execute(query)).scalars():
            first_visit = (LedgerKind.WELCOME.value, LedgerKind.REFERRAL.value)
            if row.kind not in first_visit or row.created_at != entry.created_at:
                break
            paid.append(row)
        return paid

    async def receipt_used(self, merchant_id: int, receipt: str) -> bool:
        query = select(LedgerEntry.id).where(
            LedgerEntry.merchant_id == merchant_id, LedgerEntry.receipt == receipt
        )
        return (await self.session.execute(query.limit(1))).first() is not None

    async def earning_of_receipt(self, merchant_id: int, receipt: str) -> LedgerEntry | None:
        """The entry a till's receipt earned at this merchant (unique: it earns once)."""
        query = select(LedgerEntry).where(
            LedgerEntry.merchant_id == merchant_id, LedgerEntry.receipt == receipt
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def entry(self, entry_id: int) -> LedgerEntry | None:
        return await self.session.get(LedgerEntry, entry_id)

    async def reversal_of(self, entry_id: int) -> LedgerEntry | None:
        """The compensating row of an entry (undo, not me), if it was reversed."""
        query = select(LedgerEntry).where(LedgerEntry.reverses_entry_id == entry_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def is_reversed(self, entry_id: int) -> bool:
        query = select(exists().where(LedgerEntry.reverses_entry_id == entry_id))
        return bool((await self.session.execute(query)).scalar())

    async def stamps_since(self, card_id: int, since: datetime) -> int:
        """Stamps given to the card since `since`, not counting reversed ones, nor what happy
        hours added (the daily limit is about what cashiers entered)."""
        given = LedgerEntry.stamps_delta - LedgerEntry.happy_hour_extra
        query = select(func.coalesce(func.sum(given), 0)).where(
            _standing_stamps(card_id), LedgerEntry.created_at >= since
        )
        return int((await self.session.execute(query)).scalar_one())

    async def last_stamp_time(self, card_id: int) -> datetime | None:
        """When the card's latest stamp that still stands was given."""
        query = (
            select(LedgerEntry.created_at)
            .where(_standing_stamps(card_id))
            .order_by(LedgerEntry.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def stamps_taken_back(self, card_id: int) -> int:
        """Stamps this card lost through corrections, undos and "not me", less those already
        added back by corrections: what a cashier may add back (never below 0)."""
        kinds = [LedgerKind.CORRECT_STAMPS.value, LedgerKind.UNDO.value, LedgerKind.NOT_ME.value]
        total = await self.session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.stamps_delta), 0)).where(
                LedgerEntry.card_id == card_id, LedgerEntry.kind.in_(kinds)
            )
        )
        return max(0, -int(total or 0))

    async def last_correction(self, card_id: int) -> LedgerEntry | None:
        """The card's latest correction of stamps, if any (on the (card_id, id) index)."""
        query = (
            select(LedgerEntry)
            .where(
                LedgerEntry.card_id == card_id,
                LedgerEntry.kind == LedgerKind.CORRECT_STAMPS.value,
            )
            .order_by(LedgerEntry.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def last_entry_by_staff(self, staff_user_id: int) -> LedgerEntry | None:
        query = (
            select(LedgerEntry)
            .where(LedgerEntry.staff_user_id == staff_user_id)
            .order_by(LedgerEntry.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def page(self, card_id: int, *, before_id: int | None, limit: int) -> list[LedgerEntry]:
        """Newest first; keyset pagination on the (card_id, id) index, cost independent of depth."""
        query = select(LedgerEntry).where(LedgerEntry.card_id == card_id)
        if before_id is not None:
            query = query.where(LedgerEntry.id < before_id)
        query = query.order_by(LedgerEntry.id.desc()).limit(limit)
        return list((await self.session.execute(query)).scalars())

    async def entries_of_cards(self, card_ids: list[int]) -> list[LedgerEntry]:
        if not card_ids:
            return []
        query = (
            select(LedgerEntry).where(LedgerEntry.card_id.in_(card_ids)).order_by(LedgerEntry.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def blank_reasons(self, card_ids: list[int]) -> None:
        """The entries' free text goes (staff may have written anything there); the kinds,
        amounts and deltas stay, so the balances still add up and nothing is deleted."""
        if not card_ids:
            return
        await self.session.execute(
            update(LedgerEntry)
            .where(LedgerEntry.card_id.in_(card_ids), LedgerEntry.reason.is_not(None))
            .values(reason=None)
        )
