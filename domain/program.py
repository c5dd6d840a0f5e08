"""Program settings: their keys, defaults and validation (`/program set <key> <value>`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain import errors, setting_input
from domain.happy_hours import HappyHours, parse_happy_hours
from domain.model import ProgramType, RewardUnit

LANGUAGES = ("en", "fr", "de", "lb")
TEXT_MAX_LENGTH = 100


DEFAULT_TIMEZONE = "Europe/Luxembourg"


@dataclass(frozen=True)
class ProgramSettings:
    """One merchant's loyalty program, as the owner configured it."""

    type: ProgramType = ProgramType.STAMPS
    # These four are each unit's first reward of the ladder (FIRST_RUNG_SETTINGS), stored there.
    stamps_target: int = 10
    reward: str = "Free coffee"
    cooldown_minutes: int = 15
    daily_limit: int = 5
    points_per_euro: Decimal = Decimal(1)
    points_reward: int = 100
    points_reward_text: str = "5 € voucher"
    expiry_days: int = 365
    cross_location: bool = True
    timezone: str = DEFAULT_TIMEZONE
    summary_time: time | None = time(21, 0)
    quiet_day_message: bool = True  # a day without activity: one short line, or no summary
    language: str = "en"
    staff_corrections: bool = False  # staff may correct stamps too, not only the owner
    welcome_bonus: int = 0
    birthday_bonus: int = 0
    referral_bonus: int = 0
    referral_cap: int = 10
    happy_hour: HappyHours | None = None

    @property
    def bonus_in_points(self) -> bool:
        """Bonuses are in the programme's unit; a hybrid programme pays them in points."""
        return self.type.has_points

    winback_days: int = 30  # 0: no "we miss you" message
    offers_per_day: int = 1  # 0: no offers


# --- bonuses and happy hours --------------------------------------------------------------------

BONUS_KEYS = ("welcome_bonus", "birthday_bonus", "referral_bonus")
BONUS_MAX_STAMPS = 10
BONUS_MAX_POINTS = 10_000


def bonus_maximum(program_type: ProgramType) -> int:
    """Bonuses are 0-10 stamps, or 0-10,000 points where the programme collects points."""
    return BONUS_MAX_POINTS if program_type.has_points else BONUS_MAX_STAMPS


def bonus_unit(program_type: ProgramType) -> str:
    return "points" if program_type.has_points else "stamps"


def _check_bonuses(settings: ProgramSettings, key: str, raw: str) -> None:
    """A bonus fits the programme's unit; a type change may not leave one too large."""
    maximum = bonus_maximum(settings.type)
    for bonus_key in BONUS_KEYS:
        value = getattr(settings, bonus_key)
        if value <= maximum:
            continue
        if bonus_key == key:
            raise errors.InvalidSettingValue(
                key=key, value=raw, minimum=0, maximum=maximum, unit=bonus_unit(settings.type)
            )
        raise errors.BonusTooLargeForType(key=bonus_key, value=value, maximum=maximum)


def _int_in(
    key: str, low: int, high: int, read: Callable[[str], int | None] | None = None
) -> Callable[[str], int]:
    """A whole number from `low` to `high`; `read` understands more than digits (units, off)."""

    def parse(raw: str) -> int:
        if read is not None:
            value = read(raw)
        elif re.fullmatch(r"[+]?\d{1,9}", raw, re.ASCII):
            value = int(raw)
        else:
            value = None
        if value is None or not low <= value <= high:
            raise errors.InvalidSettingValue(key=key, value=raw, minimum=low, maximum=high)
        return value

    return parse


def _choice(
    key: str, choices: tuple[str, ...], synonyms: dict[str, str] | None = None
) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.lower()
        if value not in choices:
            value = (synonyms or {}).get(setting_input.fold(raw), value)
        if value not in choices:
            raise errors.InvalidSettingValue(key=key, value=raw, choices=choices)
        return value

    return parse


# What owners may type for a type or a language besides its code, in the four languages.
_TYPE_WORDS = {
    "stamp": "stamps", "tampon": "stamps", "tampons": "stamps", "stempel": "stamps",
    "stempelen": "stamps", "point": "points", "punkte": "points", "punkten": "points",
    "punkt": "points", "hybride": "hybrid", "both": "hybrid", "les deux": "hybrid",
    "beides": "hybrid", "allebeid": "hybrid",
}  # fmt: skip
_LANGUAGE_WORDS = {
    "english": "en", "anglais": "en", "englisch": "en", "engleesch": "en",
    "francais": "fr", "french": "fr", "franzosisch": "fr", "franseisch": "fr",
    "deutsch": "de", "german": "de", "allemand": "de", "daitsch": "de",
    "letzebuergesch": "lb", "luxembourgish": "lb", "luxembourgeois": "lb",
    "luxemburgisch": "lb",
}  # fmt: skip


def read_language(raw: str) -> str:
    """A language as an owner may type it: its code or its name in one of the four
    languages ("fr", "Français", "French"); refused with the choices otherwise."""
    return _choice("language", LANGUAGES, _LANGUAGE_WORDS)(raw)


def _text(key: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = " ".join(raw.split())
        if not value or len(value) > TEXT_MAX_LENGTH or not value.isprintable():
            raise errors.InvalidSettingValue(key=key, value=raw, max_length=TEXT_MAX_LENGTH)
        return value

    return parse


def _points_per_euro(raw: str) -> Decimal:
    low, high = Decimal(0), Decimal(100)
    refusal = errors.InvalidSettingValue(
        key="points_per_euro", value=raw, minimum=low, maximum=high
    )
    if not re.fullmatch(r"\d{1,3}([.,]\d{1,4})?", raw, re.ASCII):
        raise refusal
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise refusal from None
    if not low <= value <= high:
        raise refusal
    return value


def _timezone(raw: str) -> str:
    """An IANA name or a city ("Paris", "Lëtzebuerg"), matched to its IANA name."""
    refusal = errors.InvalidSettingValue(key="timezone", value=raw, example=DEFAULT_TIMEZONE)
    name = setting_input.read_timezone(raw)
    # ZoneInfo also accepts file paths and odd aliases; only IANA names are wanted.
    if name is None or name not in available_timezones():
        raise refusal
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise refusal from None
    return name


def _summary_time(raw: str) -> time | None:
    """ "21:00", "21h", "9pm", "21.00"; off ("off", "aus", "0") sends no summary."""
    if setting_input.is_off(raw):
        return None
    value = setting_input.read_time_of_day(raw)
    if value is None:
        raise errors.InvalidSettingValue(key="summary", value=raw, example="21:00")
    return value


# A quiet day's summary: one short line, or nothing; on/off read the same way.
QUIET_DAY_CHOICES = ("line", "nothing")
_QUIET_DAY_WORDS = {
    "line": True, "short": True, "ligne": True, "zeile": True, "zeil": True,
    "nothing": False, "none": False, "rien": False, "nichts": False, "naischt": False,
}  # fmt: skip


def _quiet_day(raw: str) -> bool:
    word = setting_input.fold(raw)
    value = _QUIET_DAY_WORDS.get(word)
    if value is None:
        value = setting_input.read_switch(raw)
    if value is None:
        raise errors.InvalidSettingValue(key="quiet_day", value=raw, choices=QUIET_DAY_CHOICES)
    return value


def _switch(key: str) -> Callable[[str], bool]:
    def parse(raw: str) -> bool:
        value = setting_input.read_switch(raw)
        if value is None:
            raise errors.InvalidSettingValue(key=key, value=raw, choices=("on", "off"))
        return value

    return parse


# key → (ProgramSettings field, parser). The order is the order /program shows them in.
_SETTINGS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "type": (
        "type",
        lambda raw: ProgramType(_choice("type", tuple(ProgramType), _TYPE_WORDS)(raw)),
    ),
    "stamps_target": ("stamps_target", _int_in("stamps_target", 1, 50)),
    "reward": ("reward", _text("reward")),
    "cooldown": ("cooldown_minutes", _int_in("cooldown", 0, 1440, setting_input.read_minutes)),
    "daily_limit": ("daily_limit", _int_in("daily_limit", 0, 100, setting_input.read_count)),
    "points_per_euro": ("points_per_euro", _points_per_euro),
    "points_reward": ("points_reward", _int_in("points_reward", 1, 1_000_000)),
    "points_reward_text": ("points_reward_text", _text("points_reward_text")),
    "expiry_days": ("expiry_days", _int_in("expiry_days", 0, 3650, setting_input.read_days)),
    "cross_location": ("cross_location", _switch("cross_location")),
    "timezone": ("timezone", _timezone),
    "summary": ("summary_time", _summary_time),
    "quiet_day": ("quiet_day_message", _quiet_day),
    "language": ("language", _choice("language", LANGUAGES, _LANGUAGE_WORDS)),
    "staff_corrections": ("staff_corrections", _switch("staff_corrections")),
    # Bonuses are checked against the programme's unit once the type is known (_check_bonuses).
    "welcome_bonus": (
        "welcome_bonus",
        _int_in("welcome_bonus", 0, BONUS_MAX_POINTS, setting_input.read_count),
    ),
    "birthday_bonus": (
        "birthday_bonus",
        _int_in("birthday_bonus", 0, BONUS_MAX_POINTS, setting_input.read_count),
    ),
    "referral_bonus": (
        "referral_bonus",
        _int_in("referral_bonus", 0, BONUS_MAX_POINTS, setting_input.read_count),
    ),
    "referral_cap": ("referral_cap", _int_in("referral_cap", 0, 100)),
    "happy_hour": ("happy_hour", parse_happy_hours),
    "winback_days": ("winback_days", _int_in("winback_days", 0, 365, setting_input.read_days)),
    "offers_per_day": (
        "offers_per_day",
        _int_in("offers_per_day", 0, 3, setting_input.read_count),
    ),
}

SETTING_KEYS: tuple[str, ...] = tuple(_SETTINGS)
# The settings that are a unit's first (cheapest) reward of the ladder, stored as that rung
# and nowhere else: setting → (the rung's unit, its attribute).
FIRST_RUNG_SETTINGS: dict[str, tuple[RewardUnit, str]] = {
    "stamps_target": (RewardUnit.STAMPS, "cost"),
    "reward": (RewardUnit.STAMPS, "name"),
    "points_reward": (RewardUnit.POINTS, "cost"),
    "points_reward_text": (RewardUnit.POINTS, "name"),
}
# Settings that mean something only where the cards collect that unit.
STAMP_KEYS = frozenset({"stamps_target", "reward", "staff_corrections"})
POINT_KEYS = frozenset({"points_per_euro", "points_reward", "points_reward_text", "expiry_days"})


def keys_for(program_type: ProgramType) -> tuple[str, ...]:
    """The settings a programme of this type shows (the others keep their values for a change
    of type, and /program set still takes them)."""
    hidden = (set() if program_type.has_stamps else STAMP_KEYS) | (
        set() if program_type.has_points else POINT_KEYS
    )
    return tuple(key for key in SETTING_KEYS if key not in hidden)


def apply_setting(settings: ProgramSettings, key: str, raw_value: str) -> ProgramSettings:
    """The settings with `key` changed to the parsed `raw_value`; typed errors if either is bad."""
    entry = _SETTINGS.get(key.strip().lower())
    if entry is None:
        near = difflib.get_close_matches(key.strip().lower(), SETTING_KEYS, n=1, cutoff=0.6)
        raise errors.UnknownSetting(
            key=key, allowed_keys=SETTING_KEYS, near=near[0] if near else None
        )
    field, parse = entry
    canonical = key.strip().lower()
    try:
        value = parse(raw_value.strip())
    except errors.InvalidSettingValue as refusal:
        if canonical in BONUS_KEYS:  # the range of this programme's unit, not the widest one
            maximum, unit = bonus_maximum(settings.type), bonus_unit(settings.type)
            raise replace(refusal, maximum=maximum, unit=unit) from None
        raise
    changed = replace(settings, **{field: value})
    _check_bonuses(changed, canonical, raw_value.strip())
    return changed


def setting_value(settings: ProgramSettings, key: str) -> object:
    """The current value of a setting, by its `/program set` key."""
    return getattr(settings, _SETTINGS[key][0])


@dataclass(frozen=True)
class ProgramChange:
    """A setting changed; `merged_into` are the cards that took in a duplicate's balance when
    cross-location was switched on (their wallet passes need refreshing)."""

    settings: ProgramSettings
    merged_into: tuple[int, ...] = ()
