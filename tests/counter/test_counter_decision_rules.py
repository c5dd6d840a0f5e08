"""The decisions both front ends share, on their edges: when a purchase is large, when a void
takes the whole balance, when a redeem asks which reward, and which language a person reads."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bot.i18n import language_of
from domain.model import (
    LARGE_PURCHASE,
    Identity,
    Redeemable,
    StaffRole,
    is_large_purchase,
    voids_whole_balance,
)
from tests.support import samples

CENT = Decimal("0.01")


@pytest.mark.parametrize(
    ("amount", "large"),
    [
        (CENT, False),
        (LARGE_PURCHASE - CENT, False),
        (LARGE_PURCHASE, False),  # at the threshold: an everyday purchase, credited at once
        (LARGE_PURCHASE + CENT, True),  # one cent above: asked about
        (Decimal("9999"), True),
    ],
)
def test_a_purchase_is_large_only_above_the_threshold(amount: Decimal, large: bool) -> None:
    assert is_large_purchase(amount) is large


@pytest.mark.parametrize(
    ("points", "balance", "whole"),
    [
        (39, 40, False),  # less than the balance: taken at once
        (40, 40, True),  # exactly the balance: asked about
        (41, 40, True),  # more (clamped at the balance): asked about
        (99999, 40, True),
        (5, 0, False),  # nothing to take: refused by the use case, not asked about
    ],
)
def test_a_void_takes_the_whole_balance_from_the_balance_up(
    points: int, balance: int, whole: bool
) -> None:
    assert voids_whole_balance(points, balance) is whole


def test_a_redeem_asks_which_reward_only_when_several_are_ready() -> None:
    card = samples.card()
    stamps, points = card.stamp_rewards[0], card.points_rewards[0]
    assert not Redeemable(card, ()).asks_which  # an explicit number of points
    assert not Redeemable(card, (stamps,)).asks_which  # the only one, or the one picked
    assert Redeemable(card, (stamps, points)).asks_which


def _person(language: str | None, cafe: str | None) -> Identity:
    membership = None
    if cafe is not None:
        membership = replace(samples.membership(StaffRole.STAFF), merchant_language=cafe)
    return Identity(
        user_id=7, language=language, telegram_language=None, membership=membership, known=True
    )


@pytest.mark.parametrize(
    ("chosen", "telegram", "cafe", "expected"),
    [
        ("lb", "de-CH", "fr", "lb"),  # their /language choice first
        (None, "de-CH", "fr", "de"),  # else what their Telegram says, normalised
        (None, "pt-BR", "fr", "fr"),  # a language we do not speak: their café's
        (None, None, "fr", "fr"),
        (None, None, None, "en"),  # a customer with nothing known: the default
        (None, "LB_lu", None, "lb"),
    ],
)
def test_a_person_reads_their_choice_then_telegram_then_their_cafe_then_the_default(
    chosen: str | None, telegram: str | None, cafe: str | None, expected: str
) -> None:
    assert language_of(_person(chosen, cafe), telegram, "en") == expected


def test_someone_not_known_yet_reads_what_their_client_says() -> None:
    assert language_of(None, "fr-LU", "en") == "fr"
    assert language_of(None, None, "de") == "de"
