"""What owners type for a setting, in the menu's free input and in `/program set` alike."""

from __future__ import annotations

from datetime import time

import pytest

from domain import errors, setting_input
from domain.model import ProgramType
from domain.program import ProgramSettings, apply_setting, setting_value

DEFAULTS = ProgramSettings()

UNDERSTOOD = [
    # the daily summary: hours as owners write them, and off in four languages
    ("summary", "21h", time(21, 0)),
    ("summary", "9pm", time(21, 0)),
    ("summary", "9 PM", time(21, 0)),
    ("summary", "9:30 pm", time(21, 30)),
    ("summary", "9 p.m.", time(21, 0)),
    ("summary", "12am", time(0, 0)),
    ("summary", "12pm", time(12, 0)),
    ("summary", "21:00", time(21, 0)),
    ("summary", "21.00", time(21, 0)),
    ("summary", "21h30", time(21, 30)),
    ("summary", "21 h", time(21, 0)),
    ("summary", "21 Uhr", time(21, 0)),
    ("summary", "18", time(18, 0)),
    ("summary", "off", None),
    ("summary", "aus", None),
    ("summary", "désactivé", None),
    ("summary", "Desactive", None),
    ("summary", "0", None),
    ("summary", "keng", None),
    # the time between stamps
    ("cooldown", "30 min", 30),
    ("cooldown", "30min", 30),
    ("cooldown", "30 minutes", 30),
    ("cooldown", "45 Minuten", 45),
    ("cooldown", "2h", 120),
    ("cooldown", "2 heures", 120),
    ("cooldown", "1 Stonn", 60),
    ("cooldown", "1 h 30", 90),
    ("cooldown", "1h30", 90),
    ("cooldown", "1h30min", 90),
    ("cooldown", "1 h 30 min", 90),
    ("cooldown", "1:30", 90),
    ("cooldown", "90", 90),
    ("cooldown", "24h", 1440),
    ("cooldown", "off", 0),
    ("cooldown", "aus", 0),
    ("cooldown", "0", 0),
    # counts and days where 0 is off
    ("daily_limit", "off", 0),
    ("daily_limit", "AUS", 0),
    ("daily_limit", "10", 10),
    ("expiry_days", "off", 0),
    ("expiry_days", "désactivé", 0),
    ("expiry_days", "180 days", 180),
    ("expiry_days", "180 jours", 180),
    ("expiry_days", "90 Tage", 90),
    ("expiry_days", "6 months", 180),
    ("expiry_days", "6 mois", 180),
    ("expiry_days", "1 year", 365),
    ("expiry_days", "2 ans", 730),
    ("expiry_days", "2 Joer", 730),
    # time zones by city or IANA name, any case, accents ignored
    ("timezone", "Luxembourg", "Europe/Luxembourg"),
    ("timezone", "luxembourg", "Europe/Luxembourg"),
    ("timezone", "Lëtzebuerg", "Europe/Luxembourg"),
    ("timezone", "Luxemburg", "Europe/Luxembourg"),
    ("timezone", "Paris", "Europe/Paris"),
    ("timezone", "berlin", "Europe/Berlin"),
    ("timezone", "Bruxelles", "Europe/Brussels"),
    ("timezone", "Brüssel", "Europe/Brussels"),
    ("timezone", "Zürich", "Europe/Zurich"),
    ("timezone", "europe/paris", "Europe/Paris"),
    ("timezone", "EUROPE/BERLIN", "Europe/Berlin"),
    ("timezone", "new york", "America/New_York"),
    ("timezone", "New_York", "America/New_York"),
    # switches, types and languages in the owner's words
    ("cross_location", "an", True),
    ("cross_location", "oui", True),
    ("cross_location", "aus", False),
    ("cross_location", "désactivé", False),
    ("type", "Stempel", ProgramType.STAMPS),
    ("type", "tampons", ProgramType.STAMPS),
    ("type", "Punkte", ProgramType.POINTS),
    ("type", "hybride", ProgramType.HYBRID),
    ("language", "Français", "fr"),
    ("language", "Deutsch", "de"),
    ("language", "Lëtzebuergesch", "lb"),
    ("language", "English", "en"),
    # reward names: any short text, spaces squeezed
    ("reward", "  Croissant   offert ", "Croissant offert"),
    ("points_reward_text", "Gratis Kaffi", "Gratis Kaffi"),
]


@pytest.mark.parametrize(("key", "typed", "expected"), UNDERSTOOD)
def test_what_owners_type_is_understood(key: str, typed: str, expected: object) -> None:
    assert setting_value(apply_setting(DEFAULTS, key, typed), key) == expected


REFUSED = [
    ("summary", "25h"),
    ("summary", "24:00"),
    ("summary", "13pm"),
    ("summary", "0pm"),
    ("summary", "21:75"),
    ("summary", "abc"),
    ("summary", "-5"),
    ("summary", "9 pm tomorrow"),
    ("cooldown", "25h"),  # more than a day
    ("cooldown", "abc"),
    ("cooldown", "-5"),
    ("cooldown", "1.5h"),
    ("cooldown", "30 min 2h"),
    ("cooldown", "2h 1h"),
    ("cooldown", "30 parsecs"),
    ("cooldown", "１２"),
    ("daily_limit", "-5"),
    ("daily_limit", "abc"),
    ("daily_limit", "101"),
    ("daily_limit", "5 min"),
    ("expiry_days", "-5"),
    ("expiry_days", "11 years"),
    ("expiry_days", "abc"),
    ("timezone", "abc"),
    ("timezone", "Atlantis"),
    ("timezone", "-5"),
    ("timezone", "x" * 200),
    ("cross_location", "abc"),
    ("cross_location", "-5"),
    ("type", "abc"),
    ("language", "abc"),
    ("stamps_target", "off"),
    ("stamps_target", "-5"),
    ("points_reward", "abc"),
    ("reward", ""),
    ("reward", "x" * 101),
]


@pytest.mark.parametrize(("key", "typed"), REFUSED)
def test_what_does_not_fit_is_refused_and_changes_nothing(key: str, typed: str) -> None:
    with pytest.raises(errors.InvalidSettingValue) as refused:
        apply_setting(DEFAULTS, key, typed)
    assert refused.value.key == key
    assert refused.value.value == typed.strip()
    assert ProgramSettings() == DEFAULTS  # frozen: the defaults stay what they were


def test_folding_drops_accents_and_case_but_keeps_other_digits_apart() -> None:
    assert setting_input.fold("  Lëtzebuerg  ") == "letzebuerg"
    assert setting_input.fold("DÉSACTIVÉ") == "desactive"
    assert setting_input.fold("１２") != "12"  # fullwidth digits are not read as digits
    assert setting_input.read_minutes("²") is None


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("5", 5),
        (" 12 ", 12),
        ("٣", None),
        ("³", None),
        ("1٣", None),
        ("", None),
        ("-1", None),
        ("1" * 10, None),
        ("+3", None),
    ],
)
def test_one_reader_of_whole_numbers_takes_ascii_digits_only(
    typed: str, number: int | None
) -> None:
    assert setting_input.whole_number(typed) == number
