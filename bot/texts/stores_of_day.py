"""The words of the store of the day: which store an all-stores cashier is at today.

The question itself is the refusal's message (bot/texts/refusals.py), so the chat and the Mini
App ask it in the same words.
"""

from __future__ import annotations

from bot.i18n import Translator
from bot.texts import esc
from domain.service import StoresOfDay


def store_said(t: Translator, store: str, *, in_chat: bool = True) -> str:
    """After a tap on a store: where today's operations count (in chat: how to change it; the
    Mini App keeps the stores on its counter page)."""
    said = t.gettext("📍 You are at {store} today: your operations count there.", store=esc(store))
    if not in_chat:
        return said
    change = t.gettext("To change it: send /store.")
    return f"{said} {change}"


def stores_of_day_text(t: Translator, today: StoresOfDay) -> str:
    """/store: the store of today, or the question when none was said yet."""
    chosen = None if today.chosen is None else esc(today.chosen.name)
    if not today.asks:
        if chosen is None:
            return t.gettext("Your operations count for the store of each card.")
        return t.gettext("You work at {store}: your operations count there.", store=chosen)
    if chosen is None:
        return t.gettext(
            "Which store are you at today? Your operations today count for the store you tap."
        )
    return t.gettext(
        "📍 You are at {store} today. If you moved, tap the store you are at now.", store=chosen
    )


def nothing_else_done(t: Translator) -> str:
    """A tap on a store under a question that waited too long: the store is said, the
    operation it held is not made (the cashier repeats it)."""
    return t.gettext("The operation you were doing was not made: please do it again.")


def store_button(store: str, chosen: bool) -> str:
    """A store on the question's buttons; today's store is marked."""
    return f"📍 {store}" if chosen else store
