"""The rules of offers and of the messages that bring customers back (PRODUCT.md §8)."""

from __future__ import annotations

import enum
from datetime import timedelta

from domain import errors

OFFER_TEXT_MAX_LENGTH = 1000
ALMOST_THERE_IDLE = timedelta(days=7)  # "almost there" waits for a week without a visit
NEAR_REWARD_SHARE = 10  # points: within a tenth of the reward's price is "near"
LAPSED_DAYS_RANGE = (1, 3650)
RECENT_OFFERS = 10


class AudienceKind(enum.StrEnum):
    """Who an offer goes to; always among the customers who opted in to offers."""

    ALL = "all"
    STORE = "store"  # enrolled at one store
    LAPSED = "lapsed"  # no operation for at least N days
    NEAR = "near"  # one stamp, or a tenth of the points, from the reward


class OfferOutcome(enum.StrEnum):
    DELIVERED = "delivered"
    BLOCKED = "blocked"  # the customer blocked the bot (403): counted, not tried again
    FAILED = "failed"  # Telegram refused the message for good
    UNSURE = "unsure"  # a send cut short by a crash: not repeated, so never twice
    SKIPPED = "skipped"  # the customer turned offers off before their copy went out


def clean_offer_text(raw: str) -> str:
    """The offer's text as it will be sent: trimmed, 1 to 1,000 characters."""
    text = raw.strip()
    printable = all(ch.isprintable() or ch in "\n\t" for ch in text)
    if not text or len(text) > OFFER_TEXT_MAX_LENGTH or not printable:
        raise errors.InvalidOfferText(max_length=OFFER_TEXT_MAX_LENGTH)
    return text


def check_lapsed_days(days: int) -> None:
    low, high = LAPSED_DAYS_RANGE
    if not low <= days <= high:
        raise errors.InvalidAudienceDays(minimum=low, maximum=high)


def stamps_near_reward(stamp_count: int, stamps_target: int) -> bool:
    """One stamp from the reward."""
    return stamp_count == stamps_target - 1


def near_points_floor(points_reward: int) -> int:
    """The smallest balance that is near the reward: short by at most a tenth of its price,
    and by one point for rewards of fewer than 10 points."""
    return points_reward - max(1, points_reward // NEAR_REWARD_SHARE)


def points_near_reward(points_balance: int, points_reward: int) -> bool:
    return near_points_floor(points_reward) <= points_balance < points_reward
