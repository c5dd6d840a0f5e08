"""Birthdays: the day a customer gives, and when its bonus is due."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain import errors

BIRTHDAY_NOTICE_PERIOD = timedelta(days=30)  # a date set or changed pays from 30 days later
BIRTHDAY_MESSAGE_FROM = time(9, 0)  # merchant-local: nobody is woken at midnight by a bonus


@dataclass(frozen=True)
class Birthday:
    """A day and month (no year: nobody is asked their age)."""

    day: int
    month: int

    def celebrated_in(self, year: int) -> date:
        """29 February is celebrated on 28 February in other years."""
        if (self.month, self.day) == (2, 29) and not calendar.isleap(year):
            return date(year, 2, 28)
        return date(year, self.month, self.day)


def check_birthday(day: int, month: int) -> Birthday:
    """A real day of a month; 29 February is one (every fourth year has it)."""
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2024, month)[1]:
        raise errors.InvalidBirthday()
    return Birthday(day=day, month=month)


def birthday_bonus_due(
    birthday: Birthday, set_at: datetime, now: datetime, timezone: str
) -> int | None:
    """The year whose birthday bonus is due now (the merchant-local day, from 09:00), else
    None. A date set or changed less than 30 days before the day pays nothing that year:
    changing the date to today would otherwise be a bonus on demand."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    today = local.date()
    if local.time() < BIRTHDAY_MESSAGE_FROM or birthday.celebrated_in(today.year) != today:
        return None
    if today - set_at.astimezone(zone).date() < BIRTHDAY_NOTICE_PERIOD:
        return None
    return today.year
