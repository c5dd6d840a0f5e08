"""Program settings: their keys, defaults and validation (`/program set <key> <value>`)."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time
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
HAPPY_HOUR_EXAMPLE = "mon-fri 14:00-16:00 x2"
HAPPY_HOUR_MAX_WINDOWS = 7
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MULTIPLIERS = (2, 5)


@dataclass(frozen=True)
class HappyHourWindow:
    """Days of the week (0 = Monday), a local start and end (minutes after midnight; an end at
    or before the start runs past midnight into the next day) and a multiplier."""

    days: frozenset[int]
    start: int
    end: int
    multiplier: int

    @property
    def past_midnight(self) -> bool:
        """The window ends the next day (`tue 22:00-02:00`); an end of 24:00 is the same day."""
        return self.end <= self.start

    @property
    def minutes(self) -> int:
        return (self.end - self.start) % (24 * 60) or 24 * 60

    def covers(self, weekday: int, minute: int) -> bool:
        """Start included, end excluded: 14:00-16:00 covers 14:00 to 15:59."""
        if self.start < self.end:
            return weekday in self.days and self.start <= minute < self.end
        # Past midnight: the late part belongs to the day the window started on.
        return (weekday in self.days and minute >= self.start) or (
            (weekday - 1) % 7 in self.days and minute < self.end
        )

    def text(self, day_names: tuple[str, ...] = DAY_NAMES) -> str:
        """`mon-fri 14:00-16:00 x2`, with the days in `day_names` (Monday first)."""
        days = days_text(self.days, day_names)
        return f"{days} {_hhmm(self.start)}-{_hhmm(self.end)} x{self.multiplier}"

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class HappyHours:
    windows: tuple[HappyHourWindow, ...]

    def multiplier_at(self, now: datetime, timezone: str) -> int:
        """The multiplier in force at `now`, merchant-local (the highest of overlapping
        windows); 1 outside every window."""
        local = now.astimezone(ZoneInfo(timezone))
        minute = local.hour * 60 + local.minute
        found = [w.multiplier for w in self.windows if w.covers(local.weekday(), minute)]
        return max(found, default=1)

    @property
    def past_midnight(self) -> tuple[HappyHourWindow, ...]:
        return tuple(window for window in self.windows if window.past_midnight)

    def text(self, day_names: tuple[str, ...] = DAY_NAMES) -> str:
        return "; ".join(window.text(day_names) for window in self.windows)

    def __str__(self) -> str:
        return self.text()


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def days_text(days: frozenset[int], names: tuple[str, ...] = DAY_NAMES) -> str:
    """Runs of three days or more as ranges: {0..4} → mon-fri, {5, 6} → sat,sun."""
    if len(days) == 7:
        return f"{names[0]}-{names[6]}"
    ordered = sorted(days)
    runs: list[list[int]] = []
    for day in ordered:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}-{names[run[-1]]}")
        else:
            parts.extend(names[day] for day in run)
    return ",".join(parts)


def _parse_days(text: str | None) -> frozenset[int] | None:
    """`mon-fri`, `sat, sun`, `Lu-Ve`, `Mo,Fr`: days in any of the four languages; none
    written means every day."""
    if text is None:
        return frozenset(range(7))
    days: set[int] = set()
    for part in text.split(","):
        first, dash, last = re.sub(r"\s", "", part).replace("–", "-").partition("-")
        start = setting_input.read_weekday(first)
        end = setting_input.read_weekday(last) if dash else start
        if start is None or end is None:
            return None
        span = (end - start) % 7  # fri-mon wraps over the weekend
        days.update((start + step) % 7 for step in range(span + 1))
    return frozenset(days)


_DAY = r"[^\W\d_]+\.?"
# One window: [days] start-end [xN]; hours alone ("15-17", "15h-17h") are whole hours, no days
# means every day and no multiplier means x2. Windows are separated by ";" or ",".
_WINDOW = re.compile(
    rf"(?:(?P<days>{_DAY}(?:\s*[,\-–]\s*{_DAY})*)\s+)?"
    r"(?P<sh>[0-9]{1,2})(?:[:h.](?P<sm>[0-9]{2})|h)?\s*[-–]\s*"
    r"(?P<eh>[0-9]{1,2})(?:[:h.](?P<em>[0-9]{2})|h)?"
    r"(?:\s*[x×*]\s*(?P<mult>[0-9]{1,2}))?"
)
_SEPARATOR = re.compile(r"\s*[;,]\s*")


def _windows(text: str) -> list[re.Match[str]] | None:
    found, position = [], 0
    while True:
        match = _WINDOW.match(text, position)
        if match is None:
            return None
        found.append(match)
        if match.end() == len(text):
            return found
        separator = _SEPARATOR.match(text, match.end())
        if separator is None or separator.end() == len(text):
            return None if separator is None else found
        position = separator.end()


def parse_happy_hours(raw: str) -> HappyHours | None:
    """`mon-fri 14:00-16:00 x2; sat,sun 10:00-12:00 x3` (or `,` between windows, days in
    any of the four languages, `15-17` for whole hours), or `off` (None)."""
    text = " ".join(raw.lower().split())
    if setting_input.is_off(text):
        return None
    refusal = errors.InvalidSettingValue(key="happy_hour", value=raw, example=HAPPY_HOUR_EXAMPLE)
    matches = _windows(text)
    if not matches or len(matches) > HAPPY_HOUR_MAX_WINDOWS:
        raise refusal
    windows = []
    low, high = _MULTIPLIERS
    for match in matches:
        days = _parse_days(match["days"])
        hours, minutes = (int(match["sh"]), int(match["eh"])), (match["sm"], match["em"])
        start = hours[0] * 60 + int(minutes[0] or 0)
        end = hours[1] * 60 + int(minutes[1] or 0)
        multiplier = int(match["mult"] or low)
        if (
            days is None
            or hours[0] > 23
            or end > 24 * 60
            or any(int(m or 0) > 59 for m in minutes)
            or start == end
            or not low <= multiplier <= high
        ):
            raise refusal
        windows.append(HappyHourWindow(days, start, end % (24 * 60) or 24 * 60, multiplier))
    return HappyHours(tuple(windows))


@functools.lru_cache(maxsize=256)
def happy_hours_of(stored: str) -> HappyHours:
    """A programme's stored happy hours (validated when they were set), parsed once."""
    parsed = parse_happy_hours(stored)
    assert parsed is not None
    return parsed


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
