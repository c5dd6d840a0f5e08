"""Value objects, enumerations and the pure rules of the card domain.

Every rule that depends on time takes `now`; nothing here touches the database or the clock.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain import errors
from domain.insights import WeekOnWeek

STAMPS_PER_OPERATION = (1, 10)
AMOUNT_RANGE = (Decimal("0.01"), Decimal("10000"))
POINTS_RANGE = (1, 1_000_000)
UNDO_WINDOW_MINUTES = 10
UNDO_WINDOW = timedelta(minutes=UNDO_WINDOW_MINUTES)
# A purchase above this is confirmed with a tap before points are credited: a typo such as
# 9999 for 99.99 would otherwise credit thousands of points without a word.
LARGE_PURCHASE = Decimal("200")
LOOKUP_FAILURE_WINDOW = timedelta(minutes=10)
LOOKUP_FAILURE_LIMIT = 20  # unknown cards per staff member per window
INVITE_VALIDITY = timedelta(hours=72)
EXPIRY_REMINDER_LEAD = timedelta(days=7)
NAME_MAX_LENGTH = 64
# A correction of a card's stamps (a mistake found after the undo window): at most this many
# stamps at a time, with a reason of at most this many characters.
CORRECTION_MAX_STAMPS = 50
CORRECTION_REASON_MAX_LENGTH = 100
SUMMARY_PERIODS = ("today", "yesterday", "week", "month")
LADDER_MAX_RUNGS = 10  # rewards per unit (stamps, points) of one programme
REWARD_NAME_MAX_LENGTH = 100
BIRTHDAY_NOTICE_PERIOD = timedelta(days=30)  # a date set or changed pays from 30 days later
BIRTHDAY_MESSAGE_FROM = time(9, 0)  # merchant-local: nobody is woken at midnight by a bonus


class ProgramType(StrEnum):
    STAMPS = "stamps"
    POINTS = "points"
    HYBRID = "hybrid"

    @property
    def has_stamps(self) -> bool:
        return self is not ProgramType.POINTS

    @property
    def has_points(self) -> bool:
        return self is not ProgramType.STAMPS


class LedgerKind(StrEnum):
    STAMP = "stamp"
    REDEEM_STAMPS = "redeem_stamps"
    EARN_POINTS = "earn_points"
    REDEEM_POINTS = "redeem_points"
    VOID_POINTS = "void_points"
    EXPIRE_POINTS = "expire_points"
    UNDO = "undo"  # staff reversed their own operation
    NOT_ME = "not_me"  # the customer disowned an earning
    REFUND = "refund"  # a till refunded the receipt that earned (and the bonuses it paid)
    MERGE_OUT = "merge_out"  # balance moved away when duplicate cards were merged
    MERGE_IN = "merge_in"  # balance received from a merged duplicate
    CORRECT_STAMPS = "correct_stamps"  # the owner (or allowed staff) corrected the stamps
    # A rung of the reward ladder, named by the row's reward_id. REDEEM_STAMPS and
    # REDEEM_POINTS without an amount are the rows of the single reward before the ladder.
    REDEEM_REWARD = "redeem_reward"
    WELCOME = "welcome"  # bonus at the customer's first staff-confirmed operation
    BIRTHDAY = "birthday"  # bonus on the customer's birthday, once a year
    REFERRAL = "referral"  # bonus to both sides when a referred customer first comes

    @property
    def is_earning(self) -> bool:
        return self in (LedgerKind.STAMP, LedgerKind.EARN_POINTS)

    @property
    def is_bonus(self) -> bool:
        return self in BONUS_KINDS

    @property
    def is_redemption(self) -> bool:
        return self in (
            LedgerKind.REDEEM_STAMPS,
            LedgerKind.REDEEM_POINTS,
            LedgerKind.REDEEM_REWARD,
        )


BONUS_KINDS = frozenset({LedgerKind.WELCOME, LedgerKind.BIRTHDAY, LedgerKind.REFERRAL})

# Operations a staff member may undo: the ones they performed at the counter.
UNDOABLE_KINDS = (
    LedgerKind.STAMP,
    LedgerKind.REDEEM_STAMPS,
    LedgerKind.EARN_POINTS,
    LedgerKind.REDEEM_POINTS,
    LedgerKind.VOID_POINTS,
    LedgerKind.REDEEM_REWARD,
)


class StaffRole(StrEnum):
    OWNER = "owner"
    STAFF = "staff"


class RewardUnit(StrEnum):
    """What a reward costs: stamps or points."""

    STAMPS = "stamps"
    POINTS = "points"

    @property
    def cost_range(self) -> tuple[int, int]:
        return (1, 50) if self is RewardUnit.STAMPS else POINTS_RANGE


@dataclass(frozen=True)
class Reward:
    """One rung of a programme's reward ladder."""

    reward_id: int
    unit: RewardUnit
    cost: int
    name: str  # the name given, in whichever language the owner wrote it
    # The owner's names for it in other languages, (language, name) by language.
    translations: tuple[tuple[str, str], ...] = ()

    def name_in(self, language: str | None) -> str:
        """The name a person reading `language` sees: the owner's name in that language,
        else the name given. Every screen, notice, image and pass asks this."""
        return dict(self.translations).get(language or "", self.name)

    def translation(self, language: str) -> str | None:
        """The owner's name in `language`, if they gave one."""
        return dict(self.translations).get(language)


def rewards_reached(rewards: Iterable[Reward], before: int, after: int) -> list[Reward]:
    """The rewards a balance going from `before` to `after` made ready: out of reach before,
    reached now. What the customer is told, and what the webhooks' `reward.ready` says."""
    return [reward for reward in rewards if before < reward.cost <= after]


def units_of(program_type: ProgramType) -> tuple[RewardUnit, ...]:
    """The ladders a programme of this type shows: stamps, points, or both."""
    units = []
    if program_type.has_stamps:
        units.append(RewardUnit.STAMPS)
    if program_type.has_points:
        units.append(RewardUnit.POINTS)
    return tuple(units)


def check_reward_cost(unit: RewardUnit, cost: int) -> None:
    low, high = unit.cost_range
    if not low <= cost <= high:
        raise errors.InvalidRewardCost(unit=unit.value, minimum=low, maximum=high)


def clean_reward_name(raw: str) -> str:
    """A reward's name: trimmed, single-spaced, 1 to 100 printable characters."""
    name = " ".join(raw.split())
    if not name or len(name) > REWARD_NAME_MAX_LENGTH or not name.isprintable():
        raise errors.InvalidRewardName(max_length=REWARD_NAME_MAX_LENGTH)
    return name


def reward_translations(names: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """A reward's names in other languages as the value carries them: by language, so two
    snapshots of the same names compare equal."""
    return tuple(sorted(names.items()))


def stamps_that_fit(n: int, stamp_count: int, top_cost: int) -> int:
    """How many of n stamps a card takes: stamps collect up to the top rung's cost, then the
    card must be redeemed first."""
    if stamp_count >= top_cost:
        raise errors.RewardReadyRedeemFirst(stamp_count=stamp_count, top_cost=top_cost)
    return min(n, top_cost - stamp_count)


# --- stamping ---------------------------------------------------------------------------------


def check_stamp_count(n: int) -> None:
    """Stamps are given 1 to 10 at a time."""
    low, high = STAMPS_PER_OPERATION
    if not low <= n <= high:
        raise errors.InvalidStampCount(minimum=low, maximum=high)


def check_stamp_allowed(
    *,
    n: int,
    last_stamp_at: datetime | None,
    cooldown_minutes: int,
    daily_limit: int,
    stamps_today: int,
    now: datetime,
) -> None:
    """Refuse a stamp inside the cooldown or beyond the daily limit (0 means no limit)."""
    if last_stamp_at is not None and cooldown_minutes > 0:
        ready_at = last_stamp_at + timedelta(minutes=cooldown_minutes)
        if now < ready_at:
            minutes_left = math.ceil((ready_at - now).total_seconds() / 60)
            raise errors.CooldownActive(minutes_left=max(1, minutes_left))
    if daily_limit > 0 and stamps_today + n > daily_limit:
        raise errors.DailyLimitReached(
            daily_limit=daily_limit, remaining_today=max(0, daily_limit - stamps_today)
        )


def local_day_start(now: datetime, timezone: str) -> datetime:
    """The UTC instant at which the merchant-local day containing `now` began."""
    zone = ZoneInfo(timezone)
    local_date = now.astimezone(zone).date()
    return datetime.combine(local_date, time(0), tzinfo=zone).astimezone(UTC)


# --- returns ----------------------------------------------------------------------------------


def taken_back_on_return(
    stamps_delta: int, points_delta: int, *, stamp_count: int, points_balance: int
) -> tuple[int, int]:
    """What a return takes back of an earning's deltas: all of it, or what the card still holds
    when the customer has spent some since (a balance never goes negative; the rest is kept,
    as a void of points after a return is clamped at the balance)."""
    return (
        min(stamps_delta, stamp_count) if stamps_delta > 0 else stamps_delta,
        min(points_delta, points_balance) if points_delta > 0 else points_delta,
    )


# --- corrections ------------------------------------------------------------------------------


def check_correction(stamps_delta: int) -> None:
    """A correction takes off (negative) or adds back (positive) 1 to 50 stamps."""
    if stamps_delta == 0 or abs(stamps_delta) > CORRECTION_MAX_STAMPS:
        raise errors.InvalidCorrection(maximum=CORRECTION_MAX_STAMPS)


def clean_reason(raw: str | None) -> str:
    """A correction's reason: required, trimmed, single-spaced, printable, ≤ 100 characters."""
    reason = " ".join((raw or "").split())
    if not reason or len(reason) > CORRECTION_REASON_MAX_LENGTH or not reason.isprintable():
        raise errors.InvalidCorrectionReason(max_length=CORRECTION_REASON_MAX_LENGTH)
    return reason


def check_correction_balance(stamps_delta: int, stamp_count: int) -> None:
    """A correction cannot take more stamps than the card has."""
    if stamp_count + stamps_delta < 0:
        raise errors.CorrectionExceedsBalance(stamp_count=stamp_count, requested=-stamps_delta)


def happy_hour_extra(entered: int, multiplier: int) -> int:
    """What a happy hour adds to `entered` stamps or points: entered × (multiplier − 1)."""
    return entered * (multiplier - 1)


# --- birthdays --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Birthday:
    """A day and month (no year: nobody is asked their age)."""

    day: int
    month: int

    def celebrated_in(self, year: int) -> date:
        """29 February is celebrated on 28 February in other years."""
        if (self.month, self.day) == (2, 29) and not calendar.isleap(year):
            return date(year, 2, 28)
        return date(year, self.month, self.day)


def check_birthday(day: int, month: int) -> Birthday:
    """A real day of a month; 29 February is one (every fourth year has it)."""
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2024, month)[1]:
        raise errors.InvalidBirthday()
    return Birthday(day=day, month=month)


def birthday_bonus_due(
    birthday: Birthday, set_at: datetime, now: datetime, timezone: str
) -> int | None:
    """The year whose birthday bonus is due now (the merchant-local day, from 09:00), else
    None. A date set or changed less than 30 days before the day pays nothing that year:
    changing the date to today would otherwise be a bonus on demand."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    today = local.date()
    if local.time() < BIRTHDAY_MESSAGE_FROM or birthday.celebrated_in(today.year) != today:
        return None
    if today - set_at.astimezone(zone).date() < BIRTHDAY_NOTICE_PERIOD:
        return None
    return today.year


# --- points -----------------------------------------------------------------------------------


def check_amount(amount: Decimal) -> None:
    """A purchase amount is 0.01 to 10,000 with at most two decimals."""
    low, high = AMOUNT_RANGE
    if not amount.is_finite() or not low <= amount <= high or amount != amount.quantize(low):
        raise errors.InvalidAmount(minimum=low, maximum=high)


def points_for_amount(amount: Decimal, points_per_euro: Decimal) -> int:
    """Points earned for a purchase: amount × rate, rounded down."""
    return int((amount * points_per_euro).to_integral_value(rounding=ROUND_FLOOR))


def is_large_purchase(amount: Decimal) -> bool:
    """Above LARGE_PURCHASE (not at it): the cashier confirms before points are credited."""
    return amount > LARGE_PURCHASE


def voids_whole_balance(points: int, points_balance: int) -> bool:
    """A void that takes everything back (a void is clamped at the balance): rare enough that
    the cashier confirms it, since a typo (99999 for 99) would empty the card silently. An
    empty card has nothing to take: that void is refused, not asked about."""
    return 0 < points_balance <= points


def check_points(points: int) -> None:
    low, high = POINTS_RANGE
    if not low <= points <= high:
        raise errors.InvalidPoints(minimum=low, maximum=high)


def points_expire_at(last_activity_at: datetime, expiry_days: int) -> datetime | None:
    """When an idle balance expires; None when the program never expires points."""
    if expiry_days <= 0:
        return None
    return last_activity_at + timedelta(days=expiry_days)


# --- names and numbers ------------------------------------------------------------------------


def clean_name(raw: str) -> str:
    """A business or store name: trimmed, single-spaced, 1 to 64 characters, printable."""
    name = " ".join(raw.split())
    if not name or len(name) > NAME_MAX_LENGTH or not name.isprintable():
        raise errors.InvalidName(max_length=NAME_MAX_LENGTH)
    return name


def format_card_number(digits: str) -> str:
    """`123456789012` → `1234-5678-9012`."""
    return f"{digits[0:4]}-{digits[4:8]}-{digits[8:12]}"


def normalise_card_number(raw: str) -> str | None:
    """The 12 digits of a card number typed with or without dashes and spaces, else None."""
    compact = "".join(ch for ch in raw if ch not in " -\u00a0")
    if len(compact) == 12 and compact.isascii() and compact.isdigit():
        return compact
    return None


def looks_like_card_number(text: str) -> bool:
    """Exactly the 12 digits a card number is stored as (a wallet pass's serial number)."""
    return normalise_card_number(text) == text


# --- snapshots returned by the use cases ------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """A correction of a card's stamps, as staff see it on the card."""

    stamps_delta: int
    reason: str | None  # None once the holder's data was erased
    created_at: datetime


@dataclass(frozen=True)
class CardView:
    """Everything a screen needs to show one card; a snapshot, detached from the database."""

    card_id: int
    number: str  # 12 digits; use `display_number` to show it
    qr_token: str
    customer_id: int
    merchant_id: int
    merchant_name: str
    store_id: int
    store_name: str
    program_type: ProgramType
    stamp_count: int
    stamps_target: int
    reward: str
    points_balance: int
    points_reward: int
    points_reward_text: str
    lifetime_stamps: int
    rewards_redeemed: int
    points_earned: int
    points_redeemed: int
    points_voided: int
    points_expired: int
    cross_location: bool
    timezone: str
    merchant_language: str
    active: bool
    created_at: datetime
    last_activity_at: datetime | None
    last_correction: Correction | None = None  # filled in for staff's look-ups only
    # The ladder, each unit's rungs by cost. Empty in snapshots made without one: then the single
    # rewards above are the ladder. `stamps_target` is the top stamp rung's cost (what the
    # card holds at most), `reward`, `points_reward` and `points_reward_text` the first rungs.
    ladder: tuple[Reward, ...] = ()
    referral_code: str | None = None  # the holder's invitation code (ref_ link)
    referral_bonus: int = 0  # what a friend they invite and they each get, in bonus_unit
    cooldown_minutes: int = 0  # the programme's time between two stamps of a card
    last_stamp_at: datetime | None = None
    customer_first_name: str | None = None  # for the cashier to greet them; None once erased

    @property
    def stamp_ready_at(self) -> datetime | None:
        """When the cooldown lets this card take its next stamp (None: no cooldown running)."""
        if self.cooldown_minutes <= 0 or self.last_stamp_at is None:
            return None
        return self.last_stamp_at + timedelta(minutes=self.cooldown_minutes)

    def can_stamp_at(self, now: datetime) -> bool:
        """Whether the cooldown lets this card be stamped at `now` (the rule stays the use
        case's; this only decides which buttons are worth showing)."""
        ready_at = self.stamp_ready_at
        return ready_at is None or now >= ready_at

    @property
    def bonus_in_points(self) -> bool:
        """Bonuses are paid in the programme's unit; a hybrid programme pays points."""
        return self.program_type.has_points

    @property
    def display_number(self) -> str:
        return format_card_number(self.number)

    @property
    def stamp_rewards(self) -> tuple[Reward, ...]:
        rungs = tuple(r for r in self.ladder if r.unit is RewardUnit.STAMPS)
        return rungs or (Reward(0, RewardUnit.STAMPS, self.stamps_target, self.reward),)

    @property
    def points_rewards(self) -> tuple[Reward, ...]:
        rungs = tuple(r for r in self.ladder if r.unit is RewardUnit.POINTS)
        return rungs or (Reward(0, RewardUnit.POINTS, self.points_reward, self.points_reward_text),)

    @property
    def rewards(self) -> tuple[Reward, ...]:
        """The rungs this programme shows: stamps first, then points, each by cost."""
        return (self.stamp_rewards if self.program_type.has_stamps else ()) + (
            self.points_rewards if self.program_type.has_points else ()
        )

    def balance_for(self, unit: RewardUnit) -> int:
        return self.stamp_count if unit is RewardUnit.STAMPS else self.points_balance

    def to_go(self, reward: Reward) -> int:
        """Stamps or points still missing for this reward; 0 when it is ready."""
        return max(0, reward.cost - self.balance_for(reward.unit))

    @property
    def affordable(self) -> tuple[Reward, ...]:
        """The rewards the card can be redeemed for now."""
        return tuple(r for r in self.rewards if self.to_go(r) == 0)

    def next_reward(self, unit: RewardUnit) -> Reward:
        """The cheapest reward of `unit` not reached yet (the top one when all are)."""
        rungs = self.stamp_rewards if unit is RewardUnit.STAMPS else self.points_rewards
        return next((r for r in rungs if self.to_go(r) > 0), rungs[-1])

    @property
    def stamps_to_reward(self) -> int:
        """Stamps to the next reward not yet reached (0 when the top one is ready)."""
        missing = [self.to_go(r) for r in self.stamp_rewards if self.to_go(r) > 0]
        return min(missing, default=0)

    @property
    def points_to_reward(self) -> int:
        missing = [self.to_go(r) for r in self.points_rewards if self.to_go(r) > 0]
        return min(missing, default=0)

    @property
    def stamp_reward_ready(self) -> bool:
        return self.program_type.has_stamps and self.stamp_count >= self.stamp_rewards[0].cost

    @property
    def points_reward_ready(self) -> bool:
        return self.program_type.has_points and self.points_balance >= self.points_rewards[0].cost


@dataclass(frozen=True)
class Redeemable:
    """What a redemption on this card may give now: the affordable rewards (empty when an
    explicit number of points was asked for)."""

    card: CardView
    rewards: tuple[Reward, ...]

    @property
    def asks_which(self) -> bool:
        """Several rewards are ready and none was picked: the cashier picks one before the
        confirmation (with one, that one is asked about at once)."""
        return len(self.rewards) > 1


@dataclass(frozen=True)
class Recipient:
    """Who to tell about a change, and in which language."""

    user_id: int
    language: str | None  # the user's explicit choice
    telegram_language: str | None  # Telegram's language_code, not yet normalised
    reachable: bool


@dataclass(frozen=True)
class Operation:
    """The outcome of one balance change: the ledger entry written and the card after it."""

    entry_id: int
    kind: LedgerKind
    stamps_delta: int
    points_delta: int
    amount: Decimal | None
    card: CardView
    store_name: str  # where it happened
    customer: Recipient
    created_at: datetime
    replayed: bool = False  # True when the idempotency key had been used: nothing changed now
    reason: str | None = None  # a correction's or a void's reason
    reward: Reward | None = None  # the ladder's rung a redemption was for
    happy_hour_extra: int = 0  # of the deltas, what a happy hour added to what was entered
    bonuses: tuple[BonusPaid, ...] = ()  # paid on this card together with this operation
    referral_side: str | None = None  # a referral bonus: "referrer" or "referred"

    @property
    def happy_hour_multiplier(self) -> int:
        """The multiplier of the happy hour the operation fell in (1: none)."""
        delta = abs(self.stamps_delta or self.points_delta)
        entered = delta - abs(self.happy_hour_extra)
        return delta // entered if self.happy_hour_extra and entered > 0 else 1


@dataclass(frozen=True)
class BonusPaid:
    """A bonus credited to a card (welcome, referral) together with an operation."""

    kind: LedgerKind
    entry_id: int
    stamps: int
    points: int


@dataclass(frozen=True)
class Reversal:
    """An undo or a "not me": the entry that was reversed and the compensating operation."""

    reversed_kind: LedgerKind
    operation: Operation


@dataclass(frozen=True)
class Dispute:
    """A customer's "not me". Earnings are reversed; redemptions only alert the owner."""

    disputed_kind: LedgerKind
    reversal: Operation | None
    owner_user_id: int
    card: CardView
    store_name: str
    staff_user_id: int | None
    staff_name: str | None  # the cashier's first name; None when unknown or erased
    entry_created_at: datetime

    @property
    def reversed_by_customer(self) -> bool:
        """This "not me" took the earning back."""
        return self.reversal is not None and self.reversal.kind is LedgerKind.NOT_ME

    @property
    def undone_before(self) -> bool:
        """Staff had already undone the operation before the "not me": nothing changed."""
        return self.reversal is not None and self.reversal.kind is not LedgerKind.NOT_ME


@dataclass(frozen=True)
class LedgerLine:
    """One ledger row as /history shows it."""

    entry_id: int
    kind: LedgerKind
    stamps_delta: int
    points_delta: int
    stamp_balance_after: int
    points_balance_after: int
    amount: Decimal | None
    reason: str | None
    store_name: str
    created_at: datetime
    reward: Reward | None = None  # the rung a redemption (or its reversal) was for


@dataclass(frozen=True)
class HistoryPage:
    lines: tuple[LedgerLine, ...]
    older_cursor: int | None  # pass back to get the next page; None when this is the last


@dataclass(frozen=True)
class StoreView:
    store_id: int
    merchant_id: int
    merchant_name: str
    name: str
    code: str


@dataclass(frozen=True)
class Enrolment:
    """The result of joining: the card, whether it is new, and where it works."""

    card: CardView
    created: bool
    joined_store: StoreView
    stores: tuple[StoreView, ...]  # every store where the card can be used
    referred: bool = False  # joined through a friend's ref_ link, recorded as their referral


@dataclass(frozen=True)
class Membership:
    """A user's active staff role."""

    user_id: int
    merchant_id: int
    merchant_name: str
    role: StaffRole
    store_id: int | None  # None: every store of the merchant
    store_name: str | None
    timezone: str
    merchant_language: str
    owner_user_id: int  # who to tell about the membership (a new cashier, say)
    staff_corrections: bool = False  # the owner lets staff correct stamps (/correct)
    program_type: ProgramType = ProgramType.HYBRID  # what the café's cards collect
    says_store_of_day: bool = False  # asked each day which store it works at (/store)

    @property
    def may_correct(self) -> bool:
        """May this person correct a card's stamps: the owner, or staff if the owner allows."""
        return self.role is StaffRole.OWNER or self.staff_corrections


@dataclass(frozen=True)
class Invite:
    token: str  # shown once; only its hash is stored
    merchant_id: int
    merchant_name: str
    store_name: str | None
    expires_at: datetime


@dataclass(frozen=True)
class StaffJoined:
    """A cashier accepted an invite: what their owner is told."""

    owner_user_id: int
    staff_name: str | None  # their first name; None when unknown or erased
    merchant_name: str
    store_name: str | None  # None: every store
    merchant_language: str


@dataclass(frozen=True)
class StaffListing:
    number: int  # the position in /staff, used by /revoke
    membership_id: int
    user_id: int
    display_name: str | None
    username: str | None
    role: StaffRole
    store_name: str | None
    since: datetime


@dataclass(frozen=True)
class UserProfile:
    """What Telegram tells us about a user; stored when they join, set up or accept an invite."""

    user_id: int
    first_name: str | None = None
    username: str | None = None
    telegram_language: str | None = None


@dataclass(frozen=True)
class Identity:
    """Who is talking to the bot: their language preferences and staff role, if any."""

    user_id: int
    language: str | None
    telegram_language: str | None
    membership: Membership | None
    known: bool  # False for a user the bot has never stored

    @property
    def is_staff(self) -> bool:
        return self.membership is not None

    @property
    def is_owner(self) -> bool:
        return self.membership is not None and self.membership.role is StaffRole.OWNER


@dataclass(frozen=True)
class Activity:
    """What happened in one store (or all of them) over a period; reversals already netted out."""

    new_cards: int = 0
    stamps_given: int = 0
    rewards_redeemed: int = 0
    points_earned: int = 0
    points_redeemed: int = 0
    points_voided: int = 0
    points_expired: int = 0
    customers_served: int = 0
    corrections: int = 0  # corrections of stamps
    stamps_corrected: int = 0  # their stamps in all (negative: taken off)
    welcome_bonuses: int = 0  # bonuses paid, by kind (how many)
    birthday_bonuses: int = 0
    referral_bonuses: int = 0
    happy_hour_stamps: int = 0  # what happy hours added to earnings, net of reversals
    happy_hour_points: int = 0
    referrals_converted: int = 0  # referred customers who came for the first time


@dataclass(frozen=True)
class StoreActivity:
    store_name: str
    activity: Activity


@dataclass(frozen=True)
class Summary:
    """A merchant's activity over local days [first_day, last_day], with the comparison period."""

    merchant_id: int
    merchant_name: str
    owner_user_id: int
    timezone: str
    language: str
    program_type: ProgramType  # what the programme collects: the summary and its chart show it
    first_day: date
    last_day: date
    stores: tuple[StoreActivity, ...]
    total: Activity
    compared_total: Activity  # the same weekday last week, or the period before
    compared_first_day: date
    top_staff_name: str | None
    top_staff_operations: int
    rewards: tuple[tuple[str, int], ...] = ()  # the ladder's rewards redeemed, by name
    offers_sent: int = 0  # offers sent in the period
    offers_delivered: int = 0  # copies of offers Telegram accepted in the period

    @property
    def quiet(self) -> bool:
        """Nothing happened: no operation, no new card, no offer (a table of zeros)."""
        return self.total == Activity() and not (self.offers_sent or self.offers_delivered)


@dataclass(frozen=True)
class DailySummary:
    """The scheduled summary of one local day: the day, what the owner wants said of a day
    without activity, and on Mondays how the week went."""

    summary: Summary
    quiet_day_message: bool  # a quiet day: one short line (True) or nothing
    week: WeekOnWeek | None = None  # Mondays: active members and repeat rate, week on week

    @property
    def silent(self) -> bool:
        """Nothing to send: a quiet day the owner wants no word about, and no week to tell."""
        return self.summary.quiet and not self.quiet_day_message and self.week is None


@dataclass(frozen=True)
class DayActivity:
    day: date
    activity: Activity


@dataclass(frozen=True)
class ExportRow:
    """One ledger entry as the CSV export shows it."""

    created_at: datetime
    store_name: str
    card_number: str
    kind: LedgerKind
    stamps_delta: int
    points_delta: int
    stamp_balance_after: int
    points_balance_after: int
    amount: Decimal | None
    staff_name: str | None
    reason: str | None
    reward_name: str | None = None
    happy_hour_extra: int = 0


@dataclass(frozen=True)
class LedgerExport:
    """A merchant's ledger of a period, oldest first, with what lays it out: the merchant's
    timezone for its times, and its language for the spreadsheet's separators (an English
    owner of a French café hands the file to a French accountant)."""

    timezone: str
    language: str
    rows: tuple[ExportRow, ...]
