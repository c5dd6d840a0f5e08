"""Happy hours: the windows of the week in which an earning is multiplied (`/program set
happy_hour mon-fri 14:00-16:00 x2`), how owners may type them, and how they read back."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from domain import errors, setting_input

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
