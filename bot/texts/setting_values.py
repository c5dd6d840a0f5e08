"""How each programme setting's value reads, with its unit ("30 min", "3 stamps", "never"),
and its unit as a counted noun for saying which range is allowed ("1,440 minutes"). The
registry in bot/texts/program.py picks one of these per setting."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from bot.i18n import LANGUAGE_NAMES, Translator
from bot.texts.bonuses import day_names, happy_hours_text
from domain.happy_hours import HappyHours
from domain.model import ProgramType


def plain(t: Translator, value: object) -> str:
    """Any value, as plain text: on/off, times as HH:MM, the rest as it is."""
    if value is None:
        return t.gettext("off")
    if isinstance(value, bool):
        return t.gettext("on") if value else t.gettext("off")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, int | Decimal):
        return t.number(value)
    return str(value)


def minutes(t: Translator, value: object) -> str:
    minutes = int(str(value))
    if minutes == 0:
        return t.gettext("no wait")
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return t.gettext("{minutes} min", minutes=rest)
    if rest == 0:
        return t.gettext("{hours} h", hours=hours)
    return t.gettext("{hours} h {minutes}", hours=hours, minutes=f"{rest:02d}")


def per_day(t: Translator, value: object) -> str:
    count = int(str(value))
    if count == 0:
        return t.gettext("no limit")
    return t.number(count)


def stamps(t: Translator, value: object) -> str:
    return t.ngettext("{n} stamp", "{n} stamps", int(str(value)))


def points(t: Translator, value: object) -> str:
    return t.ngettext("{n} point", "{n} points", int(str(value)))


def days(t: Translator, value: object) -> str:
    days = int(str(value))
    if days == 0:
        return t.gettext("never")
    return t.ngettext("{n} day", "{n} days", days)


def days_or_off(t: Translator, value: object) -> str:
    days = int(str(value))
    return t.gettext("off") if days == 0 else t.ngettext("{n} day", "{n} days", days)


def number_or_off(t: Translator, value: object) -> str:
    """A count where 0 turns the setting off (a bonus in the programme's unit, offers a day)."""
    number = int(str(value))
    return t.gettext("off") if number == 0 else t.number(number)


def program_type(t: Translator, value: object) -> str:
    names = {
        ProgramType.STAMPS: t.gettext("Stamps"),
        ProgramType.POINTS: t.gettext("Points"),
        ProgramType.HYBRID: t.gettext("Stamps and points"),
    }
    return names.get(ProgramType(str(value)), str(value))


def happy_hours(t: Translator, value: object) -> str:
    return happy_hours_text(t, value if isinstance(value, HappyHours) else None)


def happy_hour_example(t: Translator) -> str:
    mon, _, _, _, fri, sat, _ = day_names(t)
    return t.gettext(
        "{weekdays} 14:00-16:00 x2; {saturday} 10:00-12:00 x3, or off",
        weekdays=f"{mon}-{fri}",
        saturday=sat,
    )


def quiet_day(t: Translator, value: object) -> str:
    return t.gettext("one short line") if value else t.gettext("no message")


def language(t: Translator, value: object) -> str:
    return LANGUAGE_NAMES.get(str(value), str(value))


def minutes_unit(t: Translator, count: int) -> str:
    return t.ngettext("{n} minute", "{n} minutes", count)


def days_unit(t: Translator, count: int) -> str:
    return t.ngettext("{n} day", "{n} days", count)


def offers_unit(t: Translator, count: int) -> str:
    return t.ngettext("{n} offer", "{n} offers", count)
