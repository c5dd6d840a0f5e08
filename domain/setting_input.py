"""What owners type for a program setting, understood: "2h", "1 h 30", "9pm", "21.00", "aus",
"Lëtzebuerg". Each reader returns the value, or None when the text is not one.

Words are matched case-insensitively with accents ignored, in the four languages the bot
speaks; these are input vocabularies, not texts shown to anyone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import time
from functools import cache
from zoneinfo import available_timezones

_OFF = {
    "off", "none", "no", "never", "disabled", "disable", "0", "-",
    "aus", "ausgeschaltet", "deaktiviert", "keine", "kein", "nein", "nie",
    "desactive", "desactivee", "desactiver", "non", "aucun", "aucune", "jamais",
    "keng", "nee", "ausgeschalt",
}  # fmt: skip
_ON = {
    "on", "yes", "enabled", "enable", "1",
    "an", "ein", "eingeschaltet", "aktiv", "aktiviert", "ja",
    "active", "activee", "activer", "actif", "oui",
    "un", "jo", "ageschalt",
}  # fmt: skip

_MINUTE_UNITS = {"m", "min", "mins", "minute", "minutes", "minuten", "minutt", "minutten", "mn"}
_HOUR_UNITS = {"h", "hr", "hrs", "hour", "hours", "std", "stunde", "stunden", "heure", "heures"}
_HOUR_UNITS |= {"stonn", "stonnen"}
_DAY_UNITS = {"d", "day", "days", "j", "jour", "jours", "tag", "tage", "tagen", "dag", "deeg"}
_MONTH_UNITS = {"month", "months", "mois", "monat", "monate", "monaten", "mount", "meint"}
_YEAR_UNITS = {"y", "year", "years", "an", "ans", "annee", "annees", "jahr", "jahre", "joer"}
DAYS_PER_MONTH, DAYS_PER_YEAR = 30, 365

# Names a café owner may type for a time zone that are not the city of an IANA name.
_ZONE_ALIASES = {
    "letzebuerg": "Europe/Luxembourg",
    "luxemburg": "Europe/Luxembourg",
    "lux": "Europe/Luxembourg",
    "parais": "Europe/Paris",
    "france": "Europe/Paris",
    "frankreich": "Europe/Paris",
    "frankraich": "Europe/Paris",
    "deutschland": "Europe/Berlin",
    "germany": "Europe/Berlin",
    "allemagne": "Europe/Berlin",
    "daitschland": "Europe/Berlin",
    "bruxelles": "Europe/Brussels",
    "brussel": "Europe/Brussels",
    "brussels": "Europe/Brussels",
    "bruessel": "Europe/Brussels",
    "breissel": "Europe/Brussels",
    "belgique": "Europe/Brussels",
    "belgium": "Europe/Brussels",
    "belgien": "Europe/Brussels",
    "wien": "Europe/Vienna",
    "vienne": "Europe/Vienna",
    "lisbonne": "Europe/Lisbon",
    "lissabon": "Europe/Lisbon",
    "londres": "Europe/London",
    "rom": "Europe/Rome",
    "munchen": "Europe/Berlin",
    "geneve": "Europe/Zurich",
    "genf": "Europe/Zurich",
    "utc": "UTC",
}


def fold(text: str) -> str:
    """Lower case, accents dropped, spaces squeezed: how typed words are compared."""
    decomposed = unicodedata.normalize("NFD", text.strip().casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def is_off(text: str) -> bool:
    """ "off", "aus", "désactivé", "0", "none" …"""
    return fold(text) in _OFF


def read_switch(text: str) -> bool | None:
    """On (True) or off (False) in any of the four languages."""
    word = fold(text)
    if word in _ON:
        return True
    if word in _OFF:
        return False
    return None


def whole_number(text: str, max_digits: int = 9) -> int | None:
    """The one reader of a typed whole number, in the chat and the Mini App alike: ASCII digits
    only (Python's int() would also take "٣" or "³", which no other screen accepts), at most
    `max_digits` of them, surrounding spaces allowed."""
    digits = text.strip()
    if digits.isascii() and digits.isdigit() and len(digits) <= max_digits:
        return int(digits)
    return None


def _number(text: str) -> int | None:
    return whole_number(text)


def read_minutes(text: str) -> int | None:
    """A duration in whole minutes: "90", "30 min", "2h", "1 h 30", "1h30min", "1:30"; off = 0."""
    words = fold(text)
    if words in _OFF:
        return 0
    if (plain := _number(words)) is not None:
        return plain
    clock = re.fullmatch(r"(\d{1,3}):([0-5]\d)", words, re.ASCII)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    parts = re.findall(r"(\d{1,5})\s*([a-z]*)", words, re.ASCII)
    if not parts or re.sub(r"(\d{1,5})\s*([a-z]*)", "", words, flags=re.ASCII).strip():
        return None
    total, seen_hours, seen_minutes = 0, False, False
    for index, (amount, unit) in enumerate(parts):
        if unit in _HOUR_UNITS and not seen_hours and not seen_minutes:
            total += int(amount) * 60
            seen_hours = True
        elif unit in _MINUTE_UNITS and not seen_minutes:
            total += int(amount)
            seen_minutes = True
        elif not unit and seen_hours and not seen_minutes and index == len(parts) - 1:
            total += int(amount)  # "1 h 30": the minutes after the hours
            seen_minutes = True
        else:
            return None
    return total


def read_days(text: str) -> int | None:
    """A number of days: "90", "180 days", "6 months", "1 year", "2 ans"; off = 0."""
    words = fold(text)
    if words in _OFF:
        return 0
    if (plain := _number(words)) is not None:
        return plain
    match = re.fullmatch(r"(\d{1,4})\s*([a-z]+)", words, re.ASCII)
    if not match:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    if unit in _DAY_UNITS:
        return amount
    if unit in _MONTH_UNITS:
        return amount * DAYS_PER_MONTH
    if unit in _YEAR_UNITS:
        return amount * DAYS_PER_YEAR
    return None


def read_count(text: str) -> int | None:
    """A whole number, where off (no limit) is 0: "5", "off", "aus"."""
    words = fold(text)
    if words in _OFF:
        return 0
    return _number(words.removeprefix("+"))


_TIME = re.compile(
    r"(?P<hour>\d{1,2})(?:\s*(?:[:.h]|uhr)\s*(?P<minute>\d{2})?)?\s*(?:uhr|h)?\s*"
    r"(?P<half>am|pm|a\.m\.|p\.m\.)?",
    re.ASCII,
)


def read_time_of_day(text: str) -> time | None:
    """A time of day: "21:00", "21.00", "21h", "21h30", "21 Uhr", "9pm", "9:30 pm", "21"."""
    match = _TIME.fullmatch(fold(text))
    if not match:
        return None
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    half = (match.group("half") or "").replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


@cache
def _zones_by_name() -> dict[str, str]:
    """Folded IANA names and their cities ("europe/paris", "paris", "new york") → IANA name.
    A city found in several regions keeps the first in sorted order, Europe's first."""
    found: dict[str, str] = {}
    ordered = sorted(available_timezones(), key=lambda n: (not n.startswith("Europe/"), n))
    for name in ordered:
        found.setdefault(fold(name), name)
    for name in ordered:
        if "/" in name:
            found.setdefault(fold(name.rsplit("/", 1)[1].replace("_", " ")), name)
    return found


def read_timezone(text: str) -> str | None:
    """An IANA time zone from its name or its city, any case, accents ignored: "Paris",
    "berlin", "Lëtzebuerg", "europe/brussels"."""
    key = fold(text).replace("_", " ")
    if not key or len(key) > 64:
        return None
    if key in _ZONE_ALIASES:
        return _ZONE_ALIASES[key]
    return _zones_by_name().get(key) or _zones_by_name().get(key.replace(" ", "_"))


# Days of the week (0 = Monday) as owners type them: short and full names in the four languages.
_WEEKDAYS = (
    ("mon", "monday", "lun", "lundi", "mo", "montag", "mé", "méindeg"),
    ("tue", "tuesday", "mar", "mardi", "di", "dienstag", "dë", "dënschdeg"),
    ("wed", "wednesday", "mer", "mercredi", "mi", "mittwoch", "më", "mëttwoch"),
    ("thu", "thursday", "jeu", "jeudi", "do", "donnerstag", "donneschdeg"),
    ("fri", "friday", "ven", "vendredi", "fr", "freitag", "freideg"),
    ("sat", "saturday", "sam", "samedi", "sa", "samstag", "samschdeg"),
    ("sun", "sunday", "dim", "dimanche", "so", "sonntag", "sonndeg"),
)


@cache
def _weekday_words() -> dict[str, int]:
    words: dict[str, int] = {}
    folded: dict[str, set[int]] = {}
    for day, names in enumerate(_WEEKDAYS):
        for name in names:
            words[name] = day
            folded.setdefault(fold(name), set()).add(day)
    # Without its accents a word may name two days (lb "mé" Monday, "më" Wednesday): not taken.
    for name, days in folded.items():
        if len(days) == 1:
            words.setdefault(name, days.pop())
    return words


def read_weekday(text: str) -> int | None:
    """ "mon", "Lundi", "Mo", "Dë", "samschdeg" → 0…6 (Monday first); a trailing dot is fine."""
    word = unicodedata.normalize("NFC", text.strip().casefold()).rstrip(".")
    words = _weekday_words()
    found = words.get(word)
    return found if found is not None else words.get(fold(word))
