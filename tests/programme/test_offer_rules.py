"""The pure rules of offers and "almost there" (domain/offers.py)."""

from __future__ import annotations

import pytest

from domain import errors
from domain.offers import (
    OFFER_TEXT_MAX_LENGTH,
    check_lapsed_days,
    clean_offer_text,
    near_points_floor,
    points_near_reward,
    stamps_near_reward,
)


@pytest.mark.parametrize(
    ("count", "target", "near"), [(9, 10, True), (8, 10, False), (10, 10, False), (0, 1, True)]
)
def test_one_stamp_from_the_reward_is_near(count: int, target: int, near: bool) -> None:
    assert stamps_near_reward(count, target) is near


@pytest.mark.parametrize(
    ("balance", "reward", "near"),
    [
        (90, 100, True),  # 10 % short
        (89, 100, False),
        (99, 100, True),
        (100, 100, False),  # ready, not near
        (4, 5, True),  # small rewards: one point short
        (3, 5, False),
        (900_000, 1_000_000, True),
    ],
)
def test_a_tenth_of_the_points_from_the_reward_is_near(
    balance: int, reward: int, near: bool
) -> None:
    assert points_near_reward(balance, reward) is near
    assert (balance >= near_points_floor(reward) and balance < reward) is near


def test_an_offer_text_is_trimmed_and_at_most_a_thousand_characters() -> None:
    assert clean_offer_text("  Two for one!\n") == "Two for one!"
    assert clean_offer_text("Line one\nLine two") == "Line one\nLine two"
    assert len(clean_offer_text("x" * OFFER_TEXT_MAX_LENGTH)) == OFFER_TEXT_MAX_LENGTH
    for bad in ("", "   ", "x" * (OFFER_TEXT_MAX_LENGTH + 1), "bell\x07"):
        with pytest.raises(errors.InvalidOfferText) as caught:
            clean_offer_text(bad)
        assert caught.value.max_length == OFFER_TEXT_MAX_LENGTH


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_lapsed_days_out_of_range_are_refused(days: int) -> None:
    with pytest.raises(errors.InvalidAudienceDays):
        check_lapsed_days(days)
    check_lapsed_days(30)
