"""Languages: gettext catalogues compiled in memory at start-up, and Babel formatting.

Every user-visible string goes through a `Translator`: `t.gettext` for sentences, `t.ngettext`
for counts and `t.pgettext` for short button labels. Only bot/texts* and the keyboards call them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberFormatError, format_currency, format_decimal, parse_decimal
from babel.support import Translations

from domain.model import Identity
from domain.program import LANGUAGES

__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "Translator",
    "choose_language",
    "language_of",
    "translator",
]

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "de": "Deutsch", "lb": "Lëtzebuergesch"}
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "messages"
CURRENCY = "EUR"
# The businesses are in Luxembourg: English dates are written day first with a 24-hour clock
# (en_GB), not the US way Babel's plain "en" uses. Numbers and money read the same in both.
FORMAT_LOCALES = {"en": "en_GB"}
# Whole numbers below this are written the same in every language the bot speaks (Latin digits,
# no group separator yet); tests/codebase/test_catalogues.py checks that against babel.
SHORT_NUMBERS = 1000


def normalise_language(code: str | None) -> str | None:
    """Telegram's language_code (`de-CH`, `lb_LU`, `FR`) → one of our languages, or None."""
    if not code:
        return None
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else None


def accepted_language(header: str | None) -> str | None:
    """The language of ours an `Accept-Language` header prefers (`fr-LU, de;q=0.8, *;q=0.1`
    → "fr"): the highest weight first, the header's order among equals; None when it names
    none of ours (a `*` names none)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, *parameters = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        language = normalise_language(tag)
        if language is not None and 0 < weight <= 1:
            weighted.append((-weight, position, language))
    return min(weighted)[2] if weighted else None


def choose_language(
    chosen: str | None, telegram_code: str | None, merchant: str | None, default: str
) -> str:
    """The user's /language choice, else Telegram's language, else the merchant's, else default."""
    for candidate in (chosen, normalise_language(telegram_code), merchant):
        if candidate in LANGUAGES:
            return candidate
    return default


def language_of(identity: Identity | None, telegram_code: str | None, default: str) -> str:
    """The language a person who writes to the bot or opens the Mini App is answered in: the
    same for both front ends (customer, cashier or owner). `telegram_code`: what their client
    says now (the update's or initData's language_code); the café is theirs as staff."""
    membership = identity.membership if identity is not None else None
    return choose_language(
        identity.language if identity is not None else None,
        telegram_code,
        membership.merchant_language if membership is not None else None,
        default,
    )


@cache
def _translations(language: str) -> Translations:
    po_path = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


@cache
def translator(language: str) -> Translator:
    return Translator(language if language in LANGUAGES else "en")


def load_all() -> None:
    """Compile every catalogue now, so a broken one stops start-up instead of a user's reply."""
    for language in LANGUAGES:
        translator(language)


class Translator:
    """Translations and locale-aware formatting for one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.locale = Locale.parse(FORMAT_LOCALES.get(language, language))  # formatting only
        self._catalog = _translations(language)

    def gettext(self, message: str, **values: object) -> str:
        text = self._catalog.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self._catalog.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **values)

    def pgettext(self, context: str, message: str) -> str:
        return str(self._catalog.pgettext(context, message))

    # --- formatting ---------------------------------------------------------------------------

    def number(self, value: int | Decimal) -> str:
        if type(value) is int and 0 <= value < SHORT_NUMBERS:
            return str(value)  # every stamp count and most balances: babel's answer, cheaply
        return format_decimal(value, locale=self.locale)

    def amount(self, value: Decimal) -> str:
        """A purchase amount as a cashier types it: two decimals, no currency sign."""
        return format_decimal(value, format="#,##0.00", locale=self.locale)

    def money(self, value: Decimal) -> str:
        return format_currency(value, CURRENCY, locale=self.locale)

    def date_time(self, value: datetime, timezone: str) -> str:
        """A moment, shown in the merchant's timezone."""
        return format_datetime(value, "short", tzinfo=_zone(timezone), locale=self.locale)

    def time_only(self, value: datetime, timezone: str) -> str:
        """A time of day, shown in the merchant's timezone."""
        return format_time(value, "short", tzinfo=_zone(timezone), locale=self.locale)

    def date_only(self, value: datetime, timezone: str) -> str:
        return format_date(value.astimezone(_zone(timezone)).date(), "medium", locale=self.locale)

    def parse_amount(self, text: str) -> Decimal | None:
        """A money amount typed by the user: "12,50", "12.50", "12", "€ 12,50", "1.234,50"."""
        cleaned = re.sub(r"[\s\u00a0\u202f€]|EUR", "", text, flags=re.IGNORECASE)
        if re.fullmatch(r"\d{1,7}([.,]\d{1,2})?", cleaned, re.ASCII):
            return Decimal(cleaned.replace(",", "."))
        if not re.fullmatch(r"[\d.,']{1,15}", cleaned, re.ASCII):
            return None
        try:  # grouped thousands, read the way the user's locale writes them
            value = Decimal(parse_decimal(cleaned, locale=self.locale, strict=True))
        except (NumberFormatError, InvalidOperation):
            return None
        return value if value == value.quantize(Decimal("0.01")) else None

    def parse_day_month(self, text: str) -> tuple[int, int] | None:
        """A day and month as people write them: "24.12", "24/12", "24 Dec", "24 déc.",
        "24. Dezember", "December 24th"; (day, month), not yet checked as a real date."""
        cleaned = " ".join(text.split())
        numeric = _NUMERIC_DAY_MONTH.fullmatch(cleaned)
        if numeric:
            return int(numeric.group(1)), int(numeric.group(2))
        for pattern, day_group, name_group in ((_DAY_THEN_NAME, 1, 2), (_NAME_THEN_DAY, 2, 1)):
            named = pattern.fullmatch(cleaned)
            if named:
                month = _month_of(named.group(name_group), self.locale)
                return None if month is None else (int(named.group(day_group)), month)
        return None

    def day_month(self, day: int, month: int) -> str:
        """ "24 December", "24 décembre", "24. Dezember" (a leap year, for 29 February)."""
        return format_skeleton("MMMMd", date(2000, month, day), locale=self.locale)

    def day_month_example(self) -> str:
        """How to type a birthday here, for prompts and refusals: "24/12, 24 Dec"."""
        example = date(2000, 12, 24)
        numeric = format_skeleton("dM", example, locale=self.locale).rstrip(".")
        return f"{numeric}, {format_skeleton('MMMd', example, locale=self.locale)}"


def _plain(word: str) -> str:
    """Lower case, without accents or dots: "Déc." → "dec", "Mäerz" → "maerz"."""
    decomposed = unicodedata.normalize("NFKD", word.lower().replace(".", ""))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _month_names(locale: Locale) -> dict[str, set[int]]:
    """Every way the locale (and English) writes each month, plain, wide names first."""
    names: dict[str, set[int]] = {}
    for source in (locale, Locale.parse("en_GB")):
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for month, name in source.months[context][width].items():
                    names.setdefault(_plain(name), set()).add(int(month))
    return names


def _month_of(word: str, locale: Locale) -> int | None:
    """A month name, abbreviation or unambiguous beginning of one (three letters or more)."""
    typed = _plain(word)
    names = _month_names(locale)
    if typed in names and len(names[typed]) == 1:
        return next(iter(names[typed]))
    if len(typed) < 3:
        return None
    matches = {
        month for name, months in names.items() if name.startswith(typed) for month in months
    }
    return matches.pop() if len(matches) == 1 else None


_NUMERIC_DAY_MONTH = re.compile(r"(\d{1,2})\s*[./-]\s*(\d{1,2})\.?")
_DAY_THEN_NAME = re.compile(r"(\d{1,2})(?:st|nd|rd|th|er)?\.?\s*([^\W\d_][^\W\d_.]*)\.?")
_NAME_THEN_DAY = re.compile(r"([^\W\d_][^\W\d_.]*)\.?\s+(\d{1,2})(?:st|nd|rd|th|er)?")


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
