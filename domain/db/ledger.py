"""Cards and their ledger: look-ups, atomic balance changes and append-only entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from domain.db.dialect import Dialect
from domain.db.tables import ApiKeyLookupFailure, Card, LedgerEntry, LookupFailure
from domain.db.webhooks import record_operation
from domain.model import LedgerKind

# Which lifetime counters each kind of entry moves, besides the two balances.
# A reversal moves the same counters the other way.
_COUNTERS: dict[LedgerKind, tuple[str, ...]] = {
    LedgerKind.STAMP: ("lifetime_stamps",),
    LedgerKind.REDEEM_STAMPS: ("rewards_redeemed",),
    LedgerKind.EARN_POINTS: ("points_earned",),
    LedgerKind.REDEEM_POINTS: ("points_redeemed",),
    LedgerKind.VOID_POINTS: ("points_voided",),
    LedgerKind.EXPIRE_POINTS: ("points_expired",),
    LedgerKind.REDEEM_REWARD: ("rewards_redeemed", "points_redeemed"),
    # Bonuses are collected like stamps and points earned (the card's lifetime figures).
    LedgerKind.WELCOME: ("lifetime_stamps", "points_earned"),
    LedgerKind.BIRTHDAY: ("lifetime_stamps", "points_earned"),
    LedgerKind.REFERRAL: ("lifetime_stamps", "points_earned"),
}


def counter_deltas(kind: LedgerKind, stamps_delta: int, points_delta: int) -> dict[str, int]:
    """The lifetime-counter changes of an entry of `kind` with these balance deltas."""
    deltas: dict[str, int] = {}
    for counter in _COUNTERS.get(kind, ()):
        if counter == "lifetime_stamps":
            deltas[counter] = stamps_delta
        elif counter == "rewards_redeemed":
            deltas[counter] = 1
        elif counter == "points_earned":
            deltas[counter] = points_delta
        else:  # redeemed, voided, expired: recorded as positive amounts taken off the balance
            deltas[counter] = -points_delta
    return deltas


def _standing_stamps(card_id: int) -> ColumnElement[bool]:
    """Stamp entries of the card that no undo or "not me" has reversed."""
    reversal = aliased(LedgerEntry)
    return and_(
        LedgerEntry.card_id == card_id,
        LedgerEntry.kind == LedgerKind.STAMP.value,
        ~exists().where(reversal.reverses_entry_id == LedgerEntry.id),
    )


@dataclass(frozen=True)
class Balances:
    stamp_count: int
    points_balance: int


class LedgerRepository:
    """Reads and writes cards and ledger entries through one session."""

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

    async def apply(
        self,
        card_id: int,
        *,
        stamps_delta: int,
        points_delta: int,
        counters: dict[str, int],
        timestamps: dict[str, datetime | None],
        loaded: Card | None = None,
    ) -> Balances | None:
        """Change balances in one conditional UPDATE; None if a balance would go negative.

        `loaded`, the card's object in this session, is brought up to date from the UPDATE's
        RETURNING, so that nobody needs to read the card again.
        """
        values: dict[str, object] = {
            "stamp_count": Card.stamp_count + stamps_delta,
            "points_balance": Card.points_balance + points_delta,
            **timestamps,
        }
        for counter, delta in counters.items():
            values[counter] = getattr(Card, counter) + delta
        statement = (
            update(Card)
            .where(
                Card.id == card_id,
                Card.stamp_count + stamps_delta >= 0,
                Card.points_balance + points_delta >= 0,
            )
            .values(values)
            .returning(
                Card.stamp_count,
                Card.points_balance,
                *(getattr(Card, counter) for counter in counters),
            )
            .execution_options(synchronize_session=False)
        )
        row = (await self.session.execute(statement)).one_or_none()
        if row is None:
            return None
        if loaded is not None:
            assert loaded.id == card_id
            # Committed values: the row already holds them, so nothing is flushed again.
            names = ("stamp_count", "points_balance", *counters)
            for name, value in zip(names, row, strict=True):
                set_committed_value(loaded, name, value)
            for name, moment in timestamps.items():
                set_committed_value(loaded, name, moment)
        return Balances(stamp_count=row[0], points_balance=row[1])

    async def append(
        self,
        *,
        card: Card,
        store_id: int,
        staff_user_id: int | None,
        kind: LedgerKind,
        stamps_delta: int,
        points_delta: int,
        balances: Balances,
        created_at: datetime,
        amount: Decimal | None = None,
        reason: str | None = None,
        idempotency_key: str | None = None,
        reverses_entry_id: int | None = None,
        reward_id: int | None = None,
        happy_hour_extra: int = 0,
        request_hash: str | None = None,
        receipt: str | None = None,
    ) -> LedgerEntry:
        entry = LedgerEntry(
            card_id=card.id,
            merchant_id=card.merchant_id,
            store_id=store_id,
            staff_user_id=staff_user_id,
            kind=kind.value,
            stamps_delta=stamps_delta,
            points_delta=points_delta,
            stamp_balance_after=balances.stamp_count,
            points_balance_after=balances.points_balance,
            amount=amount,
            reason=reason,
            idempotency_key=idempotency_key,
            reverses_entry_id=reverses_entry_id,
            reward_id=reward_id,
            created_at=created_at,
            happy_hour_extra=happy_hour_extra,
            request_hash=request_hash,
            receipt=receipt,
        )
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def post(
        self,
        card: Card,
        *,
        kind: LedgerKind,
        store_id: int,
        staff_user_id: int | None,
        created_at: datetime,
        stamps_delta: int = 0,
        points_delta: int = 0,
        counters: dict[str, int] | None = None,
        timestamps: dict[str, datetime | None] | None = None,
        amount: Decimal | None = None,
        reason: str | None = None,
        idempotency_key: str | None = None,
        reverses_entry_id: int | None = None,
        reward_id: int | None = None,
        happy_hour_extra: int = 0,
        request_hash: str | None = None,
        receipt: str | None = None,
    ) -> LedgerEntry | None:
        """Change the card's balances and append the ledger row that records it, together.

        The one way any balance changes. None, with nothing written, when a balance would go
        negative. `counters` defaults to the lifetime counters an entry of `kind` moves; the card
        object is brought up to date, so callers can read it afterwards.
        """
        balances = await self.apply(
            card.id,
            stamps_delta=stamps_delta,
            points_delta=points_delta,
            counters=(
                counter_deltas(kind, stamps_delta, points_delta) if counters is None else counters
            ),
            timestamps=timestamps or {},
            loaded=card,
        )
        if balances is None:
            return None
        entry = await self.append(
            card=card,
            store_id=store_id,
            staff_user_id=staff_user_id,
            kind=kind,
            stamps_delta=stamps_delta,
            points_delta=points_delta,
            balances=balances,
            created_at=created_at,
            amount=amount,
            reason=reason,
            idempotency_key=idempotency_key,
            reverses_entry_id=reverses_entry_id,
            reward_id=reward_id,
            happy_hour_extra=happy_hour_extra,
            request_hash=request_hash,
            receipt=receipt,
        )
        # Every balance change is an event for the merchant's webhooks, written with it.
        await record_operation(self.session, entry, card)
        return entry

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
