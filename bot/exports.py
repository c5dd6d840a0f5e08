"""The ledger as CSV: UTF-8 with a byte-order mark so spreadsheets read accents right."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from bot.i18n import Translator
from bot.texts.reports import export_headers
from domain.model import ExportRow, format_card_number


def ledger_csv(t: Translator, timezone: str, rows: Sequence[ExportRow]) -> bytes:
    """One row per ledger entry, times in the merchant's timezone, amounts with a dot."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export_headers(t))
    for row in rows:
        writer.writerow(
            [
                row.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                _cell(row.store_name),
                format_card_number(row.card_number),
                row.kind.value,
                row.stamps_delta,
                row.points_delta,
                row.stamp_balance_after,
                row.points_balance_after,
                "" if row.amount is None else f"{row.amount:.2f}",
                _cell(row.staff_name or ""),
                _cell(row.reason or ""),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _cell(text: str) -> str:
    """User-given text that a spreadsheet would run as a formula is quoted (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
