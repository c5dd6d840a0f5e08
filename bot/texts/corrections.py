"""Corrections of a card's stamps (/correct): the question, the confirmation, the customer's
notice, and the hints that point to /correct from /void and a too-late /undo."""

from __future__ import annotations

from bot.i18n import Translator
from bot.texts import esc
from bot.texts.cards import stamp_change, stamp_progress
from domain.model import CardView, Correction, Operation, format_card_number


def correction_question(t: Translator, card: CardView, stamps_delta: int, reason: str) -> str:
    """Asked before a correction is applied: what it does, to which card, and why."""
    if stamps_delta < 0:
        head = t.ngettext(
            "Take {n} stamp off card {number} ({progress})?",
            "Take {n} stamps off card {number} ({progress})?",
            -stamps_delta,
            number=card.display_number,
            progress=f"{card.stamp_count}/{card.stamps_target}",
        )
    else:
        head = t.ngettext(
            "Add {n} stamp back to card {number} ({progress})?",
            "Add {n} stamps back to card {number} ({progress})?",
            stamps_delta,
            number=card.display_number,
            progress=f"{card.stamp_count}/{card.stamps_target}",
        )
    why = t.gettext("Reason: {reason}", reason=esc(reason))
    told = t.gettext("The customer is told, with the reason.")
    return f"{head}\n{why}\n{told}"


def correction_done(t: Translator, op: Operation) -> str:
    """The confirmation to the one who corrected, with the card's stamps after it."""
    card = op.card
    if op.replayed:
        head = t.gettext("Already done — nothing changed.")
    else:
        head = t.gettext("✅ Corrected: {change}.", change=stamp_change(t, op.stamps_delta))
    balance = t.gettext(
        "Card {number}: stamps {progress}",
        number=card.display_number,
        progress=stamp_progress(card),
    )
    lines = [head, balance]
    if op.reason:
        lines.append(t.gettext("Reason: {reason}", reason=esc(op.reason)))
    return "\n".join(lines)


def correction_notice(t: Translator, op: Operation) -> str:
    """What the customer is told about a correction of their card, with its reason."""
    card = op.card
    head = t.gettext(
        "{merchant} corrected your card: {change}.",
        merchant=esc(card.merchant_name),
        change=stamp_change(t, op.stamps_delta),
    )
    lines = [head]
    if op.reason:
        lines.append(t.gettext("Reason: {reason}", reason=esc(op.reason)))
    lines.append(
        t.gettext("Stamps now: {progress}", progress=f"{card.stamp_count}/{card.stamps_target}")
    )
    return "\n".join(lines)


def last_correction(t: Translator, correction: Correction, timezone: str) -> str:
    """The card's latest correction, on the card as staff see it."""
    line = t.gettext(
        "Last correction ({when}): {change}",
        when=t.date_time(correction.created_at, timezone),
        change=stamp_change(t, correction.stamps_delta),
    )
    if correction.reason:
        line += " — " + esc(correction.reason)
    return line


def correction_declined(t: Translator) -> str:
    return t.gettext("Cancelled — the card was not corrected.")


def void_on_stamps(t: Translator, may_correct: bool) -> str:
    """/void on a stamp card: points cannot be taken back; stamps are corrected instead."""
    head = t.gettext("This program collects stamps, not points.")
    return f"{head}\n{_pointer(t, may_correct)}"


def undo_too_late(t: Translator, problem: str, may_correct: bool) -> str:
    """A too-late /undo of a stamp operation: how it can still be put right."""
    return f"{problem}\n{_pointer(t, may_correct)}"


def _pointer(t: Translator, may_correct: bool) -> str:
    if may_correct:
        return t.gettext(
            "To correct the stamps of a card, send /correct with the card, the change and a reason, e.g. /correct {number} -2 wrong card",
            number=format_card_number("123456789012"),
        )
    return t.gettext("The owner can correct the stamps of a card with /correct.")


def staff_correction_alert(t: Translator, op: Operation, staff_name: str) -> str:
    """The owner hears of a cashier's correction: who, which card, how many, why."""
    lines = [
        t.gettext(
            "✏️ {cashier} corrected card {number}: {change}.",
            cashier=esc(staff_name),
            number=op.card.display_number,
            change=stamp_change(t, op.stamps_delta),
        )
    ]
    if op.reason:
        lines.append(t.gettext("Reason: {reason}", reason=esc(op.reason)))
    lines.append(
        t.gettext(
            "Stamps now: {progress}", progress=f"{op.card.stamp_count}/{op.card.stamps_target}"
        )
    )
    return "\n".join(lines)
