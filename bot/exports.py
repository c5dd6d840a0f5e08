"""The ledger as CSV, laid out the way a spreadsheet in the owner's locale opens it directly:
UTF-8 with a byte-order mark (so accents read right), translated column names and operations,
and the locale's separators."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from babel.numbers import format_decimal

from bot.i18n import Translator
from bot.texts.reports import export_headers, ledger_kind_label
from domain.model import ExportRow, format_card_number


def csv_delimiter(t: Translator) -> str:
    """Spreadsheets split on ";" where the decimal mark is a comma (fr, de, lb), else on ","."""
    return ";" if t.locale.number_symbols["latn"]["decimal"] == "," else ","


def ledger_csv(t: Translator, timezone: str, rows: Sequence[ExportRow]) -> bytes:
    """One row per ledger entry, times in the merchant's timezone (ISO, which every spreadsheet
    reads), amounts with the locale's decimal mark."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_delimiter(t), lineterminator="\r\n")
    writer.writerow(export_headers(t))
    for row in rows:
        writer.writerow(
            [
                row.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                _cell(row.store_name),
                format_card_number(row.card_number),
                _cell(ledger_kind_label(t, row.kind, row.reward_name)),
                row.stamps_delta,
                row.points_delta,
                row.stamp_balance_after,
                row.points_balance_after,
                "" if row.amount is None else _amount(t, row.amount),
                _cell(row.staff_name or ""),
                _cell(row.reason or ""),
                row.happy_hour_extra or "",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _amount(t: Translator, value: Decimal) -> str:
    # No thousands separator: a grouped "1.234,50" is misread by spreadsheets of other locales.
    return format_decimal(value, format="0.00", locale=t.locale)


def _cell(text: str) -> str:
    """User-given text that a spreadsheet would run as a formula is quoted (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
