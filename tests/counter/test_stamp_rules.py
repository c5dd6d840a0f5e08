"""Pure stamping rules: stamp count, cooldown, daily limit and the merchant-local day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import errors
from domain.model import check_stamp_allowed, check_stamp_count, local_day_start

NOW = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)
LUX = "Europe/Luxembourg"


def allowed(**overrides: object) -> bool:
    """True when check_stamp_allowed (permissive defaults, overridden per test) lets it pass."""
    kwargs: dict[str, object] = {
        "n": 1,
        "last_stamp_at": None,
        "cooldown_minutes": 15,
        "daily_limit": 5,
        "stamps_today": 0,
        "now": NOW,
    }
    kwargs.update(overrides)
    check_stamp_allowed(**kwargs)  # type: ignore[arg-type]
    return True


# --- check_stamp_count -------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 9, 10])
def test_stamp_count_in_range_is_accepted(n: int) -> None:
    check_stamp_count(n)  # raises when refused


@pytest.mark.parametrize("n", [0, -1, 11, 100, -(10**9)])
def test_stamp_count_out_of_range_is_refused_with_bounds(n: int) -> None:
    with pytest.raises(errors.InvalidStampCount) as caught:
        check_stamp_count(n)
    assert (caught.value.minimum, caught.value.maximum) == (1, 10)


# --- cooldown ----------------------------------------------------------------------------------


def test_first_stamp_ever_has_no_cooldown() -> None:
    assert allowed(last_stamp_at=None, cooldown_minutes=1440)


def test_exactly_at_end_of_cooldown_is_allowed() -> None:
    assert allowed(last_stamp_at=NOW - timedelta(minutes=15), cooldown_minutes=15)


def test_after_end_of_cooldown_is_allowed() -> None:
    assert allowed(last_stamp_at=NOW - timedelta(hours=3), cooldown_minutes=15)


def test_one_second_before_end_of_cooldown_is_refused_with_one_minute_left() -> None:
    last = NOW - timedelta(minutes=15) + timedelta(seconds=1)
    with pytest.raises(errors.CooldownActive) as caught:
        allowed(last_stamp_at=last, cooldown_minutes=15)
    assert caught.value.minutes_left == 1


def test_one_microsecond_before_end_of_cooldown_is_refused() -> None:
    last = NOW - timedelta(minutes=15) + timedelta(microseconds=1)
    with pytest.raises(errors.CooldownActive) as caught:
        allowed(last_stamp_at=last, cooldown_minutes=15)
    assert caught.value.minutes_left == 1


@pytest.mark.parametrize(
    ("elapsed", "cooldown", "expected_left"),
    [
        (timedelta(0), 15, 15),  # stamped right now: the full cooldown remains
        (timedelta(seconds=1), 15, 15),  # 14 min 59 s rounds up to 15
        (timedelta(seconds=59), 15, 15),
        (timedelta(minutes=1), 15, 14),  # exactly 14 minutes left
        (timedelta(minutes=1, seconds=1), 15, 14),
        (timedelta(minutes=14), 15, 1),
        (timedelta(minutes=14, seconds=30), 15, 1),
        (timedelta(0), 1, 1),
        (timedelta(seconds=30), 1, 1),
        (timedelta(0), 1440, 1440),
        (timedelta(hours=23, minutes=59), 1440, 1),
        (timedelta(hours=12, seconds=1), 1440, 720),
    ],
)
def test_cooldown_minutes_left_round_up(
    elapsed: timedelta, cooldown: int, expected_left: int
) -> None:
    with pytest.raises(errors.CooldownActive) as caught:
        allowed(last_stamp_at=NOW - elapsed, cooldown_minutes=cooldown)
    assert caught.value.minutes_left == expected_left
    assert caught.value.minutes_left >= 1


def test_cooldown_zero_allows_immediate_restamp() -> None:
    assert allowed(last_stamp_at=NOW, cooldown_minutes=0)


def test_cooldown_zero_allows_a_last_stamp_in_the_future() -> None:
    assert allowed(last_stamp_at=NOW + timedelta(minutes=5), cooldown_minutes=0)


def test_cooldown_compares_instants_not_wall_clock_across_timezones() -> None:
    # Last stamp written in Luxembourg time, "now" in UTC: 14 real minutes have passed.
    last_local = (NOW - timedelta(minutes=14)).astimezone(ZoneInfo(LUX))
    with pytest.raises(errors.CooldownActive) as caught:
        allowed(last_stamp_at=last_local, cooldown_minutes=15)
    assert caught.value.minutes_left == 1
    assert allowed(last_stamp_at=last_local - timedelta(minutes=1), cooldown_minutes=15)


def test_cooldown_is_checked_before_daily_limit() -> None:
    with pytest.raises(errors.CooldownActive):
        allowed(last_stamp_at=NOW, cooldown_minutes=15, daily_limit=5, stamps_today=5)


# --- daily limit -------------------------------------------------------------------------------


@pytest.mark.parametrize("stamps_today", [0, 5, 100, 10_000])
def test_daily_limit_zero_means_no_limit(stamps_today: int) -> None:
    assert allowed(n=10, daily_limit=0, stamps_today=stamps_today)


@pytest.mark.parametrize(
    ("n", "stamps_today", "limit"),
    [(1, 4, 5), (3, 2, 5), (5, 0, 5), (10, 90, 100), (1, 0, 1), (2, 0, 2)],
)
def test_reaching_the_limit_exactly_is_allowed(n: int, stamps_today: int, limit: int) -> None:
    assert stamps_today + n == limit
    assert allowed(n=n, stamps_today=stamps_today, daily_limit=limit)


@pytest.mark.parametrize(
    ("n", "stamps_today", "limit", "remaining"),
    [
        (1, 5, 5, 0),
        (2, 4, 5, 1),
        (3, 3, 5, 2),
        (6, 0, 5, 5),
        (10, 0, 5, 5),
        (2, 0, 1, 1),
        (1, 100, 100, 0),
        (10, 91, 100, 9),
    ],
)
def test_beyond_the_limit_is_refused_with_remaining_today(
    n: int, stamps_today: int, limit: int, remaining: int
) -> None:
    with pytest.raises(errors.DailyLimitReached) as caught:
        allowed(n=n, stamps_today=stamps_today, daily_limit=limit)
    assert caught.value.daily_limit == limit
    assert caught.value.remaining_today == remaining


def test_remaining_today_never_negative_when_already_over_the_limit() -> None:
    # The limit was lowered after the card had been stamped more than the new limit today.
    with pytest.raises(errors.DailyLimitReached) as caught:
        allowed(n=1, stamps_today=8, daily_limit=5)
    assert caught.value.remaining_today == 0


def test_cooldown_elapsed_but_limit_reached_is_a_daily_limit_refusal() -> None:
    with pytest.raises(errors.DailyLimitReached):
        allowed(
            last_stamp_at=NOW - timedelta(minutes=15),
            cooldown_minutes=15,
            stamps_today=5,
            daily_limit=5,
        )


# --- local_day_start ---------------------------------------------------------------------------


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, sec, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected_start"),
    [
        # Winter (CET, UTC+1): local midnight is 23:00 UTC the evening before.
        (utc(2026, 1, 15, 12, 0), utc(2026, 1, 14, 23, 0)),
        (utc(2026, 1, 15, 23, 0), utc(2026, 1, 15, 23, 0)),  # exactly local midnight
        (utc(2026, 1, 15, 23, 0, 1), utc(2026, 1, 15, 23, 0)),  # just after local midnight
        (utc(2026, 1, 15, 22, 59, 59), utc(2026, 1, 14, 23, 0)),  # just before local midnight
        # Summer (CEST, UTC+2): local midnight is 22:00 UTC.
        (utc(2026, 7, 10, 21, 59, 59), utc(2026, 7, 9, 22, 0)),
        (utc(2026, 7, 10, 22, 0, 1), utc(2026, 7, 10, 22, 0)),
        # A UTC instant on 10 July that is already 11 July in Luxembourg.
        (utc(2026, 7, 10, 23, 30), utc(2026, 7, 10, 22, 0)),
        # New Year: 31 Dec 23:30 UTC is already 1 Jan 2027 locally.
        (utc(2026, 12, 31, 23, 30), utc(2026, 12, 31, 23, 0)),
    ],
)
def test_local_day_start_luxembourg(now: datetime, expected_start: datetime) -> None:
    start = local_day_start(now, LUX)
    assert start == expected_start
    assert start.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("now", "expected_start"),
    [
        # 29 March 2026: clocks go 02:00 CET → 03:00 CEST at 01:00 UTC; the day lasts 23 h.
        (utc(2026, 3, 28, 23, 0, 1), utc(2026, 3, 28, 23, 0)),  # 00:00:01 CET
        (utc(2026, 3, 28, 22, 59, 59), utc(2026, 3, 27, 23, 0)),  # 23:59:59 CET on the 28th
        (utc(2026, 3, 29, 0, 59, 59), utc(2026, 3, 28, 23, 0)),  # 01:59:59 CET, just before
        (utc(2026, 3, 29, 1, 0), utc(2026, 3, 28, 23, 0)),  # 03:00 CEST, just after
        (utc(2026, 3, 29, 21, 59, 59), utc(2026, 3, 28, 23, 0)),  # 23:59:59 CEST
        (utc(2026, 3, 29, 22, 0), utc(2026, 3, 29, 22, 0)),  # 30 March 00:00 CEST
        (utc(2026, 3, 29, 22, 0, 1), utc(2026, 3, 29, 22, 0)),
        # 25 October 2026: clocks go 03:00 CEST → 02:00 CET at 01:00 UTC; the day lasts 25 h.
        (utc(2026, 10, 24, 22, 0, 1), utc(2026, 10, 24, 22, 0)),  # 00:00:01 CEST
        (utc(2026, 10, 24, 21, 59, 59), utc(2026, 10, 23, 22, 0)),  # 23:59:59 on the 24th
        (utc(2026, 10, 25, 0, 30), utc(2026, 10, 24, 22, 0)),  # first 02:30 (CEST)
        (utc(2026, 10, 25, 1, 30), utc(2026, 10, 24, 22, 0)),  # second 02:30 (CET)
        (utc(2026, 10, 25, 22, 59, 59), utc(2026, 10, 24, 22, 0)),  # 23:59:59 CET
        (utc(2026, 10, 25, 23, 0), utc(2026, 10, 25, 23, 0)),  # 26 October 00:00 CET
        (utc(2026, 10, 25, 23, 0, 1), utc(2026, 10, 25, 23, 0)),
    ],
)
def test_local_day_start_on_dst_change_days(now: datetime, expected_start: datetime) -> None:
    assert local_day_start(now, LUX) == expected_start


def test_dst_days_have_23_and_25_hours() -> None:
    spring = local_day_start(utc(2026, 3, 29, 12), LUX)
    after_spring = local_day_start(utc(2026, 3, 30, 12), LUX)
    autumn = local_day_start(utc(2026, 10, 25, 12), LUX)
    after_autumn = local_day_start(utc(2026, 10, 26, 12), LUX)
    assert after_spring - spring == timedelta(hours=23)
    assert after_autumn - autumn == timedelta(hours=25)


def test_local_day_start_accepts_a_non_utc_aware_now() -> None:
    # 00:30 local on 16 January, given in Luxembourg time.
    now = datetime(2026, 1, 16, 0, 30, tzinfo=ZoneInfo(LUX))
    assert local_day_start(now, LUX) == utc(2026, 1, 15, 23, 0)


@pytest.mark.parametrize(
    ("timezone", "expected_start"),
    [
        ("UTC", utc(2026, 5, 12, 0, 0)),
        ("Asia/Tokyo", utc(2026, 5, 11, 15, 0)),  # 12 May 19:00 local
        ("America/New_York", utc(2026, 5, 12, 4, 0)),  # 12 May 06:00 EDT
        ("Asia/Kolkata", utc(2026, 5, 11, 18, 30)),  # half-hour offset
    ],
)
def test_local_day_start_other_timezones(timezone: str, expected_start: datetime) -> None:
    start = local_day_start(NOW, timezone)
    assert start == expected_start
    assert start <= NOW < start + timedelta(hours=25)


@pytest.mark.parametrize(
    ("timezone", "now", "expected_start"),
    [
        # Local midnight does not exist: the day starts at 01:00 summer time, the same instant.
        ("Asia/Beirut", utc(2026, 3, 29, 10, 0), utc(2026, 3, 28, 22, 0)),
        ("America/Santiago", utc(2026, 9, 6, 10, 0), utc(2026, 9, 6, 4, 0)),
    ],
)
def test_local_day_start_where_midnight_is_skipped(
    timezone: str, now: datetime, expected_start: datetime
) -> None:
    assert local_day_start(now, timezone) == expected_start
