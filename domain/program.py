"""Program settings: their keys, defaults and validation (`/program set <key> <value>`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain import errors
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
    winback_days: int = 30  # 0: no "we miss you" message
    offers_per_day: int = 1  # 0: no offers


def _int_in(key: str, low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        if not re.fullmatch(r"[+]?\d{1,9}", raw, re.ASCII):
            raise errors.InvalidSettingValue(key=key, value=raw, minimum=low, maximum=high)
        value = int(raw)
        if not low <= value <= high:
            raise errors.InvalidSettingValue(key=key, value=raw, minimum=low, maximum=high)
        return value

    return parse


def _choice(key: str, choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.lower()
        if value not in choices:
            raise errors.InvalidSettingValue(key=key, value=raw, choices=choices)
        return value

    return parse


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
    refusal = errors.InvalidSettingValue(key="timezone", value=raw, example=DEFAULT_TIMEZONE)
    # ZoneInfo also accepts file paths and odd aliases; only IANA names are wanted.
    if raw not in available_timezones():
        raise refusal
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise refusal from None
    return raw


def _summary_time(raw: str) -> time | None:
    if raw.lower() == "off":
        return None
    match = re.fullmatch(r"([01]?\d|2[0-3])[:h.]([0-5]\d)", raw, re.ASCII)
    if not match:
        raise errors.InvalidSettingValue(key="summary", value=raw, example="21:00")
    return time(int(match.group(1)), int(match.group(2)))


def _on_off(raw: str) -> bool:
    return _choice("cross_location", ("on", "off"))(raw) == "on"


# key → (ProgramSettings field, parser). The order is the order /program shows them in.
_SETTINGS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "type": ("type", lambda raw: ProgramType(_choice("type", tuple(ProgramType))(raw))),
    "stamps_target": ("stamps_target", _int_in("stamps_target", 1, 50)),
    "reward": ("reward", _text("reward")),
    "cooldown": ("cooldown_minutes", _int_in("cooldown", 0, 1440)),
    "daily_limit": ("daily_limit", _int_in("daily_limit", 0, 100)),
    "points_per_euro": ("points_per_euro", _points_per_euro),
    "points_reward": ("points_reward", _int_in("points_reward", 1, 1_000_000)),
    "points_reward_text": ("points_reward_text", _text("points_reward_text")),
    "expiry_days": ("expiry_days", _int_in("expiry_days", 0, 3650)),
    "cross_location": ("cross_location", _on_off),
    "timezone": ("timezone", _timezone),
    "summary": ("summary_time", _summary_time),
    "language": ("language", _choice("language", LANGUAGES)),
    "winback_days": ("winback_days", _int_in("winback_days", 0, 365)),
    "offers_per_day": ("offers_per_day", _int_in("offers_per_day", 0, 3)),
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
