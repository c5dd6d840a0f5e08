"""A programme's settings to and from its row, field by field as ProgramSettings declares them.

Every setting is stored in the `programs` column of the same name, as it is, except those in
_STORED_AS, whose column holds a text or code: a new setting needs its column and, only if
stored differently, a line here. The first reward of each unit (domain.program's
FIRST_RUNG_SETTINGS) has no column: it is read from the ladder, and written by editing its
rung (domain.service.merchants), never here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import datetime, time
from typing import Any

from domain.db.tables import Program
from domain.happy_hours import HappyHours, parse_happy_hours
from domain.model import ProgramType, Reward, first_rung
from domain.program import FIRST_RUNG_SETTINGS, ProgramSettings

# The settings stored in the programme's row.
SETTING_NAMES = tuple(f.name for f in fields(ProgramSettings) if f.name not in FIRST_RUNG_SETTINGS)


def _time_text(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def _time_of(text: str | None) -> time | None:
    if text is None:
        return None
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _happy_hours_text(value: HappyHours | None) -> str | None:
    return None if value is None else str(value)


def _happy_hours_of(text: str | None) -> HappyHours | None:
    return None if text is None else parse_happy_hours(text)


def _type_code(value: ProgramType) -> str:
    return value.value


# setting: (its value → the column, the column → its value)
_STORED_AS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "type": (_type_code, ProgramType),
    "summary_time": (_time_text, _time_of),
    "happy_hour": (_happy_hours_text, _happy_hours_of),
}


def _as_stored(name: str, value: Any) -> Any:
    return _STORED_AS[name][0](value) if name in _STORED_AS else value


def _as_setting(name: str, stored: Any) -> Any:
    return _STORED_AS[name][1](stored) if name in _STORED_AS else stored


def settings_of(program: Program, ladder: Iterable[Reward]) -> ProgramSettings:
    """The settings of the programme's row and of its current ladder (both units)."""
    rungs = tuple(ladder)
    values = {name: _as_setting(name, getattr(program, name)) for name in SETTING_NAMES}
    for name, (unit, part) in FIRST_RUNG_SETTINGS.items():
        values[name] = getattr(first_rung(rungs, unit), part)
    return ProgramSettings(**values)


def store_settings(program: Program, settings: ProgramSettings, now: datetime) -> None:
    """The settings into the programme's row (the first rewards are the ladder's to store)."""
    if settings.summary_time is not None and program.summary_time is None:
        program.summary_on_since = now  # switched on (or a new programme): catch up from now
    for name in SETTING_NAMES:
        setattr(program, name, _as_stored(name, getattr(settings, name)))
    program.updated_at = now
