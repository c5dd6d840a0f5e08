"""`/program set <key> <value>`: parsing, validation and the typed refusals of every setting."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields, replace
from datetime import time
from decimal import Decimal
from typing import Any

import pytest

from domain import errors
from domain.model import ProgramType
from domain.program import SETTING_KEYS, ProgramSettings, apply_setting, setting_value

DEFAULTS = ProgramSettings()

# key → ProgramSettings field it changes
FIELD = {
    "type": "type",
    "stamps_target": "stamps_target",
    "reward": "reward",
    "cooldown": "cooldown_minutes",
    "daily_limit": "daily_limit",
    "points_per_euro": "points_per_euro",
    "points_reward": "points_reward",
    "points_reward_text": "points_reward_text",
    "expiry_days": "expiry_days",
    "cross_location": "cross_location",
    "timezone": "timezone",
    "summary": "summary_time",
    "quiet_day": "quiet_day_message",
    "language": "language",
    "staff_corrections": "staff_corrections",
    "welcome_bonus": "welcome_bonus",
    "birthday_bonus": "birthday_bonus",
    "referral_bonus": "referral_bonus",
    "referral_cap": "referral_cap",
    "happy_hour": "happy_hour",
    "winback_days": "winback_days",
    "offers_per_day": "offers_per_day",
}

INT_RANGES = {
    "stamps_target": (1, 50),
    "cooldown": (0, 1440),
    "daily_limit": (0, 100),
    "points_reward": (1, 1_000_000),
    "expiry_days": (0, 3650),
    # Bonuses in a stamp programme (the default); a points programme allows 0 to 10,000.
    "welcome_bonus": (0, 10),
    "birthday_bonus": (0, 10),
    "referral_bonus": (0, 10),
    "referral_cap": (0, 100),
    "winback_days": (0, 365),
    "offers_per_day": (0, 3),
}
CHOICES = {
    "type": ("stamps", "points", "hybrid"),
    "cross_location": ("on", "off"),
    "language": ("en", "fr", "de", "lb"),
    "staff_corrections": ("on", "off"),
    "quiet_day": ("line", "nothing"),
}
TEXT_KEYS = ("reward", "points_reward_text")
EXAMPLES = {
    "timezone": "Europe/Luxembourg",
    "summary": "21:00",
    "happy_hour": "mon-fri 14:00-16:00 x2",
}

GARBAGE = [
    "",
    "abc",
    "-1",
    "1e3",
    "١٢",  # Arabic-Indic twelve
    "１２",  # fullwidth twelve
    "99999999999999999999",
    "1000000000000",
    "1; DROP TABLE programs;--",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "<b>5</b>",
    "NaN",
    "null",
]


def refusal(key: str, raw: str, settings: ProgramSettings = DEFAULTS) -> errors.InvalidSettingValue:
    """Apply a value that must be refused; check nothing changed; return the error."""
    before = replace(settings)
    with pytest.raises(errors.InvalidSettingValue) as caught:
        apply_setting(settings, key, raw)
    assert settings == before
    return caught.value


def assert_described(
    err: errors.InvalidSettingValue,
    *,
    key: str,
    value: str,
    choices: tuple[str, ...] = (),
    minimum: Any = None,
    maximum: Any = None,
    max_length: int | None = None,
    example: str | None = None,
) -> None:
    """Exactly the fields that describe the key's domain are set, and no others."""
    assert err.key == key
    assert err.value == value
    assert tuple(err.choices) == choices
    assert err.minimum == minimum
    assert err.maximum == maximum
    assert err.max_length == max_length
    assert err.example == example


def assert_refusal_for(key: str, raw: str) -> None:
    err = refusal(key, raw)
    if key in INT_RANGES:
        low, high = INT_RANGES[key]
        assert_described(err, key=key, value=raw, minimum=low, maximum=high)
    elif key == "points_per_euro":
        assert_described(err, key=key, value=raw, minimum=Decimal(0), maximum=Decimal(100))
    elif key in CHOICES:
        assert_described(err, key=key, value=raw, choices=CHOICES[key])
    elif key in TEXT_KEYS:
        assert_described(err, key=key, value=raw, max_length=100)
    else:
        assert_described(err, key=key, value=raw, example=EXAMPLES[key])


# --- the keys ----------------------------------------------------------------------------------


def test_setting_keys_are_the_documented_ones_in_order() -> None:
    assert tuple(FIELD) == SETTING_KEYS


def test_defaults_match_the_product_contract() -> None:
    assert DEFAULTS.type is ProgramType.STAMPS
    assert DEFAULTS.stamps_target == 10
    assert DEFAULTS.reward == "Free coffee"
    assert DEFAULTS.cooldown_minutes == 15
    assert DEFAULTS.daily_limit == 5
    assert DEFAULTS.points_per_euro == Decimal(1)
    assert DEFAULTS.points_reward == 100
    assert DEFAULTS.points_reward_text == "5 € voucher"
    assert DEFAULTS.expiry_days == 365
    assert DEFAULTS.cross_location is True
    assert DEFAULTS.timezone == "Europe/Luxembourg"
    assert DEFAULTS.summary_time == time(21, 0)
    assert DEFAULTS.staff_corrections is False
    assert DEFAULTS.winback_days == 30
    assert DEFAULTS.offers_per_day == 1


@pytest.mark.parametrize("key", SETTING_KEYS)
def test_setting_value_reads_the_field_of_each_key(key: str) -> None:
    assert setting_value(DEFAULTS, key) == getattr(DEFAULTS, FIELD[key])


@pytest.mark.parametrize(
    "key",
    ["", "colour", "cooldown_minutes", "summary_time", "stamps target", "typ", "'; DROP--"],
)
def test_unknown_key_is_refused_with_the_allowed_keys(key: str) -> None:
    with pytest.raises(errors.UnknownSetting) as caught:
        apply_setting(DEFAULTS, key, "5")
    assert caught.value.key == key
    assert caught.value.allowed_keys == SETTING_KEYS


@pytest.mark.parametrize("key", ["COOLDOWN", "Cooldown", " cooldown ", "cooldown\n"])
def test_keys_are_case_and_whitespace_insensitive(key: str) -> None:
    assert apply_setting(DEFAULTS, key, "30").cooldown_minutes == 30
    err = refusal(key, "9999")
    assert err.key == "cooldown"  # the canonical key, not what was typed


# --- valid values ------------------------------------------------------------------------------

VALID = [
    ("type", "stamps", ProgramType.STAMPS),
    ("type", "points", ProgramType.POINTS),
    ("type", "hybrid", ProgramType.HYBRID),
    ("type", "POINTS", ProgramType.POINTS),
    ("type", "Hybrid", ProgramType.HYBRID),
    ("type", "  points  ", ProgramType.POINTS),
    ("stamps_target", "8", 8),
    ("stamps_target", " 12 ", 12),
    ("reward", "Free croissant", "Free croissant"),
    ("reward", "  Free \t  croissant \n", "Free croissant"),
    ("reward", "Croissant gratuit 🥐", "Croissant gratuit 🥐"),
    ("reward", "x" * 100, "x" * 100),
    ("cooldown", "30", 30),
    ("daily_limit", "3", 3),
    ("points_per_euro", "1.5", Decimal("1.5")),
    ("points_per_euro", "1,5", Decimal("1.5")),
    ("points_per_euro", "0.25", Decimal("0.25")),
    ("points_per_euro", "0,25", Decimal("0.25")),
    ("points_per_euro", "2", Decimal(2)),
    ("points_per_euro", "0.0001", Decimal("0.0001")),
    ("points_per_euro", "100.0", Decimal(100)),
    ("points_per_euro", " 1,5 ", Decimal("1.5")),
    ("points_reward", "250", 250),
    ("points_reward_text", "10 € Gutschein", "10 € Gutschein"),
    ("expiry_days", "90", 90),
    ("cross_location", "on", True),
    ("cross_location", "off", False),
    ("cross_location", "ON", True),
    ("cross_location", "Off", False),
    ("quiet_day", "line", True),
    ("quiet_day", "nothing", False),
    ("quiet_day", "Rien", False),
    ("quiet_day", "Zeile", True),
    ("quiet_day", "näischt", False),
    ("quiet_day", "off", False),
    ("staff_corrections", "on", True),
    ("staff_corrections", "OFF", False),
    ("timezone", "Europe/Luxembourg", "Europe/Luxembourg"),
    ("timezone", "UTC", "UTC"),
    ("timezone", "America/New_York", "America/New_York"),
    ("timezone", "Asia/Kolkata", "Asia/Kolkata"),
    ("timezone", " Europe/Paris ", "Europe/Paris"),
    ("summary", "off", None),
    ("summary", "OFF", None),
    ("summary", "Off", None),
    ("summary", "21:00", time(21, 0)),
    ("summary", "08:30", time(8, 30)),
    ("summary", "8:30", time(8, 30)),
    ("summary", "00:00", time(0, 0)),
    ("summary", "23:59", time(23, 59)),
    ("language", "en", "en"),
    ("language", "fr", "fr"),
    ("language", "de", "de"),
    ("language", "lb", "lb"),
    ("language", "FR", "fr"),
    ("language", "Lb", "lb"),
]


@pytest.mark.parametrize(("key", "raw", "expected"), VALID)
def test_valid_value_is_applied_to_a_new_settings_object(key: str, raw: str, expected: Any) -> None:
    original = ProgramSettings(
        type=ProgramType.POINTS, cross_location=False, summary_time=time(6, 0), language="de"
    )
    snapshot = replace(original)
    changed = apply_setting(original, key, raw)
    value = getattr(changed, FIELD[key])
    assert value == expected
    assert type(value) is type(expected)
    assert changed is not original
    assert original == snapshot  # the input is left as it was
    # Nothing but the key's field changed.
    assert replace(changed, **{FIELD[key]: getattr(original, FIELD[key])}) == original
    assert setting_value(changed, key) == expected


def test_points_per_euro_comma_and_dot_agree() -> None:
    comma = apply_setting(DEFAULTS, "points_per_euro", "1,5").points_per_euro
    dot = apply_setting(DEFAULTS, "points_per_euro", "1.5").points_per_euro
    assert comma == dot == Decimal("1.5")
    assert isinstance(comma, Decimal)


def test_settings_object_is_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        DEFAULTS.cooldown_minutes = 0  # type: ignore[misc]
    assert DEFAULTS.cooldown_minutes == 15


def test_changes_compose() -> None:
    settings = DEFAULTS
    for key, raw in [("type", "hybrid"), ("cooldown", "0"), ("summary", "off"), ("language", "lb")]:
        settings = apply_setting(settings, key, raw)
    assert (settings.type, settings.cooldown_minutes, settings.summary_time, settings.language) == (
        ProgramType.HYBRID,
        0,
        None,
        "lb",
    )
    assert settings.stamps_target == DEFAULTS.stamps_target


# --- integer ranges ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(INT_RANGES))
def test_integer_setting_accepts_both_bounds(key: str) -> None:
    low, high = INT_RANGES[key]
    assert getattr(apply_setting(DEFAULTS, key, str(low)), FIELD[key]) == low
    assert getattr(apply_setting(DEFAULTS, key, str(high)), FIELD[key]) == high


@pytest.mark.parametrize("key", list(INT_RANGES))
def test_integer_setting_refuses_just_outside_the_bounds(key: str) -> None:
    low, high = INT_RANGES[key]
    for raw in (str(low - 1), str(high + 1)):
        err = refusal(key, raw)
        assert_described(err, key=key, value=raw, minimum=low, maximum=high)


@pytest.mark.parametrize("key", list(INT_RANGES))
@pytest.mark.parametrize("raw", ["1.5", "1,0", "10 20", "0x10", "1_0", "five", "²", "-0.5"])
def test_integer_setting_refuses_non_integers(key: str, raw: str) -> None:
    assert_refusal_for(key, raw)


# --- points_per_euro ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["100.01", "100,0001", "101", "1000", "-0.5", "-1", "1.5.0", "1,5,0", "1.5,0", "Infinity",
     "1 5", "١٫٥", "1/2"],
)  # fmt: skip
def test_points_per_euro_refusals(raw: str) -> None:
    err = refusal("points_per_euro", raw)
    assert_described(
        err, key="points_per_euro", value=raw, minimum=Decimal(0), maximum=Decimal(100)
    )


def test_points_per_euro_bounds() -> None:
    assert apply_setting(DEFAULTS, "points_per_euro", "0").points_per_euro == 0
    assert apply_setting(DEFAULTS, "points_per_euro", "100").points_per_euro == 100


# --- choices -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("type", "stamps points"),
        ("type", "stampss"),
        ("cross_location", "2"),
        ("cross_location", "maybe"),
        ("language", "klingon"),
        ("cross_location", "true"),
        ("cross_location", "of"),
        ("staff_corrections", "maybe"),
        ("language", "es"),
        ("language", "fr-FR"),
        ("language", "lu"),
    ],
)
def test_choice_setting_refusals_list_the_choices(key: str, raw: str) -> None:
    assert_described(refusal(key, raw), key=key, value=raw, choices=CHOICES[key])


# --- texts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", TEXT_KEYS)
@pytest.mark.parametrize(
    "raw", ["", "   ", "x" * 101, "a" + " b" * 50, "Free\x00coffee", "Free\x07coffee", "a\u200bb"]
)
def test_text_setting_refusals_give_the_max_length(key: str, raw: str) -> None:
    err = refusal(key, raw)
    assert_described(err, key=key, value=raw.strip(), max_length=100)


@pytest.mark.parametrize("key", TEXT_KEYS)
@pytest.mark.parametrize(
    "raw", ["1; DROP TABLE programs;--", "<script>alert(1)</script>", "' OR '1'='1", "abc", "-1"]
)
def test_text_settings_store_markup_verbatim(key: str, raw: str) -> None:
    # Escaping is the renderer's job; the domain keeps what the owner typed.
    assert getattr(apply_setting(DEFAULTS, key, raw), FIELD[key]) == raw


# --- timezone and summary ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "Europe/Atlantis",
        "Atlantis",
        "Lëtzebuergg",
        "Europe",
        "../../etc/passwd",
        "/usr/share/zoneinfo/UTC",
        "Europe/../UTC",
        "+01:00",
        "UTC+1",
        "Europe/Luxembourg; DROP TABLE programs",
    ],
)
def test_timezone_refusals_give_an_example(raw: str) -> None:
    assert_described(
        refusal("timezone", raw), key="timezone", value=raw, example=EXAMPLES["timezone"]
    )


@pytest.mark.parametrize("raw", ["europe/luxembourg", "EUROPE/LUXEMBOURG"])
def test_timezone_in_the_wrong_case_is_refused_or_canonicalised(raw: str) -> None:
    # ZoneInfo is case-sensitive on Linux: a non-canonical spelling must never be stored as is.
    try:
        stored = apply_setting(DEFAULTS, "timezone", raw).timezone
    except errors.InvalidSettingValue as err:
        assert err.example == "Europe/Luxembourg"
    else:
        assert stored == "Europe/Luxembourg"


@pytest.mark.parametrize(
    "raw",
    ["24:00", "21:60", "25:00", "2100", "21:0", "21:000", "21:00:00", "noon", "on", "-1:00",
     "٢١:٠٠", "9:٣٠", "٩:00", "21 00"],
)  # fmt: skip
def test_summary_refusals_give_an_example(raw: str) -> None:
    assert_described(refusal("summary", raw), key="summary", value=raw, example="21:00")


# --- garbage, for every key --------------------------------------------------------------------


@pytest.mark.parametrize("key", [k for k in SETTING_KEYS if k not in TEXT_KEYS])
@pytest.mark.parametrize("raw", GARBAGE)
def test_garbage_is_refused_with_the_right_description(key: str, raw: str) -> None:
    assert_refusal_for(key, raw)


@pytest.mark.parametrize("key", TEXT_KEYS)
def test_empty_text_is_refused(key: str) -> None:
    assert_refusal_for(key, "")


def test_every_key_is_covered_by_exactly_one_kind_of_description() -> None:
    kinds = [set(INT_RANGES), {"points_per_euro"}, set(CHOICES), set(TEXT_KEYS), set(EXAMPLES)]
    assert set().union(*kinds) == set(SETTING_KEYS)
    assert sum(len(k) for k in kinds) == len(SETTING_KEYS)
    assert {f.name for f in fields(ProgramSettings)} == set(FIELD.values())
