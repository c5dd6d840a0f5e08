"""Inline keyboards: labels (translated here) and layout. The callback data each button
carries is made by the feature that owns the button (bot/callbacks.ButtonAction)."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from bot.texts.webapp import open_card_button, open_scanner_button
from domain.model import CardView

__all__ = ["InlineKeyboardMarkup"]


def _one_row(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(buttons)])


def scan_keyboard(
    t: Translator,
    card: CardView,
    *,
    stamp: str,
    redeem: str | None,
    add_points: str,
    scanner: str | None = None,
) -> InlineKeyboardMarkup:
    """What staff get with a card: +1 stamp / Redeem (when a reward is ready) / Add points,
    and with a Mini App, "Open scanner" (its counter) below them."""
    row = []
    if card.program_type.has_stamps:
        row.append(InlineKeyboardButton(t.pgettext("button", "+1 stamp"), callback_data=stamp))
    if redeem is not None:
        row.append(InlineKeyboardButton(t.pgettext("button", "Redeem"), callback_data=redeem))
    if card.program_type.has_points:
        row.append(
            InlineKeyboardButton(t.pgettext("button", "Add points"), callback_data=add_points)
        )
    if scanner is None:
        return InlineKeyboardMarkup([row])
    opener = InlineKeyboardButton(open_scanner_button(t), web_app=WebAppInfo(scanner))
    return InlineKeyboardMarkup([row, [opener]])


def redeem_keyboard(t: Translator, redeem: str) -> InlineKeyboardMarkup:
    """Under a confirmation that made a reward ready: hand it over now."""
    return _one_row(InlineKeyboardButton(t.pgettext("button", "Redeem"), callback_data=redeem))


def confirm_cancel_keyboard(t: Translator, confirm: str, cancel: str) -> InlineKeyboardMarkup:
    return _one_row(
        InlineKeyboardButton(t.pgettext("button", "Confirm"), callback_data=confirm),
        InlineKeyboardButton(t.pgettext("button", "Cancel"), callback_data=cancel),
    )


def not_me_keyboard(t: Translator, not_me: str) -> InlineKeyboardMarkup:
    return _one_row(InlineKeyboardButton(t.pgettext("button", "Not me"), callback_data=not_me))


def history_keyboard(t: Translator, older: str | None) -> InlineKeyboardMarkup | None:
    if older is None:
        return None
    return _one_row(InlineKeyboardButton(t.pgettext("button", "Older"), callback_data=older))


def card_choice_keyboard(
    cards: list[CardView], data_for: Callable[[CardView], str]
) -> InlineKeyboardMarkup:
    """When a customer has several cards: one button per merchant."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(card.merchant_name[:60], callback_data=data_for(card))]
            for card in cards
        ]
    )


def language_keyboard(data_for: Callable[[str], str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=data_for(code))]
            for code in LANGUAGES
        ]
    )


def yes_no_keyboard(t: Translator, yes: str, no: str) -> InlineKeyboardMarkup:
    return _one_row(
        InlineKeyboardButton(t.pgettext("button", "Yes"), callback_data=yes),
        InlineKeyboardButton(t.pgettext("button", "No"), callback_data=no),
    )


def wallet_keyboard(
    t: Translator, google_save_url: str | None, web_app: str | None = None
) -> InlineKeyboardMarkup | None:
    """Under a card: "Open card" in the Mini App when there is one, and "Save to Google
    Wallet" when Google Wallet is configured."""
    rows = []
    if web_app is not None:
        rows.append([InlineKeyboardButton(open_card_button(t), web_app=WebAppInfo(web_app))])
    if google_save_url is not None:
        label = t.pgettext("button", "Save to Google Wallet")
        rows.append([InlineKeyboardButton(label, url=google_save_url)])
    return InlineKeyboardMarkup(rows) if rows else None


def apple_wallet_label(t: Translator) -> str:
    """The caption of the .pkpass document: tapping it adds the card to Apple Wallet."""
    return t.pgettext("button", "Add to Apple Wallet")
