"""Languages: gettext catalogues compiled in memory at start-up, and Babel formatting.

Every user-visible string goes through a `Translator`: `t.gettext` for sentences, `t.ngettext`
for counts and `t.pgettext` for short button labels. Only bot/texts* and the keyboards call them.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberFormatError, format_currency, format_decimal, parse_decimal
from babel.support import Translations

from domain.program import LANGUAGES

__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "Translator", "choose_language", "translator"]

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "de": "Deutsch", "lb": "Lëtzebuergesch"}
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "messages"
CURRENCY = "EUR"
# The businesses are in Luxembourg: English dates are written day first with a 24-hour clock
# (en_GB), not the US way Babel's plain "en" uses. Numbers and money read the same in both.
FORMAT_LOCALES = {"en": "en_GB"}


def normalise_language(code: str | None) -> str | None:
    """Telegram's language_code (`de-CH`, `lb_LU`, `FR`) → one of our languages, or None."""
    if not code:
        return None
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else None


def choose_language(
    chosen: str | None, telegram_code: str | None, merchant: str | None, default: str
) -> str:
    """The user's /language choice, else Telegram's language, else the merchant's, else default."""
    for candidate in (chosen, normalise_language(telegram_code), merchant):
        if candidate in LANGUAGES:
            return candidate
    return default


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
        return format_decimal(value, locale=self.locale)

    def amount(self, value: Decimal) -> str:
        """A purchase amount as a cashier types it: two decimals, no currency sign."""
        return format_decimal(value, format="#,##0.00", locale=self.locale)

    def money(self, value: Decimal) -> str:
        return format_currency(value, CURRENCY, locale=self.locale)

    def date_time(self, value: datetime, timezone: str) -> str:
        """A moment, shown in the merchant's timezone."""
        return format_datetime(value, "short", tzinfo=_zone(timezone), locale=self.locale)

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


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
