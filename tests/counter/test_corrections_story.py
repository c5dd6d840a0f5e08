"""A stamp mistake found after the undo window, put right through the real bot in every
language: the cashier's late /undo and /void point to /correct, the owner corrects with a
reason after a confirming tap, the customer is told why, and history, the card at the counter,
the export and the summary show it; staff correct only once the owner allows it. And the
owner hears when a cashier accepts an invite."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import re
from datetime import timedelta

import pytest

from bot.i18n import LANGUAGES, translator
from bot.texts.commands import help_line
from bot.texts.commands import usage as usage_of
from bot.texts.refusals import refusal_text
from domain import errors
from tests.support.chat import card_number_in, join_staff, link_in, offers_question, say
from tests.support.running_bot import Running

REASONS = {"en": "wrong card", "fr": "mauvaise carte", "de": "falsche Karte", "lb": "falsch Kaart"}
DELIMITERS = {"en": ",", "fr": ";", "de": ";", "lb": ";"}


def plain(text: str) -> str:
    """A bot text as the chat shows it: markup parsed away."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_owner_corrects_a_stamp_mistake_after_the_undo_window(
    bot: Running, language: str
) -> None:
    t, tg = translator(language), bot.tg
    reason = REASONS[language]
    owner = tg.user(300, "Owner", language_code=language)
    join = link_in(await say(owner, "/setup Café Correct"), "join_")
    for setting in ("cooldown 0", "stamps_target 8"):
        await say(owner, f"/program set {setting}")

    # The cashier accepts the invite: the owner is told who joined, in the owner's language.
    cashier = tg.user(301, "Paul", language_code=language)
    await cashier.open_link(link_in(await say(owner, "/invite"), "staff_"))
    await cashier.next_message()
    joined = await owner.next_message()
    assert joined.content == plain(
        t.gettext(
            "👋 {name} joined your staff at all stores of {merchant}. See your staff with /staff.",
            name="Paul",
            merchant="Café Correct",
        )
    )

    customer = tg.user(302, "Ines", language_code=language)
    await customer.open_link(join)
    await customer.next_message()
    number = card_number_in(await customer.next_message())
    await say(cashier, f"/stamp {number} 5")
    await customer.next_message()  # the stamp's notice
    await offers_question(customer)  # asked once, after the first visit; left unanswered

    # Half an hour later the mistake is found: too late for /undo, and /void is for points.
    bot.clock.advance(timedelta(minutes=30))
    late = await say(cashier, "/undo")
    too_late = refusal_text(
        t, errors.UndoWindowExpired(window_minutes=10, done_at=bot.clock.now(), stamps=True)
    )
    assert late.content.startswith(plain(too_late))
    assert plain(t.gettext("The owner can correct the stamps of a card with /correct.")) in (
        late.content
    )
    void = await say(owner, f"/void {number} 2")
    assert t.gettext("This program collects stamps, not points.") in void.content
    assert "/correct" in void.content and "-2" in void.content
    refused = await say(cashier, f"/correct {number} -2 {reason}")
    assert refused.content == plain(refusal_text(t, errors.CorrectionNotAllowed()))

    # Bad corrections are refused in words and change nothing.
    usage = await say(owner, f"/correct {number} 2 {reason}")  # no sign: which way?
    assert usage.content == plain(usage_of(t, "correct"))
    too_many = await say(owner, f"/correct {number} -9 {reason}")
    assert too_many.content == plain(
        refusal_text(t, errors.CorrectionExceedsBalance(stamp_count=5, requested=9))
    )
    long = await say(owner, f"/correct {number} -1 {'x' * 101}")
    assert long.content == plain(refusal_text(t, errors.InvalidCorrectionReason(max_length=100)))

    # The owner corrects: asked first, applied on the tap, the customer told with the reason.
    question = await say(owner, f"/correct {number} -2 {reason}")
    display = number
    assert (
        plain(
            t.ngettext(
                "Take {n} stamp off card {number} ({progress})?",
                "Take {n} stamps off card {number} ({progress})?",
                2,
                number=display,
                progress="5/8",
            )
        )
        in question.content
    )
    assert t.gettext("Reason: {reason}", reason=reason) in question.content
    assert question.button_texts == [
        [t.pgettext("button", "Confirm"), t.pgettext("button", "Cancel")]
    ]
    assert (await bot.service.customers.cards(customer.id))[0].stamp_count == 5  # not yet
    confirm = t.pgettext("button", "Confirm")
    await asyncio.gather(owner.press(question, confirm), owner.press(question, confirm))  # twice
    done = await owner.next_edit()
    taken_off = t.ngettext("{n} stamp taken off", "{n} stamps taken off", 2)
    assert done.content.startswith(t.gettext("✅ Corrected: {change}.", change=taken_off))
    assert "3/8" in done.content
    notice = await customer.next_message()
    assert notice.content == "\n".join(
        [
            t.gettext(
                "{merchant} corrected your card: {change}.",
                merchant="Café Correct",
                change=taken_off,
            ),
            t.gettext("Reason: {reason}", reason=reason),
            t.gettext("Stamps now: {progress}", progress="3/8"),
        ]
    )
    assert notice.buttons == []  # nothing to dispute: the business put its own mistake right
    await tg.wait_idle()
    assert (await bot.service.customers.cards(customer.id))[0].stamp_count == 3  # once

    # Staff correct once the owner allows it; a Cancel tap changes nothing.
    saved = await say(owner, "/program set staff_corrections on")
    assert saved.content == t.gettext(
        "Saved: {key} = {value}", key="staff_corrections", value=t.gettext("on")
    )
    asked = await say(cashier, f"/correct {number} +1 {reason}")
    assert (
        plain(
            t.ngettext(
                "Add {n} stamp back to card {number} ({progress})?",
                "Add {n} stamps back to card {number} ({progress})?",
                1,
                number=display,
                progress="3/8",
            )
        )
        in asked.content
    )
    await cashier.press(asked, t.pgettext("button", "Cancel"))
    cancelled = await cashier.next_edit()
    assert cancelled.content == t.gettext("Cancelled — the card was not corrected.")
    assert (await bot.service.customers.cards(customer.id))[0].stamp_count == 3

    # The customer's history, the card at the counter, the export and the summary show it.
    history = await say(customer, "/history")
    label = t.gettext("Correction: {change}", change=taken_off)
    assert f"{label} ({reason}) → 3/8" in history.content
    looked_up = await say(cashier, f"/lookup {number}")
    assert (
        t.gettext("Last correction ({when}): {change}", when="", change=taken_off).split("()")[0]
        in looked_up.content
    )
    assert f"{taken_off} — {reason}" in looked_up.content
    export = await say(owner, "/export 7")
    text = (export.document_bytes or b"").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITERS[language]))
    corrected = [row for row in rows if row[3] == t.gettext("Stamps corrected")]
    assert len(corrected) == 1
    assert (corrected[0][4], corrected[0][6], corrected[0][9], corrected[0][10]) == (
        "-2",
        "3",
        "Owner",
        reason,
    )
    workbook = await owner.next_message()  # the same ledger for Excel
    assert (workbook.document_name or "").endswith(".xlsx")
    summary = await say(owner, "/summary today")
    stamps = t.ngettext("{signed}{n} stamp", "{signed}{n} stamps", 2, signed="−")
    assert t.gettext("{label}: {value}", label=t.gettext("Corrections"), value=f"1 ({stamps})") in (
        summary.content
    )
    assert await bot.service.maintenance.invariant_breaches() == []


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_owner_hears_which_store_a_new_cashier_joined(
    bot: Running, language: str
) -> None:
    t, tg = translator(language), bot.tg
    owner = tg.user(310, "Owner", language_code=language)
    await say(owner, "/setup Café Équipe")
    await say(owner, "/addstore Gare")
    cashier = tg.user(311, "Léa", language_code=language)
    await cashier.open_link(link_in(await say(owner, "/invite Gare"), "staff_"))
    await cashier.next_message()
    notice = await owner.next_message()
    assert notice.content == t.gettext(
        "👋 {name} joined your staff at {store}. See your staff with /staff.",
        name="Léa",
        store="Gare",
    )
    staff = await say(owner, "/staff")  # the owner's next message is the reply again
    assert "Léa" in staff.content
    # A refused invite (a used link) tells the owner nothing.
    link = link_in(await say(owner, "/invite"), "staff_")
    await cashier.open_link(link)  # Léa moves to all stores: one more notice
    await cashier.next_message()
    await owner.next_message()
    other = tg.user(312, "Marc", language_code=language)
    await other.open_link(link)
    used = await other.next_message()
    assert used.content == refusal_text(t, errors.InviteUsed())
    await tg.wait_idle()
    assert owner.last_message is not None
    assert "Marc" not in owner.last_message.content


@pytest.mark.parametrize("language", LANGUAGES)
async def test_owners_find_correct_in_help_and_their_menu_and_cashiers_do_not(
    bot: Running, language: str
) -> None:
    t, tg = translator(language), bot.tg
    owner = tg.user(320, "Owner", language_code=language)
    await say(owner, "/setup Café Aide")
    cashier = tg.user(321, "Paul", language_code=language)
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    line = plain(help_line(t, "correct") or "")
    assert line.startswith("/correct")
    assert line in (await say(owner, "/help")).content
    assert "/correct" not in (await say(cashier, "/help")).content
    await tg.wait_idle()
    menu = dict(tg.commands(scope={"type": "chat", "chat_id": owner.id}))
    assert menu["correct"] == t.gettext("Correct a card's stamps: /correct card -n reason")
    staff_menu = dict(tg.commands(scope={"type": "chat", "chat_id": cashier.id}))
    assert "correct" not in staff_menu and "stamp" in staff_menu
