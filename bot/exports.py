"""The ledger as files an accountant opens directly, with translated column names and
operations (in the owner's language):

- CSV: UTF-8 with a byte-order mark (so accents read right), separators of the merchant's
  locale, which is where the file is opened (a French café's accountant uses a French Excel,
  whatever language the owner reads);
- XLSX: typed cells (times as dates, amounts and counts as numbers), so nothing depends on
  the spreadsheet's locale at all.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import format_decimal

from bot.i18n import Translator, translator
from bot.texts.reports import export_headers, export_sheet_title, ledger_kind_label
from domain.model import ExportRow, LedgerExport, format_card_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
AMOUNT_FORMAT = "0.00"
_TEXT_COLUMNS = (1, 2, 3, 9, 10)  # store, card, operation, staff, reason (0-based)


def spreadsheet_locale(language: str) -> Locale:
    """The locale a merchant's spreadsheets follow: that of its language (en: British)."""
    return translator(language).locale


def csv_delimiter(locale: Locale) -> str:
    """Spreadsheets split on ";" where the decimal mark is a comma (fr, de, lb), else on ","."""
    return ";" if locale.number_symbols["latn"]["decimal"] == "," else ","


def ledger_csv(t: Translator, export: LedgerExport) -> bytes:
    """One row per ledger entry, times in the merchant's timezone (ISO, which every spreadsheet
    reads), amounts with the merchant's decimal mark."""
    locale = spreadsheet_locale(export.language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_delimiter(locale), lineterminator="\r\n")
    writer.writerow(export_headers(t))
    for row in _values(t, export):
        writer.writerow([_csv_text(locale, value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def ledger_xlsx(t: Translator, export: LedgerExport) -> bytes:
    """The same rows as a workbook: local times as dates, amounts and counts as numbers, text
    always as text (a name starting with "=" is never a formula)."""
    # Imported here: openpyxl, and numpy, which it imports when it is installed, hold 16 MiB
    # of every worker's memory from start-up, for the few owners who ask for a workbook.
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = export_sheet_title(t)
    headers = export_headers(t)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in _values(t, export):
        # Text without the control characters XML cannot hold (a workbook is XML): a name or a
        # reason typed with one would otherwise make the whole export fail. The CSV keeps them.
        cells = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]
        sheet.append(cells)
        for column, cell in enumerate(sheet[sheet.max_row]):
            if column in _TEXT_COLUMNS and cell.value is not None:
                cell.data_type = "s"
            elif isinstance(values[column], datetime):
                cell.number_format = DATE_FORMAT
            elif isinstance(values[column], Decimal):
                cell.number_format = AMOUNT_FORMAT
    sheet.freeze_panes = "A2"
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(12, len(header) + 2)
    sheet.column_dimensions["A"].width = 20
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


Value = datetime | Decimal | int | str | None


def _values(t: Translator, export: LedgerExport) -> list[list[Value]]:
    """Each entry's cells, typed: its local time (without a zone, as spreadsheets keep
    times), the counts, the amount, and the texts."""
    zone = ZoneInfo(export.timezone)
    return [_row(t, row, zone) for row in export.rows]


def _row(t: Translator, row: ExportRow, zone: ZoneInfo) -> list[Value]:
    return [
        row.created_at.astimezone(zone).replace(tzinfo=None),
        row.store_name,
        format_card_number(row.card_number),
        ledger_kind_label(t, row.kind, row.reward_name),
        row.stamps_delta,
        row.points_delta,
        row.stamp_balance_after,
        row.points_balance_after,
        row.amount,
        row.staff_name,
        row.reason,
        row.happy_hour_extra or None,
    ]


def _csv_text(locale: Locale, value: Value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, Decimal):
        # No thousands separator: a grouped "1.234,50" is misread by other locales.
        return format_decimal(value, format="0.00", locale=locale)
    if isinstance(value, str):
        return _cell(value)
    return "" if value is None else str(value)


def _cell(text: str) -> str:
    """User-given text that a spreadsheet would run as a formula is quoted (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
