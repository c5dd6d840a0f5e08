"""Plumbing shared by the use cases: repositories, role checks, card resolution, snapshots."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime

from domain import errors
from domain.clock import Clock
from domain.codes import looks_like_qr_token
from domain.db.directory import DirectoryRepository
from domain.db.effect_log import EffectLog
from domain.db.ledger import LedgerRepository, counter_deltas
from domain.db.rewards import RewardRepository, reward_value
from domain.db.tables import Card, LedgerEntry, Merchant, Program, StaffMembership, Store, User
from domain.db.uow import Database, Session
from domain.model import (
    LOOKUP_FAILURE_LIMIT,
    LOOKUP_FAILURE_WINDOW,
    CardView,
    LedgerKind,
    Operation,
    ProgramType,
    Recipient,
    Reward,
    StoreView,
    normalise_card_number,
    taken_back_on_return,
)
from domain.serving import serves


class ServiceBase:
    """Holds the database and the clock; opens repositories on a session."""

    def __init__(self, database: Database, clock: Clock, effects: EffectLog) -> None:
        self._db = database
        self._clock = clock
        self._dialect = database.dialect
        self._effects = effects

    def _ledger(self, session: Session) -> LedgerRepository:
        return LedgerRepository(session, self._dialect)

    def _directory(self, session: Session) -> DirectoryRepository:
        return DirectoryRepository(session, self._dialect)

    async def _record_failed_lookup(self, staff_user_id: int) -> None:
        """In its own transaction: the refused operation's transaction is rolled back."""
        async with self._db.write() as session:
            await self._ledger(session).add_lookup_failure(staff_user_id, self._clock.now())

    async def _record_failed_key_lookup(self, api_key_id: int) -> None:
        async with self._db.write() as session:
            await self._ledger(session).add_key_lookup_failure(api_key_id, self._clock.now())


# --- roles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """Who acts at the counter: a staff member at their seat, or an API key for its merchant
    (no person: no user id, the role of staff)."""

    merchant_id: int
    store_id: int | None  # None: every store of the merchant
    role: str
    user_id: int | None = None  # None: an API key
    api_key_id: int | None = None  # the key, when a key acts
    membership_id: int | None = None  # the staff seat's row (None: an API key)

    @classmethod
    def of(cls, membership: StaffMembership) -> Seat:
        return cls(
            merchant_id=membership.merchant_id,
            store_id=membership.store_id,
            role=membership.role,
            user_id=membership.user_id,
            membership_id=membership.id,
        )


async def require_staff(directory: DirectoryRepository, user_id: int) -> StaffMembership:
    """The user's seat; in a café's own bot only a seat at that café counts."""
    membership = await directory.active_membership(user_id)
    if membership is None or not serves(membership.merchant_id):
        raise errors.NotStaff()
    return membership


async def require_owner(directory: DirectoryRepository, user_id: int) -> Merchant:
    merchant = await directory.merchant_of_owner(user_id)
    if merchant is None or not serves(merchant.id):
        raise errors.NotOwner()
    return merchant


# --- cards ------------------------------------------------------------------------------------


async def check_lookup_budget(ledger: LedgerRepository, staff_user_id: int, now: datetime) -> None:
    """Refuse look-ups for a while after too many unknown cards: guessing numbers is too slow."""
    failures = await ledger.recent_lookup_failures(staff_user_id, now - LOOKUP_FAILURE_WINDOW)
    _check_failures(failures, now)


async def check_key_lookup_budget(ledger: LedgerRepository, api_key_id: int, now: datetime) -> None:
    """The same budget for an API key: a till guesses no faster than a cashier."""
    failures = await ledger.recent_key_lookup_failures(api_key_id, now - LOOKUP_FAILURE_WINDOW)
    _check_failures(failures, now)


def _check_failures(failures: list[datetime], now: datetime) -> None:
    if len(failures) >= LOOKUP_FAILURE_LIMIT:
        free_at = failures[-LOOKUP_FAILURE_LIMIT] + LOOKUP_FAILURE_WINDOW
        minutes = max(1, math.ceil((free_at - now).total_seconds() / 60))
        raise errors.TooManyFailedLookups(retry_after_minutes=minutes)


async def resolve_card(
    ledger: LedgerRepository,
    directory: DirectoryRepository,
    seat: Seat,
    card_reference: str,
    *,
    lock: bool,
    now: datetime,
) -> tuple[Card, Program]:
    """The card a staff member means by a typed number or a scanned QR token, within their reach."""
    if seat.user_id is not None:
        await check_lookup_budget(ledger, seat.user_id, now)
    if seat.api_key_id is not None:
        await check_key_lookup_budget(ledger, seat.api_key_id, now)
    reference = card_reference.strip()
    number = normalise_card_number(reference)
    token = None if number else (reference if looks_like_qr_token(reference) else None)
    if number is None and token is None:
        digits = "".join(reference.replace("-", " ").split())
        if digits.isascii() and digits.isdigit() and 8 <= len(digits) <= 16:
            raise errors.CardNumberWrongLength(digits=len(digits))
        raise errors.CardNotFound()
    card = await ledger.card_by_reference(
        seat.merchant_id, number=number, qr_token=token, lock=lock
    )
    if card is None:
        raise errors.CardNotFound()
    program = await directory.program(card.merchant_id)
    if not program.cross_location and seat.store_id is not None and card.store_id != seat.store_id:
        home = await directory.store(card.store_id)
        raise errors.CardOfOtherStore(store_name=home.name)
    return card, program


async def card_view(
    directory: DirectoryRepository, card: Card, program: Program | None = None
) -> CardView:
    merchant, store, first_name = await directory.card_context(
        card.merchant_id, card.store_id, card.customer_id
    )
    program = program or await directory.program(card.merchant_id)
    view = make_card_view(card, program, merchant, store, await ladder_of(directory, program))
    return replace(view, customer_first_name=first_name)


async def ladder_of(directory: DirectoryRepository, program: Program) -> tuple[Reward, ...]:
    """The programme's rewards, both units, each by cost."""
    rows = await RewardRepository(directory.session).rungs(program.merchant_id)
    return tuple(reward_value(row) for row in rows)


def make_card_view(
    card: Card,
    program: Program,
    merchant: Merchant,
    store: Store,
    ladder: tuple[Reward, ...],
) -> CardView:
    return CardView(
        card_id=card.id,
        number=card.number,
        qr_token=card.qr_token,
        customer_id=card.customer_id,
        merchant_id=merchant.id,
        merchant_name=merchant.name,
        store_id=store.id,
        store_name=store.name,
        program_type=ProgramType(program.type),
        ladder=ladder,
        stamp_count=card.stamp_count,
        points_balance=card.points_balance,
        lifetime_stamps=card.lifetime_stamps,
        rewards_redeemed=card.rewards_redeemed,
        points_earned=card.points_earned,
        points_redeemed=card.points_redeemed,
        points_voided=card.points_voided,
        points_expired=card.points_expired,
        cross_location=program.cross_location,
        timezone=program.timezone,
        merchant_language=program.language,
        active=card.active,
        created_at=card.created_at,
        last_activity_at=card.last_activity_at,
        referral_code=card.referral_code,
        referral_bonus=program.referral_bonus,
        cooldown_minutes=program.cooldown_minutes,
        last_stamp_at=card.last_stamp_at,
    )


def store_view(store: Store, merchant: Merchant) -> StoreView:
    return StoreView(
        store_id=store.id,
        merchant_id=merchant.id,
        merchant_name=merchant.name,
        name=store.name,
        code=store.code,
    )


def recipient(user: User | None, user_id: int) -> Recipient:
    if user is None:
        return Recipient(user_id=user_id, language=None, telegram_language=None, reachable=False)
    return Recipient(
        user_id=user.id,
        language=user.language,
        telegram_language=user.telegram_language,
        reachable=user.reachable and user.erased_at is None,
    )


async def operation_result(
    ledger: LedgerRepository,
    directory: DirectoryRepository,
    entry: LedgerEntry,
    *,
    replayed: bool = False,
    card: Card | None = None,
    program: Program | None = None,
) -> Operation:
    """The Operation a caller sees for a ledger entry, with the card as it stands now.

    `card` and `program`, when the caller holds them up to date, save reading them again.
    """
    if card is None or card.id != entry.card_id:
        card = await ledger.card_by_id(entry.card_id)
        assert card is not None  # a ledger row always has its card (foreign key)
    # The balances right after this entry, also when the card has moved on since (a notice
    # delivered after a quick undo still says what the stamp did).
    view = replace(
        await card_view(directory, card, program),
        stamp_count=entry.stamp_balance_after,
        points_balance=entry.points_balance_after,
    )
    where = (
        view.store_name
        if entry.store_id == card.store_id
        else (await directory.store(entry.store_id)).name
    )
    reward = next((r for r in view.ladder if r.reward_id == entry.reward_id), None)
    if entry.reward_id is not None and reward is None:  # removed from the ladder since
        row = await RewardRepository(directory.session).get(entry.reward_id)
        reward = None if row is None else reward_value(row)
    return Operation(
        entry_id=entry.id,
        kind=LedgerKind(entry.kind),
        stamps_delta=entry.stamps_delta,
        points_delta=entry.points_delta,
        amount=entry.amount,
        card=view,
        store_name=where,
        customer=recipient(await directory.user(card.customer_id), card.customer_id),
        created_at=entry.created_at,
        replayed=replayed,
        reason=entry.reason,
        reward=reward,
        happy_hour_extra=entry.happy_hour_extra,
    )


async def reverse_entry(
    ledger: LedgerRepository,
    entry: LedgerEntry,
    *,
    kind: LedgerKind,
    staff_user_id: int | None,
    now: datetime,
    as_return: bool = False,
    idempotency_key: str | None = None,
    request_hash: str | None = None,
) -> LedgerEntry:
    """Append the compensating row for `entry` and put the card back as it was.

    A mistake (undo, not me) is reversed whole or not at all (CannotReverse once the balance
    was spent); a return (`as_return`, a till's refund) takes back what the card still holds
    of it, as a void of points after a return does (PRODUCT.md §2).
    """
    card = await ledger.card_by_id(entry.card_id, lock=True)
    assert card is not None
    if await ledger.is_reversed(entry.id):
        raise errors.AlreadyReversed()
    original = LedgerKind(entry.kind)
    stamps, points = entry.stamps_delta, entry.points_delta
    if as_return:
        stamps, points = taken_back_on_return(
            stamps, points, stamp_count=card.stamp_count, points_balance=card.points_balance
        )
    counters = {name: -delta for name, delta in counter_deltas(original, stamps, points).items()}
    extra = entry.happy_hour_extra
    reversal = await ledger.post(
        card,
        kind=kind,
        store_id=entry.store_id,
        staff_user_id=staff_user_id,
        created_at=now,
        stamps_delta=-stamps,
        points_delta=-points,
        counters=counters,
        amount=entry.amount,
        reverses_entry_id=entry.id,
        reward_id=entry.reward_id,
        # Of what is taken back, what the happy hour had added (all of it when nothing was kept).
        happy_hour_extra=-min(extra, max(stamps, points, 0)),
        idempotency_key=idempotency_key,
        request_hash=request_hash,
    )
    if reversal is None:
        raise errors.CannotReverse()
    if original is LedgerKind.STAMP:
        # The cooldown runs from the latest stamp that still stands, not the reversed one.
        card.last_stamp_at = await ledger.last_stamp_time(card.id)
        await ledger.session.flush()
    return reversal
