"""The injected clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.clock import ManualClock, SystemClock

START = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def test_manual_clock_refuses_a_naive_start() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(datetime(2026, 3, 29, 0, 30))


def test_manual_clock_refuses_setting_a_naive_time() -> None:
    clock = ManualClock(START)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 4, 1, 12, 0))
    assert clock.now() == START  # the refused set changed nothing


def test_manual_clock_stands_still_until_told() -> None:
    clock = ManualClock(START)
    assert clock.now() == START
    assert clock.now() == START


def test_manual_clock_reports_utc_even_from_a_local_start() -> None:
    local = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/Luxembourg"))
    clock = ManualClock(local)
    assert clock.now() == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)


def test_manual_clock_advances() -> None:
    clock = ManualClock(START)
    clock.advance(timedelta(minutes=15))
    assert clock.now() == START + timedelta(minutes=15)
    clock.advance(timedelta(days=1, seconds=1))
    assert clock.now() == START + timedelta(days=1, minutes=15, seconds=1)
    # Across the 29 March 2026 clock change: elapsed time, not wall-clock time.
    assert clock.now().utcoffset() == timedelta(0)


def test_manual_clock_set_moves_to_the_instant_given() -> None:
    clock = ManualClock(START)
    clock.set(datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo("Europe/Luxembourg")))  # CEST
    assert clock.now() == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)
    clock.set(START - timedelta(days=3))  # backwards is allowed
    assert clock.now() == START - timedelta(days=3)


def test_system_clock_is_aware_utc_and_current() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    after = datetime.now(UTC)
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= after
