"""Snapshots of a card and of what happened to it, as the use cases return them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from domain.model.ledger import LedgerKind
from domain.model.names import format_card_number
from domain.model.rewards import ProgramType, Reward, RewardUnit, first_rung


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
    # The programme's rewards, both units, each by cost: every reward shown, and what the
    # card holds at most (`stamps_target`), is read from here.
    ladder: tuple[Reward, ...]
    stamp_count: int
    points_balance: int
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
        return self._rungs(RewardUnit.STAMPS)

    @property
    def points_rewards(self) -> tuple[Reward, ...]:
        return self._rungs(RewardUnit.POINTS)

    def _rungs(self, unit: RewardUnit) -> tuple[Reward, ...]:
        return tuple(sorted((r for r in self.ladder if r.unit is unit), key=lambda r: r.cost))

    @property
    def stamps_target(self) -> int:
        """What the card holds at most: the top stamp reward's cost."""
        return max(r.cost for r in self.stamp_rewards)

    def first_reward(self, unit: RewardUnit) -> Reward:
        """The unit's cheapest reward."""
        return first_rung(self.ladder, unit)

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
        return (
            self.program_type.has_stamps
            and self.stamp_count >= self.first_reward(RewardUnit.STAMPS).cost
        )

    @property
    def points_reward_ready(self) -> bool:
        return (
            self.program_type.has_points
            and self.points_balance >= self.first_reward(RewardUnit.POINTS).cost
        )


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
