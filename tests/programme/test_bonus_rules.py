"""The pure rules of bonuses: happy-hour windows, bonus ranges, birthdays and how people type
them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import translator
from domain import errors
from domain.happy_hours import parse_happy_hours
from domain.model import Birthday, ProgramType, birthday_bonus_due, check_birthday
from domain.program import ProgramSettings, apply_setting

LUX = ZoneInfo("Europe/Luxembourg")


def _lux(day: int, hour: int, minute: int) -> datetime:
    """A moment in the week of Monday 12 January 2026, Luxembourg time."""
    return datetime(2026, 1, day, hour, minute, tzinfo=LUX).astimezone(UTC)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("mon-fri 14:00-16:00 x2", "mon-fri 14:00-16:00 x2"),
        ("Sat,Sun 10h00-12h00 ×3", "sat,sun 10:00-12:00 x3"),
        ("fri-mon 9:00-10:30 x5", "mon,fri-sun 09:00-10:30 x5"),
        ("mon-sun 00:00-24:00 x2", "mon-sun 00:00-24:00 x2"),
        ("fri 22:00-02:00 x2; tue 8:00-9:00 x4", "fri 22:00-02:00 x2; tue 08:00-09:00 x4"),
        ("mon-fri 15:00-17:00 x2, sat 9:00-11:00 x2", "mon-fri 15:00-17:00 x2; sat 09:00-11:00 x2"),
        ("15-17", "mon-sun 15:00-17:00 x2"),
        ("Lun-Ven 15h-17h30 x3", "mon-fri 15:00-17:30 x3"),
        ("Mo, Mi 9-10, Sa-So 10-12 x4", "mon,wed 09:00-10:00 x2; sat,sun 10:00-12:00 x4"),
        ("Dë-Do 8-9", "tue-thu 08:00-09:00 x2"),
    ],
)
def test_happy_hours_are_read_and_shown_in_one_form(typed: str, shown: str) -> None:
    parsed = parse_happy_hours(typed)
    assert str(parsed) == shown
    assert str(parse_happy_hours(shown)) == shown


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "mon",
        "mon 14:00",
        "mon 14:00-16:00 x2 tue 9-10 x2",
        "mon 14:00-16:00 x1",
        "mon 14:00-16:00 x6",
        "mon 14:00-14:00 x2",
        "someday 14:00-16:00 x2",
        "mon 25:00-26:00 x2",
        "mon 14:00-16:00 x2;" * 8,
    ],
)
def test_bad_happy_hours_are_refused_with_an_example(typed: str) -> None:
    with pytest.raises(errors.InvalidSettingValue) as refused:
        parse_happy_hours(typed)
    assert refused.value.key == "happy_hour" and refused.value.example


@pytest.mark.parametrize("language", ["en", "fr", "de", "lb"])
def test_happy_hours_read_back_as_each_language_shows_them(language: str) -> None:
    from bot.texts.bonuses import happy_hours_text

    hours = parse_happy_hours("mon,wed 9-10; tue-sun 15-17 x3; fri 22:00-02:00 x2")
    shown = happy_hours_text(translator(language), hours)
    assert parse_happy_hours(shown) == hours
    assert [w.past_midnight for w in hours.windows] == [False, False, True]


def test_happy_hour_windows_at_their_edges_and_past_midnight() -> None:
    hours = parse_happy_hours("mon-fri 14:00-16:00 x2; sat 23:00-01:00 x3")
    assert hours is not None
    tz = "Europe/Luxembourg"
    cases = {
        _lux(13, 13, 59): 1,
        _lux(13, 14, 0): 2,
        _lux(13, 15, 59): 2,
        _lux(13, 16, 0): 1,
        _lux(17, 14, 30): 1,  # Saturday afternoon
        _lux(17, 23, 0): 3,
        _lux(18, 0, 59): 3,  # Sunday night, Saturday's window
        _lux(18, 1, 0): 1,
        _lux(18, 23, 30): 1,
    }
    assert {moment: hours.multiplier_at(moment, tz) for moment in cases} == cases


def test_bonuses_are_bounded_by_the_programmes_unit() -> None:
    stamps = ProgramSettings()
    assert apply_setting(stamps, "welcome_bonus", "10").welcome_bonus == 10
    with pytest.raises(errors.InvalidSettingValue) as refused:
        apply_setting(stamps, "birthday_bonus", "11")
    assert (refused.value.minimum, refused.value.maximum, refused.value.unit) == (0, 10, "stamps")
    points = apply_setting(stamps, "type", "hybrid")
    assert apply_setting(points, "referral_bonus", "10000").referral_bonus == 10000
    with pytest.raises(errors.InvalidSettingValue) as refused:
        apply_setting(points, "referral_bonus", "10001")
    assert (refused.value.maximum, refused.value.unit) == (10_000, "points")  # said in points
    big = apply_setting(points, "referral_bonus", "500")
    with pytest.raises(errors.BonusTooLargeForType) as too_large:
        apply_setting(big, "type", "stamps")
    assert (too_large.value.key, too_large.value.maximum) == ("referral_bonus", 10)
    assert apply_setting(stamps, "referral_cap", "0").referral_cap == 0
    with pytest.raises(errors.InvalidSettingValue):
        apply_setting(stamps, "referral_cap", "101")
    assert ProgramSettings().referral_cap == 10
    assert ProgramSettings(type=ProgramType.HYBRID).bonus_in_points


def test_birthdays_checks_and_the_29th_of_february() -> None:
    assert check_birthday(29, 2) == Birthday(29, 2)
    for day, month in ((30, 2), (31, 6), (0, 1), (1, 0), (1, 13)):
        with pytest.raises(errors.InvalidBirthday):
            check_birthday(day, month)
    assert Birthday(29, 2).celebrated_in(2027).isoformat() == "2027-02-28"
    assert Birthday(29, 2).celebrated_in(2028).isoformat() == "2028-02-29"


def test_a_birthday_bonus_is_due_on_the_local_day_from_nine_and_30_days_after_setting() -> None:
    tz = "Europe/Luxembourg"
    june = Birthday(24, 6)
    set_at = datetime(2026, 5, 25, 12, tzinfo=UTC)
    assert birthday_bonus_due(june, set_at, datetime(2026, 6, 24, 7, 0, tzinfo=UTC), tz) == 2026
    assert birthday_bonus_due(june, set_at, datetime(2026, 6, 24, 6, 59, tzinfo=UTC), tz) is None
    late = datetime(2026, 5, 26, 12, tzinfo=UTC)  # 29 days before
    assert birthday_bonus_due(june, late, datetime(2026, 6, 24, 12, tzinfo=UTC), tz) is None


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("en", "24.12", (24, 12)),
        ("en", "24/12", (24, 12)),
        ("en", "24 Dec", (24, 12)),
        ("en", "December 24th", (24, 12)),
        ("fr", "24 déc.", (24, 12)),
        ("fr", "24 decembre", (24, 12)),
        ("fr", "1er mars", (1, 3)),
        ("fr", "3 mars", (3, 3)),
        ("de", "24. Dezember", (24, 12)),
        ("de", "24.12.", (24, 12)),
        ("lb", "24. Dezember", (24, 12)),
        ("lb", "1. Mäerz", (1, 3)),
        ("fr", "3 ma", None),  # mars or mai
        ("en", "tomorrow", None),
        ("en", "2412", None),
    ],
)
def test_day_and_month_are_read_as_people_write_them(
    language: str, typed: str, expected: tuple[int, int] | None
) -> None:
    assert translator(language).parse_day_month(typed) == expected
