"""What the owner reads, in every language: the summary shows what the program collects with
the key figures first, the export opens as columns in the owner's spreadsheet, and dates are
written the European way."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from babel.numbers import format_percent
from openpyxl import load_workbook

from bot.exports import csv_delimiter, ledger_csv, ledger_xlsx, spreadsheet_locale
from bot.i18n import LANGUAGES, translator
from bot.texts import reports
from domain.insights import WeekOnWeek
from domain.model import Activity, DailySummary, ExportRow, LedgerExport, LedgerKind, ProgramType
from tests.support import samples

DELIMITERS = {"en": ",", "fr": ";", "de": ";", "lb": ";"}


def _figure_lines(language: str, program_type: ProgramType) -> list[str]:
    text = reports.summary_text(
        translator(language), samples.summary(single_day=True, program_type=program_type)
    )
    return [line for line in text.splitlines() if line.startswith("• ")]


def _label(language: str, line: str) -> str:
    """The label of a "• label: value" line, whatever space the language puts before ':'."""
    return line[2:].split(":", 1)[0].rstrip(" \u00a0\u202f")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stamp_cafes_summary_has_no_points_line_and_opens_with_its_key_figures(
    language: str,
) -> None:
    t = translator(language)
    labels = [_label(language, line) for line in _figure_lines(language, ProgramType.STAMPS)]
    assert labels[:3] == [
        t.gettext("Customers served"),
        t.gettext("Stamps given"),
        t.gettext("Rewards redeemed"),
    ]
    points = {
        t.gettext("Points earned"),
        t.gettext("Points redeemed"),
        t.gettext("Points taken back"),
        t.gettext("Points expired"),
    }
    assert not points & set(labels)
    text = reports.summary_text(
        t, samples.summary(single_day=True, program_type=ProgramType.STAMPS)
    )
    assert t.ngettext("{n} point earned", "{n} points earned", 120) not in text  # per store
    assert t.gettext("New cards") in labels


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_points_cafes_summary_has_no_stamps_line_and_opens_with_its_key_figures(
    language: str,
) -> None:
    t = translator(language)
    text = reports.summary_text(
        t, samples.summary(single_day=True, program_type=ProgramType.POINTS)
    )
    labels = [_label(language, line) for line in _figure_lines(language, ProgramType.POINTS)]
    assert labels[:3] == [
        t.gettext("Customers served"),
        t.gettext("Points earned"),
        t.gettext("Points redeemed"),
    ]
    assert t.gettext("Stamps given") not in labels and t.gettext("Rewards redeemed") not in labels
    stamp_word = t.ngettext("{n} stamp", "{n} stamps", 42)
    assert stamp_word not in text  # nor in the per-store lines


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_starts_with_the_key_figures_right_under_its_title(language: str) -> None:
    t = translator(language)
    lines = reports.summary_text(t, samples.summary(single_day=True)).splitlines()
    assert lines[1] == t.gettext("Compared with the same weekday last week.")
    assert [_label(language, line) for line in lines[2:5]] == [
        t.gettext("Customers served"),
        t.gettext("Stamps given"),
        t.gettext("Rewards redeemed"),
    ]


def test_every_french_summary_line_has_a_non_breaking_space_before_its_colon() -> None:
    text = reports.summary_text(translator("fr"), samples.summary(single_day=False))
    colons = [line for line in text.splitlines() if ":" in line]
    assert len(colons) >= 8
    for line in colons:
        assert line[line.index(":") - 1] in ("\u00a0", "\u202f"), line


ROWS = [
    ExportRow(
        created_at=datetime(2026, 4, 12, 6, 52, tzinfo=UTC),
        store_name="=HYPERLINK(1)",
        card_number="123456789012",
        kind=LedgerKind.REDEEM_STAMPS,
        stamps_delta=-10,
        points_delta=0,
        stamp_balance_after=0,
        points_balance_after=0,
        amount=None,
        staff_name='Zoé; "the boss"',
        reason=None,
    ),
    ExportRow(
        created_at=datetime(2026, 4, 12, 7, 0, tzinfo=UTC),
        store_name="Gare, Luxembourg",
        card_number="123456789012",
        kind=LedgerKind.EARN_POINTS,
        stamps_delta=0,
        points_delta=12,
        stamp_balance_after=0,
        points_balance_after=12,
        amount=Decimal("1234.50"),
        staff_name=None,
        reason="-5 for a typo",
    ),
]


def _ledger(language: str) -> LedgerExport:
    return LedgerExport(timezone="Europe/Luxembourg", language=language, rows=tuple(ROWS))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ledger_csv_opens_as_columns_in_the_merchants_spreadsheet(language: str) -> None:
    t = translator(language)
    data = ledger_csv(t, _ledger(language))
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: accents read right in spreadsheets
    assert csv_delimiter(spreadsheet_locale(language)) == DELIMITERS[language]
    text = data.decode("utf-8-sig")
    header, redeem, earn = list(
        csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITERS[language])
    )
    assert header == reports.export_headers(t)
    assert redeem[0] == "2026-04-12 08:52:00"  # Luxembourg summer time
    assert redeem[3] == t.gettext("Reward redeemed") and earn[3] == t.gettext("Points earned")
    assert "redeem_stamps" not in text and "earn_points" not in text
    assert redeem[1] == "'=HYPERLINK(1)" and earn[10] == "'-5 for a typo"  # no formulas
    assert redeem[9] == 'Zoé; "the boss"' and earn[1] == "Gare, Luxembourg"
    assert earn[8] == ("1234.50" if language == "en" else "1234,50")
    assert (redeem[4], earn[5]) == ("-10", "12")


@pytest.mark.parametrize(
    ("owner", "merchant"), [("en", "fr"), ("en", "lb"), ("fr", "en"), ("de", "en")]
)
def test_the_csv_separators_are_the_merchants_and_the_words_the_owners(
    owner: str, merchant: str
) -> None:
    """An English owner of a French café: the accountant's French Excel splits on ";" and
    reads "1234,50"; the column names are in the owner's language."""
    t = translator(owner)
    text = ledger_csv(t, _ledger(merchant)).decode("utf-8-sig")
    delimiter = DELIMITERS[merchant]
    header, _redeem, earn = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert header == reports.export_headers(t) and len(header) == 12
    assert earn[8] == ("1234.50" if merchant == "en" else "1234,50")
    assert earn[3] == t.gettext("Points earned")


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_the_workbook_has_typed_cells_and_translated_headers(language: str) -> None:
    t = translator(language)
    workbook = load_workbook(io.BytesIO(ledger_xlsx(t, _ledger("fr"))))
    sheet = workbook.active
    assert sheet is not None and sheet.title == t.gettext("Ledger")
    header, redeem, earn = [list(row) for row in sheet.iter_rows()]
    assert [cell.value for cell in header] == reports.export_headers(t)
    if language != "en":
        assert header[0].value != "Date and time" and header[0].value == t.gettext("Date and time")
    # Times are dates (the merchant's local time), amounts and counts are numbers.
    assert redeem[0].is_date and redeem[0].value == datetime(2026, 4, 12, 8, 52)
    assert earn[8].data_type == "n" and earn[8].value == 1234.5
    assert earn[8].number_format == "0.00"
    assert (redeem[4].value, earn[5].value, earn[7].value) == (-10, 12, 12)
    assert redeem[4].data_type == "n" and redeem[8].value is None
    # Text stays text: no formula, no quote added to what the owner's staff typed.
    assert redeem[1].data_type == "s" and redeem[1].value == "=HYPERLINK(1)"
    assert earn[10].data_type == "s" and earn[10].value == "-5 for a typo"
    assert redeem[3].value == t.gettext("Reward redeemed")
    assert redeem[2].data_type == "s" and redeem[2].value == "1234-5678-9012"


def test_control_characters_typed_in_a_reason_do_not_break_the_workbook() -> None:
    """A workbook is XML, which cannot hold most control characters: they are left out of its
    cells (the CSV keeps what was typed), and the export is made."""
    typed = "wrong\x00 card\x18\x0b"
    rows = (replace(ROWS[1], reason=typed, staff_name="Zo\x1fé"),)
    export = LedgerExport(timezone="Europe/Luxembourg", language="en", rows=rows)
    t = translator("en")
    sheet = load_workbook(io.BytesIO(ledger_xlsx(t, export))).active
    assert sheet is not None
    _header, row = [list(row) for row in sheet.iter_rows()]
    assert (row[9].value, row[10].value) == ("Zoé", "wrong card")
    text = ledger_csv(t, export).decode("utf-8-sig")
    assert typed in text


@pytest.mark.parametrize("kind", list(LedgerKind))
@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_operation_has_a_translated_name_in_the_export(
    language: str, kind: LedgerKind
) -> None:
    name = reports.ledger_kind_label(translator(language), kind)
    assert name != reports.ledger_kind_label(translator("en"), kind)
    assert name != kind.value


def test_english_dates_are_written_day_first_with_a_24_hour_clock() -> None:
    t = translator("en")
    moment = datetime(2026, 4, 12, 18, 52, tzinfo=UTC)
    assert t.date_time(moment, "Europe/Luxembourg") == "12/04/2026, 20:52"
    assert t.date_only(moment, "Europe/Luxembourg") == "12 Apr 2026"
    assert t.language == "en" and t.gettext("Stamps given") == "Stamps given"


def _daily(*, quiet: bool, week: WeekOnWeek | None = None) -> DailySummary:
    summary = samples.summary(single_day=True)
    if quiet:
        summary = replace(summary, total=Activity(), top_staff_operations=0)
    return DailySummary(summary=summary, quiet_day_message=True, week=week)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_quiet_day_is_one_short_line_not_a_table_of_zeros(language: str) -> None:
    t = translator(language)
    text = reports.daily_summary_text(t, _daily(quiet=True))
    assert len(text.splitlines()) == 1 and "•" not in text
    assert "&lt;Café&gt;" in text and "<Café>" not in text  # the name, escaped
    busy = reports.daily_summary_text(t, _daily(quiet=False))
    assert busy == reports.summary_text(t, _daily(quiet=False).summary)


@pytest.mark.parametrize("language", LANGUAGES)
def test_mondays_summary_adds_active_members_and_repeat_rate_with_their_change(
    language: str,
) -> None:
    t = translator(language)
    week = WeekOnWeek(active_30=42, active_30_before=38, repeat_rate=0.35, repeat_rate_before=0.4)
    lines = reports.daily_summary_text(t, _daily(quiet=False, week=week)).splitlines()
    active, rate = lines[-2], lines[-1]
    assert lines[-3] == t.gettext("📈 This week, against the week before:")
    assert t.gettext("Active members (30 days)") in active and "<b>42</b>" in active
    assert t.gettext("({arrow} from {before})", arrow="↑", before="38") in active
    assert t.gettext("Repeat rate (90 days)") in rate
    assert f"<b>{format_percent(0.35, locale=t.locale)}</b>" in rate
    expected = t.gettext(
        "({arrow} from {before})", arrow="↓", before=format_percent(0.4, locale=t.locale)
    )
    assert rate.endswith(expected)
    # A quiet Monday: the short line, then the week all the same.
    quiet = reports.daily_summary_text(t, _daily(quiet=True, week=week)).splitlines()
    assert len(quiet) == 5 and quiet[2:] == lines[-3:]


def test_a_first_week_has_nothing_to_compare_the_repeat_rate_with() -> None:
    t = translator("en")
    week = WeekOnWeek(active_30=3, active_30_before=0, repeat_rate=0.5, repeat_rate_before=None)
    text = reports.daily_summary_text(t, _daily(quiet=False, week=week))
    assert text.endswith("Repeat rate (90 days): <b>50%</b> (nothing to compare with)")
    assert "Active members (30 days): <b>3</b> (↑ from 0)" in text
