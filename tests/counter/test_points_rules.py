"""Pure points rules: purchase amounts, points earned, points figures and expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import errors
from domain.model import check_amount, check_points, points_expire_at, points_for_amount

# --- check_amount ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount",
    ["0.01", "0.1", "1", "12.5", "12.50", "999.99", "9999.99", "10000", "10000.00", "1E+1"],
)
def test_amount_in_range_with_at_most_two_decimals_is_accepted(amount: str) -> None:
    check_amount(Decimal(amount))  # raises when refused


@pytest.mark.parametrize(
    "amount",
    [
        "0",
        "0.00",
        "-0.01",
        "-5",
        "0.001",  # below the minimum, and three decimals
        "0.009",
        "10000.01",
        "10001",
        "1E+5",
        "12.345",  # three decimals
        "1.001",
        "9999.999",
        "0.015",
        "NaN",
        "-NaN",
        "sNaN",
        "Infinity",
        "-Infinity",
    ],
)
def test_amount_out_of_range_or_too_precise_is_refused(amount: str) -> None:
    with pytest.raises(errors.InvalidAmount) as caught:
        check_amount(Decimal(amount))
    assert caught.value.minimum == Decimal("0.01")
    assert caught.value.maximum == Decimal("10000")


# --- points_for_amount -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rate", "points"),
    [
        ("12.50", "1", 12),
        ("12.99", "1", 12),
        ("0.99", "1", 0),
        ("0.01", "1", 0),
        ("1", "1", 1),
        ("10000", "1", 10000),
        ("12.50", "1.5", 18),  # 18.75
        ("10", "1.5", 15),
        ("0.67", "1.5", 1),  # 1.005
        ("0.66", "1.5", 0),  # 0.99
        ("12.50", "0.25", 3),  # 3.125
        ("3.99", "0.25", 0),  # 0.9975
        ("4", "0.25", 1),
        ("33.33", "3", 99),  # 99.99
        ("0.01", "100", 1),
        ("10000", "100", 1_000_000),
        ("10000", "0.0001", 1),
        ("9999.99", "0.0001", 0),  # 0.999999
        ("50", "0", 0),
        ("1.10", "10", 11),  # exactly representable in Decimal, not in float
    ],
)
def test_points_for_amount_rounds_down(amount: str, rate: str, points: int) -> None:
    result = points_for_amount(Decimal(amount), Decimal(rate))
    assert result == points
    assert type(result) is int


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000"), places=2)
rates = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=4)


@given(a=amounts, b=amounts, rate=rates)
def test_points_for_amount_is_monotonic_in_amount(a: Decimal, b: Decimal, rate: Decimal) -> None:
    low, high = sorted((a, b))
    assert points_for_amount(low, rate) <= points_for_amount(high, rate)


@given(amount=amounts, rate=rates)
def test_points_for_amount_is_the_floor_of_the_exact_product(
    amount: Decimal, rate: Decimal
) -> None:
    points = points_for_amount(amount, rate)
    exact = amount * rate
    assert points <= exact < points + 1
    assert points >= 0


# --- check_points ------------------------------------------------------------------------------


@pytest.mark.parametrize("points", [1, 2, 100, 999_999, 1_000_000])
def test_points_in_range_are_accepted(points: int) -> None:
    check_points(points)  # raises when refused


@pytest.mark.parametrize("points", [0, -1, -100, 1_000_001, 10**12])
def test_points_out_of_range_are_refused(points: int) -> None:
    with pytest.raises(errors.InvalidPoints) as caught:
        check_points(points)
    assert (caught.value.minimum, caught.value.maximum) == (1, 1_000_000)


# --- points_expire_at --------------------------------------------------------------------------

LAST = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (1, datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
        (30, datetime(2026, 3, 31, 9, 30, tzinfo=UTC)),
        (365, datetime(2027, 3, 1, 9, 30, tzinfo=UTC)),
        (3650, LAST + timedelta(days=3650)),
    ],
)
def test_points_expire_after_the_configured_days(days: int, expected: datetime) -> None:
    assert points_expire_at(LAST, days) == expected


@pytest.mark.parametrize("days", [0, -1])
def test_points_never_expire_when_expiry_is_zero(days: int) -> None:
    assert points_expire_at(LAST, days) is None


def test_expiry_is_counted_in_elapsed_time_across_dst() -> None:
    # 365 days of 24 h each, even across both 2026 clock changes in Europe.
    expires = points_expire_at(LAST, 365)
    assert expires is not None
    assert expires - LAST == timedelta(days=365)
    assert expires.utcoffset() == timedelta(0)
