"""Refusals at the counter: stamps, points, amounts, undo, disputes and corrections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.errors.base import DomainError


class KeyUsedForAnotherCard(DomainError):
    """An idempotency key already answered an operation on another card: the request is not a
    repeat of that one, and is not carried out either (the caller reused a key)."""


class KeyUsedForAnotherRequest(DomainError):
    """An idempotency key already answered a request with other contents (an API caller reused
    a key for a new request): nothing is done."""


class StampsNotInProgram(DomainError):
    """The merchant's program collects points only."""


class PointsNotInProgram(DomainError):
    """The merchant's program collects stamps only."""


@dataclass(eq=False)
class CooldownActive(DomainError):
    """The card was stamped too recently."""

    minutes_left: int


@dataclass(eq=False)
class DailyLimitReached(DomainError):
    """The card has had as many stamps today as the program allows."""

    daily_limit: int
    remaining_today: int


@dataclass(eq=False)
class InvalidStampCount(DomainError):
    """Stamps are given 1 to 10 at a time."""

    minimum: int
    maximum: int


@dataclass(eq=False)
class NotEnoughStamps(DomainError):
    """The card has fewer stamps than a reward needs."""

    stamp_count: int
    stamps_target: int


@dataclass(eq=False)
class RewardReadyRedeemFirst(DomainError):
    """The card holds the top reward's stamps: it takes no more until it is redeemed."""

    stamp_count: int
    top_cost: int


@dataclass(eq=False)
class InvalidAmount(DomainError):
    """A purchase amount outside the allowed range or with more than two decimals."""

    minimum: Decimal
    maximum: Decimal


@dataclass(eq=False)
class NoPointsForAmount(DomainError):
    """The amount is too small to earn a single point."""

    amount: Decimal
    points_per_euro: Decimal


@dataclass(eq=False)
class InvalidPoints(DomainError):
    """A points figure outside the allowed range."""

    minimum: int
    maximum: int


@dataclass(eq=False)
class NotEnoughPoints(DomainError):
    """The balance is below what the redemption needs."""

    points_balance: int
    points_needed: int


@dataclass(eq=False)
class LargePurchaseUnconfirmed(DomainError):
    """A purchase above `domain.model.LARGE_PURCHASE` waits for the cashier's confirmation
    (9999 typed for 99.99 would credit thousands of points): nothing was credited yet; the
    same call with `confirmed=True` credits it."""

    amount: Decimal
    card_number: str


@dataclass(eq=False)
class WholeBalanceVoidUnconfirmed(DomainError):
    """A void would take back the card's whole balance (99999 typed for 99 would empty it):
    nothing was taken yet; the same call with `confirmed=True` takes it."""

    points_balance: int
    card_number: str


class NothingToUndo(DomainError):
    """The staff member has no operation of their own left to undo."""


@dataclass(eq=False)
class UndoWindowExpired(DomainError):
    """The last operation is older than the undo window."""

    window_minutes: int
    done_at: datetime
    stamps: bool = False  # the operation changed stamps (a correction can still fix it)


class CannotReverse(DomainError):
    """Reversing would make a balance negative: what was earned has been spent already."""


class AlreadyReversed(DomainError):
    """The entry has been reversed before."""


class CorrectionNotAllowed(DomainError):
    """Staff may correct stamps only when the owner allows it (staff_corrections on)."""


@dataclass(eq=False)
class InvalidCorrection(DomainError):
    """A correction of 0 stamps, or of more than the maximum at a time."""

    maximum: int


@dataclass(eq=False)
class InvalidCorrectionReason(DomainError):
    """A correction needs a reason, of at most `max_length` characters."""

    max_length: int


@dataclass(eq=False)
class CorrectionExceedsBalance(DomainError):
    """A correction cannot take more stamps than the card has."""

    stamp_count: int
    requested: int


@dataclass(eq=False)
class CorrectionAboveTopReward(DomainError):
    """Stamps added back by a correction never take a card past its top reward's cost."""

    top: int
    stamp_count: int


@dataclass(eq=False)
class CorrectionNotJustified(DomainError):
    """Staff add back at most what corrections and undone stamps took off this card."""

    most: int
