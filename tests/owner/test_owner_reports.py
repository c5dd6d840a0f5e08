"""What the owner reads, through the real bot, in every language: /export opens as columns in
the café's spreadsheet with translated names, beside a workbook with typed cells, and /summary
of a stamp café shows its key figures first and no points."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from bot.i18n import LANGUAGES, translator
from emulator.user import EmulatedUser
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.running_bot import Running

DELIMITERS = {"en": ",", "fr": ";", "de": ";", "lb": ";"}


async def _stamp_cafe_with_a_reward(bot: Running, language: str) -> EmulatedUser:
    """A stamp café whose cashier (with a formula-looking name) gave two stamps and a reward."""
    t, tg = translator(language), bot.tg
    owner = tg.user(200, "Owner", language_code=language)
    join = link_in(await say(owner, "/setup Café Rapport, Gare"), "join_")
    for setting in ("cooldown 0", "stamps_target 2"):
        await say(owner, f"/program set {setting}")
    cashier = tg.user(201, "=Paul", language_code=language)
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    customer = tg.user(202, "Ines", language_code=language)
    await customer.open_link(join)
    await customer.next_message()
    number = card_number_in(await customer.next_message())
    for _ in range(2):
        await say(cashier, f"/stamp {number}")
    question = await say(cashier, f"/redeem {number}")
    await cashier.press(question, t.pgettext("button", "Confirm"))
    await cashier.next_edit()
    return owner


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_export_has_translated_columns_and_the_owners_separator(
    bot: Running, language: str
) -> None:
    t = translator(language)
    owner = await _stamp_cafe_with_a_reward(bot, language)
    export = await say(owner, "/export 7")
    data = export.document_bytes or b""
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITERS[language]))
    header, *entries = rows
    assert header == [
        t.gettext(name)
        for name in (
            "Date and time",
            "Store",
            "Card number",
            "Operation",
            "Stamps",
            "Points",
            "Stamps after",
            "Points after",
            "Amount (EUR)",
            "Staff",
            "Reason",
            "Happy-hour extra",
        )
    ]
    assert [entry[3] for entry in entries] == [
        t.gettext("Stamps given"),
        t.gettext("Stamps given"),
        t.gettext("Reward redeemed: {reward}", reward=t.gettext("Free coffee")),  # names it
    ]
    assert all(len(entry) == len(header) for entry in entries)
    assert {entry[9] for entry in entries} == {"'=Paul"}  # not run as a formula
    assert [entry[6] for entry in entries] == ["1", "2", "0"]
    assert "redeem_stamps" not in text and "redeem_reward" not in text

    workbook = await owner.next_message()
    assert workbook.document_name == "ledger-7-days.xlsx"
    sheet = load_workbook(io.BytesIO(workbook.document_bytes or b"")).active
    assert sheet is not None
    first, *cells = [list(row) for row in sheet.iter_rows()]
    assert [cell.value for cell in first] == header
    assert [row[3].value for row in cells] == [entry[3] for entry in entries]
    assert all(isinstance(row[0].value, datetime) and row[0].is_date for row in cells)
    assert [row[6].value for row in cells] == [1, 2, 0]  # numbers, not text
    assert {row[9].value for row in cells} == {"=Paul"} and cells[0][9].data_type == "s"


async def test_an_english_owner_of_a_french_cafe_gets_a_csv_for_french_excel(
    bot: Running,
) -> None:
    """The separator follows the café (its accountant's Excel), the words follow the owner."""
    owner = await _stamp_cafe_with_a_reward(bot, "en")
    await say(owner, "/program set language fr")
    export = await say(owner, "/export 7")
    text = (export.document_bytes or b"").decode("utf-8-sig")
    header, *entries = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert header[:2] == ["Date and time", "Store"] and len(header) == 12
    assert len(entries) == 3 and all(len(entry) == 12 for entry in entries)
    workbook = await owner.next_message()
    sheet = load_workbook(io.BytesIO(workbook.document_bytes or b"")).active
    assert sheet is not None and sheet["A1"].value == "Date and time"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_stamp_cafes_summary_opens_with_its_key_figures_and_has_no_points(
    bot: Running, language: str
) -> None:
    t = translator(language)
    owner = await _stamp_cafe_with_a_reward(bot, language)
    summary = (await say(owner, "/summary today")).content
    figures = [line for line in summary.splitlines() if line.startswith("• ")]
    first = [line[2:].split(":", 1)[0].rstrip(" \u00a0\u202f") for line in figures[:3]]
    assert first == [
        t.gettext("Customers served"),
        t.gettext("Stamps given"),
        t.gettext("Rewards redeemed"),
    ]
    assert figures[1].split(":", 1)[1].split()[0] == "2"
    assert figures[2].split(":", 1)[1].split()[0] == "1"
    for points_line in ("Points earned", "Points redeemed", "Points taken back", "Points expired"):
        assert t.gettext(points_line) not in summary
