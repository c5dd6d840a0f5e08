"""Program settings: their keys, defaults and validation (`/program set <key> <value>`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain import errors, setting_input
from domain.model import ProgramType

LANGUAGES = ("en", "fr", "de", "lb")
TEXT_MAX_LENGTH = 100


DEFAULT_TIMEZONE = "Europe/Luxembourg"


@dataclass(frozen=True)
class ProgramSettings:
    """One merchant's loyalty program, as the owner configured it."""

    type: ProgramType = ProgramType.STAMPS
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
    language: str = "en"
    staff_corrections: bool = False  # staff may correct stamps too, not only the owner


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
    "language": ("language", _choice("language", LANGUAGES, _LANGUAGE_WORDS)),
    "staff_corrections": ("staff_corrections", _switch("staff_corrections")),
}

SETTING_KEYS: tuple[str, ...] = tuple(_SETTINGS)


def apply_setting(settings: ProgramSettings, key: str, raw_value: str) -> ProgramSettings:
    """The settings with `key` changed to the parsed `raw_value`; typed errors if either is bad."""
    entry = _SETTINGS.get(key.strip().lower())
    if entry is None:
        raise errors.UnknownSetting(key=key, allowed_keys=SETTING_KEYS)
    field, parse = entry
    return replace(settings, **{field: parse(raw_value.strip())})


def setting_value(settings: ProgramSettings, key: str) -> object:
    """The current value of a setting, by its `/program set` key."""
    return getattr(settings, _SETTINGS[key][0])


@dataclass(frozen=True)
class ProgramChange:
    """A setting changed; `merged_into` are the cards that took in a duplicate's balance when
    cross-location was switched on (their wallet passes need refreshing)."""

    settings: ProgramSettings
    merged_into: tuple[int, ...] = ()
