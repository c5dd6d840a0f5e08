"""The counter's rules: stamps, points, returns and corrections, with their limits."""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

from domain import errors

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
EXPIRY_REMINDER_LEAD = timedelta(days=7)
# A correction of a card's stamps (a mistake found after the undo window): at most this many
# stamps at a time, with a reason of at most this many characters.
CORRECTION_MAX_STAMPS = 50
CORRECTION_REASON_MAX_LENGTH = 100
VOID_REASON_MAX_LENGTH = 200


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


def void_reason(raw: str | None) -> str | None:
    """A void's optional note as kept: single-spaced, without the characters that cannot be
    shown (control characters would come back as gibberish in the history and the export),
    ≤ 200 characters; None when nothing is left."""
    shown = "".join(char for char in raw or "" if char.isprintable() or char.isspace())
    return " ".join(shown.split())[:VOID_REASON_MAX_LENGTH] or None


def check_correction_balance(stamps_delta: int, stamp_count: int) -> None:
    """A correction cannot take more stamps than the card has."""
    if stamp_count + stamps_delta < 0:
        raise errors.CorrectionExceedsBalance(stamp_count=stamp_count, requested=-stamps_delta)


def happy_hour_extra(entered: int, multiplier: int) -> int:
    """What a happy hour adds to `entered` stamps or points: entered × (multiplier − 1)."""
    return entered * (multiplier - 1)


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
