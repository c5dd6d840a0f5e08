"""Bonuses that bring customers back: welcome and referral bonuses at a customer's first
staff-confirmed visit, the birthday bonus once a year, and joining through a friend's link.

Each bonus is one ledger row of its own kind, paid once per customer, merchant and occasion:
a row in bonus_awards with a unique key is claimed first, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from domain import errors
from domain.codes import looks_like_referral_code
from domain.db.bonuses import BonusRepository
from domain.db.ledger import LedgerRepository
from domain.db.tables import Card, LedgerEntry, Program, User
from domain.effects import Effect, NotifyCustomer, RefreshWallet
from domain.model import (
    Birthday,
    BonusPaid,
    Enrolment,
    LedgerKind,
    ProgramType,
    UserProfile,
    birthday_bonus_due,
    check_birthday,
)
from domain.service.base import ServiceBase
from domain.service.enrolment import enrol_at, upsert_user

WELCOME = "welcome"


def _birthday_occasion(year: int) -> str:
    return f"birthday:{year}"


def _referral_occasion(referral_id: int) -> str:
    return f"referral:{referral_id}"


@dataclass(frozen=True)
class BirthdayView:
    birthday: Birthday | None
    set_at: datetime | None
    changed: bool = False  # set_birthday: the date differs from the one stored before


@dataclass(frozen=True)
class FirstVisit:
    """What a first staff-confirmed visit paid: on the visitor's card (told in the notice of
    the operation that paid them, one message), and the effects to record for other cards
    (the referrer's notice and wallet)."""

    bonuses: tuple[BonusPaid, ...] = ()
    effects: tuple[Effect, ...] = ()


async def credit_bonus(
    ledger: LedgerRepository,
    card: Card,
    program: Program,
    kind: LedgerKind,
    amount: int,
    *,
    store_id: int,
    now: datetime,
) -> LedgerEntry:
    """Credit `amount` in the programme's unit (points for points and hybrid programmes)."""
    in_points = ProgramType(program.type).has_points
    entry = await ledger.post(
        card,
        kind=kind,
        store_id=store_id,
        staff_user_id=None,  # paid by the programme: never a cashier's to undo
        created_at=now,
        stamps_delta=0 if in_points else amount,
        points_delta=amount if in_points else 0,
    )
    assert entry is not None  # a credit never takes a balance below zero
    return entry


def _told(entry: LedgerEntry, card: Card) -> list[Effect]:
    return [
        NotifyCustomer(entry_id=entry.id, customer_id=card.customer_id),
        RefreshWallet(card_id=card.id, cause=str(entry.id)),
    ]


def paid_bonus(entry: LedgerEntry) -> BonusPaid:
    """A bonus entry as the cashier and the customer read it."""
    return BonusPaid(
        kind=LedgerKind(entry.kind),
        entry_id=entry.id,
        stamps=entry.stamps_delta,
        points=entry.points_delta,
    )


def _month_bounds(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants that open and close the merchant-local calendar month of `now`."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    start = datetime(local.year, local.month, 1, tzinfo=zone)
    following = (
        datetime(local.year + 1, 1, 1, tzinfo=zone)
        if local.month == 12
        else datetime(local.year, local.month + 1, 1, tzinfo=zone)
    )
    return start.astimezone(UTC), following.astimezone(UTC)


async def pay_first_visit(
    ledger: LedgerRepository,
    bonuses: BonusRepository,
    card: Card,
    program: Program,
    *,
    store_id: int,
    now: datetime,
) -> FirstVisit:
    """Called under the card's lock with a staff-confirmed earning just posted on a card that
    had no visit yet, the posting having set the card's `first_visit_at` to `now`: the welcome
    bonus and the referral bonuses, if this is the customer's first visit at the merchant (with
    cross-location off, a second card is no first visit)."""
    if await bonuses.visited_before(card.customer_id, card.merchant_id, except_card=card.id):
        return FirstVisit()
    paid: list[BonusPaid] = []
    effects: list[Effect] = []
    entry = None
    if program.welcome_bonus > 0:
        entry = await _claim_and_credit(
            ledger, bonuses, card, program, LedgerKind.WELCOME, WELCOME, store_id=store_id, now=now
        )
    if entry is not None:
        paid.append(paid_bonus(entry))
    referral = await bonuses.referral_of(card.merchant_id, card.customer_id)
    if referral is None or not await bonuses.convert(referral.id, now):
        return FirstVisit(tuple(paid), tuple(effects))
    if program.referral_bonus <= 0:
        return FirstVisit(tuple(paid), tuple(effects))
    occasion = _referral_occasion(referral.id)
    referred_entry = await _claim_and_credit(
        ledger, bonuses, card, program, LedgerKind.REFERRAL, occasion, store_id=store_id, now=now
    )
    if referred_entry is not None:
        paid.append(paid_bonus(referred_entry))
    referrer_entry = await _pay_referrer(
        ledger, bonuses, referral.referrer_card_id, program, occasion, now
    )
    if referrer_entry is not None:
        entry, referrer = referrer_entry
        effects += _told(entry, referrer)
    await bonuses.set_entries(
        referral.id,
        referrer_entry_id=None if referrer_entry is None else referrer_entry[0].id,
        referred_entry_id=None if referred_entry is None else referred_entry.id,
    )
    return FirstVisit(tuple(paid), tuple(effects))


async def _pay_referrer(
    ledger: LedgerRepository,
    bonuses: BonusRepository,
    referrer_card_id: int,
    program: Program,
    occasion: str,
    now: datetime,
) -> tuple[LedgerEntry, Card] | None:
    """The referrer's bonus, on the card the link came from (or the card it was merged into),
    unless they left or already earned `referral_cap` of them this merchant-local month."""
    card = await ledger.card_by_id(referrer_card_id, lock=True)
    while card is not None and not card.active and card.merged_into_card_id is not None:
        card = await ledger.card_by_id(card.merged_into_card_id, lock=True)
    if card is None or not card.active:
        return None
    # Counted under the referrer card's lock: two friends converting at once count in turn.
    start, end = _month_bounds(now, program.timezone)
    earned = await bonuses.referrer_bonuses_between(card.merchant_id, card.customer_id, start, end)
    if earned >= program.referral_cap:
        return None
    entry = await _claim_and_credit(
        ledger,
        bonuses,
        card,
        program,
        LedgerKind.REFERRAL,
        occasion,
        store_id=card.store_id,
        now=now,
    )
    return None if entry is None else (entry, card)


async def _claim_and_credit(
    ledger: LedgerRepository,
    bonuses: BonusRepository,
    card: Card,
    program: Program,
    kind: LedgerKind,
    occasion: str,
    *,
    store_id: int,
    now: datetime,
) -> LedgerEntry | None:
    """The bonus of `kind` for this customer and occasion, credited to `card` if the claim is
    new (its unique key pays it once under re-delivery and concurrency); None if claimed."""
    claimed = await bonuses.claim(
        merchant_id=card.merchant_id,
        customer_id=card.customer_id,
        occasion=occasion,
        card_id=card.id,
        now=now,
    )
    if not claimed:
        return None
    amount = program.welcome_bonus if kind is LedgerKind.WELCOME else program.referral_bonus
    return await credit_bonus(ledger, card, program, kind, amount, store_id=store_id, now=now)


class BonusService(ServiceBase):
    """Birthdays, invitations and the yearly birthday bonus."""

    def _bonuses(self, ledger: LedgerRepository) -> BonusRepository:
        return BonusRepository(ledger.session, self._dialect)

    # --- birthdays ------------------------------------------------------------------------

    async def birthday(self, user_id: int) -> BirthdayView:
        async with self._db.read() as session:
            user = await self._directory(session).user(user_id)
            return _birthday_view(user)

    async def set_birthday(self, profile: UserProfile, day: int, month: int) -> BirthdayView:
        """Store the customer's day and month (for every merchant). Changing it restarts the
        30 days before a birthday bonus is paid; the same date again changes nothing."""
        birthday = check_birthday(day, month)
        now = self._clock.now()
        async with self._db.write() as session:
            user = await self._directory(session).ensure_user(profile.user_id, now)
            if (user.birth_day, user.birth_month) == (birthday.day, birthday.month):
                return _birthday_view(user)
            user.birth_day, user.birth_month = birthday.day, birthday.month
            user.birthday_set_at = now
            await session.flush()
            return replace(_birthday_view(user), changed=True)

    async def pay_birthday_bonuses(self) -> list[int]:
        """Pay today's birthday bonuses (merchant-local day); returns the ledger entries made.

        Run as often as wanted: each is claimed once per customer, merchant and year, so a
        second run, a restart or a DST change pays nothing twice.
        """
        now = self._clock.now()
        paid: list[int] = []
        async with self._db.read() as session:
            programs = await BonusRepository(session, self._dialect).birthday_programmes()
        for merchant_id, timezone in programs:
            for card_id, birthday, set_at in await self._birthday_cards(merchant_id, timezone, now):
                year = birthday_bonus_due(birthday, set_at, now, timezone)
                if year is not None:
                    entry_id = await self._pay_birthday(card_id, year, now)
                    if entry_id is not None:
                        paid.append(entry_id)
        return paid

    async def _birthday_cards(
        self, merchant_id: int, timezone: str, now: datetime
    ) -> list[tuple[int, Birthday, datetime]]:
        """Each customer's oldest active card at the merchant, for customers whose birthday
        is celebrated on the merchant-local day of `now`."""
        today = now.astimezone(ZoneInfo(timezone)).date()
        days = [(today.month, today.day)]
        if (today.month, today.day) == (2, 28) and Birthday(29, 2).celebrated_in(
            today.year
        ) == today:
            days.append((2, 29))
        async with self._db.read() as session:
            rows = await BonusRepository(session, self._dialect).birthday_cards(merchant_id, days)
            found: dict[int, tuple[int, Birthday, datetime]] = {}
            for card_id, customer_id, day, month, set_at in rows:
                if customer_id in found or day is None or month is None or set_at is None:
                    continue
                found[customer_id] = (card_id, Birthday(day=day, month=month), set_at)
            return list(found.values())

    async def _pay_birthday(self, card_id: int, year: int, now: datetime) -> int | None:
        async with self._db.write() as session:
            ledger = self._ledger(session)
            card = await ledger.card_by_id(card_id, lock=True)
            if card is None or not card.active:
                return None
            program = await self._directory(session).program(card.merchant_id)
            if program.birthday_bonus <= 0:
                return None
            if not await self._bonuses(ledger).claim(
                merchant_id=card.merchant_id,
                customer_id=card.customer_id,
                occasion=_birthday_occasion(year),
                card_id=card.id,
                now=now,
            ):
                return None
            entry = await credit_bonus(
                ledger,
                card,
                program,
                LedgerKind.BIRTHDAY,
                program.birthday_bonus,
                store_id=card.store_id,
                now=now,
            )
            await self._effects.record(session, _told(entry, card))
            return entry.id

    # --- referrals ------------------------------------------------------------------------

    async def join_by_referral(self, profile: UserProfile, code: str) -> Enrolment:
        """Join the merchant of a friend's link, at the store of the friend's card, as /join.
        Recorded as referred only for a newcomer to the merchant, never by oneself, once."""
        now = self._clock.now()
        async with self._db.write() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            bonuses = self._bonuses(ledger)
            referrer = (
                await bonuses.card_by_referral_code(code)
                if looks_like_referral_code(code)
                else None
            )
            if referrer is None:
                raise errors.ReferralNotFound()
            await upsert_user(directory, profile, now)  # serialises this user's enrolments
            had_card = any(
                card.merchant_id == referrer.merchant_id
                for card in await ledger.all_cards_of_customer(profile.user_id)
            )
            store = await directory.store(referrer.store_id)
            enrolment = await enrol_at(ledger, directory, profile, store, now)
            referred = (
                not had_card
                and enrolment.created
                and referrer.active
                and referrer.customer_id != profile.user_id
                and await bonuses.record_referral(
                    merchant_id=referrer.merchant_id,
                    referrer=referrer,
                    referred_customer_id=profile.user_id,
                    referred_card_id=enrolment.card.card_id,
                    now=now,
                )
            )
            return replace(enrolment, referred=referred)


def _birthday_view(user: User | None) -> BirthdayView:
    if user is None or user.birth_day is None or user.birth_month is None:
        return BirthdayView(birthday=None, set_at=None)
    return BirthdayView(
        birthday=Birthday(day=user.birth_day, month=user.birth_month), set_at=user.birthday_set_at
    )


__all__ = [
    "BirthdayView",
    "BonusService",
    "FirstVisit",
    "credit_bonus",
    "paid_bonus",
    "pay_first_visit",
]
