"""The facts owner insights are computed from (domain/insights.py), each read bounded by the
merchant, and by a time range where it has one, on an index: ledger_entries (merchant_id,
created_at), referrals (merchant_id, converted_at), offers (merchant_id, local_day). The reads
of the café's cards walk ix_cards_merchant_members alone, which holds every column they ask
for. An entry that was undone ("undo", "not me") is left out by its reversing row, found
through the unique reverses_entry_id."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.db.tables import Card, LedgerEntry, Offer, OfferRecipient, Referral, Store, User
from domain.insights import Earning
from domain.model import BONUS_KINDS, LedgerKind

EARNING_KINDS = [LedgerKind.STAMP.value, LedgerKind.EARN_POINTS.value]
BALANCE_GAINING_KINDS = EARNING_KINDS + [kind.value for kind in BONUS_KINDS]
REDEMPTION_KINDS = [
    LedgerKind.REDEEM_STAMPS.value,
    LedgerKind.REDEEM_POINTS.value,
    LedgerKind.REDEEM_REWARD.value,
]
_EARNING = frozenset(EARNING_KINDS)
_BALANCE_GAINING = frozenset(BALANCE_GAINING_KINDS)
_REDEMPTION = frozenset(REDEMPTION_KINDS)
_WINDOW_KINDS = sorted(_BALANCE_GAINING | _REDEMPTION)


def _not_undone() -> ColumnElement[bool]:
    reversal = aliased(LedgerEntry)
    return ~select(reversal.id).where(reversal.reverses_entry_id == LedgerEntry.id).exists()


def _card_of_entry() -> ColumnElement[bool]:
    """An entry's card, which is always at the entry's merchant. Saying so lets PostgreSQL
    join the café's cards only: without it, it hashed every card of the database, and its
    estimate of the rows (merchant × period, read as independent) grew with the ledger until
    it added parallel workers, whose start cost more than the read (issue 21)."""
    return and_(Card.id == LedgerEntry.card_id, Card.merchant_id == LedgerEntry.merchant_id)


class LedgerWindow(NamedTuple):
    """What the Insights page reads of a café's ledger, entries that were undone left out."""

    earnings: list[Earning]  # since `since`, in time order
    redemptions: list[tuple[int, datetime]]  # (customer, when), since `since`
    stamp_gains: list[tuple[int, int]]  # (before, after) of every earning and bonus since
    point_gains: list[tuple[int, int]]  # `gains_since`, of the stamps and of the points


class InsightsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def earnings(self, merchant_id: int, since: datetime) -> list[Earning]:
        rows = await self.session.execute(
            select(
                Card.customer_id,
                LedgerEntry.store_id,
                LedgerEntry.staff_user_id,
                LedgerEntry.created_at,
            )
            .join(Card, _card_of_entry())
            .where(
                LedgerEntry.merchant_id == merchant_id,
                LedgerEntry.created_at >= since,
                LedgerEntry.kind.in_(EARNING_KINDS),
                _not_undone(),
            )
            .order_by(LedgerEntry.created_at)  # the index's order: visits_of need not sort
        )
        return [Earning._make(row) for row in rows]

    async def ledger_window(
        self, merchant_id: int, since: datetime, gains_since: datetime
    ) -> LedgerWindow:
        """Earnings and redemptions since `since`, balance gains since `gains_since`: one
        read of the café's window (it was three, each walking the same rows)."""
        start = min(since, gains_since)
        rows = await self.session.execute(
            select(
                Card.customer_id,
                LedgerEntry.store_id,
                LedgerEntry.staff_user_id,
                LedgerEntry.created_at,
                LedgerEntry.kind,
                LedgerEntry.stamps_delta,
                LedgerEntry.stamp_balance_after,
                LedgerEntry.points_delta,
                LedgerEntry.points_balance_after,
            )
            .join(Card, _card_of_entry())
            .where(
                LedgerEntry.merchant_id == merchant_id,
                LedgerEntry.created_at >= start,
                LedgerEntry.kind.in_(_WINDOW_KINDS),
                _not_undone(),
            )
            .order_by(LedgerEntry.created_at)  # the index's order: visits_of need not sort
        )
        window = LedgerWindow([], [], [], [])
        for customer, store, staff, at, kind, stamps, stamps_after, points, points_after in rows:
            if at >= since:
                if kind in _EARNING:
                    window.earnings.append(Earning(customer, store, staff, at))
                elif kind in _REDEMPTION:
                    window.redemptions.append((customer, at))
            if at >= gains_since and kind in _BALANCE_GAINING:
                if stamps > 0:
                    window.stamp_gains.append((stamps_after - stamps, stamps_after))
                if points > 0:
                    window.point_gains.append((int(points_after - points), int(points_after)))
        return window

    async def new_customers(self, merchant_id: int, since: datetime) -> set[int]:
        """Customers whose first visit at the merchant (on any of their cards) is since."""
        rows = await self.session.execute(
            select(Card.customer_id)
            .where(Card.merchant_id == merchant_id, Card.first_visit_at.is_not(None))
            .group_by(Card.customer_id)
            .having(func.min(Card.first_visit_at) >= since)
        )
        return set(rows.scalars())

    async def cards_with_reward_ready(
        self, merchant_id: int, stamp_cost: int | None, points_cost: int | None
    ) -> int:
        ready = []
        if stamp_cost is not None:
            ready.append(Card.stamp_count >= stamp_cost)
        if points_cost is not None:
            ready.append(Card.points_balance >= points_cost)
        if not ready:
            return 0
        count = await self.session.scalar(
            select(func.count())
            .select_from(Card)
            .where(Card.merchant_id == merchant_id, Card.active, or_(*ready))
        )
        return int(count or 0)

    async def lapsed(self, merchant_id: int, before: datetime) -> int:
        """Customers with an active card here, seen once, and not since `before`."""
        latest = (
            select(Card.customer_id, func.max(Card.last_activity_at).label("latest"))
            .where(Card.merchant_id == merchant_id, Card.active, Card.first_visit_at.is_not(None))
            .group_by(Card.customer_id)
            .subquery()
        )
        count = await self.session.scalar(
            select(func.count()).select_from(latest).where(latest.c.latest < before)
        )
        return int(count or 0)

    async def winback_messages(
        self, merchant_id: int, since: datetime, until: datetime
    ) -> list[tuple[int, datetime]]:
        rows = await self.session.execute(
            select(Card.customer_id, Card.winback_sent_at).where(
                Card.merchant_id == merchant_id,
                Card.winback_sent_at >= since,
                Card.winback_sent_at < until,
            )
        )
        return [(customer, at) for customer, at in rows if at is not None]

    async def referrals_converted(self, merchant_id: int, since: datetime) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(Referral)
            .where(Referral.merchant_id == merchant_id, Referral.converted_at >= since)
        )
        return int(count or 0)

    async def offer_deliveries(
        self, merchant_id: int, since: datetime, until: datetime
    ) -> list[tuple[int, datetime]]:
        """(customer, sent at) of every offer delivered between the two times."""
        rows = await self.session.execute(
            select(OfferRecipient.customer_id, Offer.sent_at)
            .join(Offer, Offer.id == OfferRecipient.offer_id)
            .where(
                Offer.merchant_id == merchant_id,
                Offer.sent_at >= since,
                Offer.sent_at < until,
                OfferRecipient.outcome == "delivered",
            )
        )
        return [(customer, at) for customer, at in rows if at is not None]

    async def store_names(self, merchant_id: int) -> dict[int, str]:
        rows = await self.session.execute(
            select(Store.id, Store.name).where(Store.merchant_id == merchant_id).order_by(Store.id)
        )
        return {store_id: name for store_id, name in rows}

    async def names(self, user_ids: set[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        rows = await self.session.execute(
            select(User.id, User.first_name).where(User.id.in_(sorted(user_ids)))
        )
        return {user_id: name or str(user_id) for user_id, name in rows}
