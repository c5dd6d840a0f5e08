"""A programme's settings to its row and its ladder and back, by the settings' own field list:
the first reward of each unit is the ladder's cheapest rung, never a column of the row."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

from domain.db.program_settings import SETTING_NAMES, settings_of, store_settings
from domain.db.tables import Program
from domain.model import ProgramType, Reward, RewardUnit
from domain.program import FIRST_RUNG_SETTINGS, ProgramSettings, parse_happy_hours

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

# A value unlike the default for every setting: a field the mapping dropped would come back
# as its default and fail the round trip.
CHANGED = ProgramSettings(
    type=ProgramType.HYBRID,
    stamps_target=7,
    reward="Croissant",
    cooldown_minutes=3,
    daily_limit=2,
    points_per_euro=Decimal("2.5"),
    points_reward=250,
    points_reward_text="Lunch",
    expiry_days=90,
    cross_location=False,
    timezone="Europe/Paris",
    summary_time=time(7, 45),
    quiet_day_message=False,
    language="lb",
    staff_corrections=True,
    welcome_bonus=2,
    birthday_bonus=3,
    referral_bonus=4,
    referral_cap=5,
    happy_hour=parse_happy_hours("mon-fri 14:00-16:00 x2"),
    winback_days=60,
    offers_per_day=3,
)


# CHANGED's first rewards as its ladder stores them, listed dearest first: the cheapest counts.
LADDER = (
    Reward(4, RewardUnit.POINTS, 900, "Dinner"),
    Reward(3, RewardUnit.POINTS, 250, "Lunch"),
    Reward(2, RewardUnit.STAMPS, 12, "Cake"),
    Reward(1, RewardUnit.STAMPS, 7, "Croissant"),
)
DEFAULT_LADDER = (
    Reward(1, RewardUnit.STAMPS, 10, "Free coffee"),
    Reward(2, RewardUnit.POINTS, 100, "5 € voucher"),
)


def test_every_setting_has_its_column_or_is_a_first_rung() -> None:
    columns = {column.key for column in Program.__table__.columns}
    assert set(SETTING_NAMES) <= columns
    assert not set(FIRST_RUNG_SETTINGS) & columns
    assert set(SETTING_NAMES) | set(FIRST_RUNG_SETTINGS) == set(ProgramSettings.__annotations__)


def test_every_setting_differs_from_its_default_in_the_sample() -> None:
    defaults = ProgramSettings()
    names = (*SETTING_NAMES, *FIRST_RUNG_SETTINGS)
    same = [n for n in names if getattr(CHANGED, n) == getattr(defaults, n)]
    assert same == []


def test_settings_come_back_from_the_row_as_they_went_in() -> None:
    program = Program(merchant_id=1)
    store_settings(program, CHANGED, NOW)
    assert settings_of(program, LADDER) == CHANGED
    assert (program.type, program.summary_time, program.happy_hour) == (
        "hybrid",
        "07:45",
        str(CHANGED.happy_hour),
    )
    assert program.updated_at == NOW


def test_settings_switched_off_are_stored_as_none() -> None:
    program = Program(merchant_id=1)
    off = ProgramSettings(summary_time=None, happy_hour=None)
    store_settings(program, off, NOW)
    assert (program.summary_time, program.happy_hour) == (None, None)
    assert settings_of(program, DEFAULT_LADDER) == off


def test_the_summary_catches_up_from_when_it_was_switched_on() -> None:
    program = Program(merchant_id=1)
    store_settings(program, ProgramSettings(summary_time=None), NOW)
    assert program.summary_on_since is None
    later = datetime(2026, 3, 5, tzinfo=UTC)
    store_settings(program, ProgramSettings(summary_time=time(20, 0)), later)
    assert program.summary_on_since == later
    # Moving the time of a summary already on keeps the day it was switched on.
    store_settings(program, ProgramSettings(summary_time=time(21, 0)), datetime.now(UTC))
    assert program.summary_on_since == later
