"""Inline keyboards, and the compact callback data their buttons carry (≤ 64 bytes).

Buttons that change balances carry a random one-time nonce; it becomes the operation's
idempotency key, so a double tap or a re-delivered update has exactly one effect.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from domain.model import CardView


def nonce() -> str:
    return secrets.token_urlsafe(6)  # 8 characters, 48 bits


@dataclass(frozen=True)
class Callback:
    """Parsed callback data: an action and its arguments."""

    action: str
    args: tuple[str, ...]

    @staticmethod
    def parse(data: str | None) -> Callback | None:
        if not data or len(data.encode()) > 64:
            return None
        action, *args = data.split(":")
        return Callback(action, tuple(args))


def _data(*parts: object) -> str:
    data = ":".join(str(part) for part in parts)
    assert len(data.encode()) <= 64, data
    return data


def scan_keyboard(t: Translator, card: CardView) -> InlineKeyboardMarkup:
    """What staff get after scanning a card: +1 stamp / Redeem / Add points."""
    row = []
    if card.program_type.has_stamps:
        row.append(
            InlineKeyboardButton(
                t.pgettext("button", "+1 stamp"), callback_data=_data("st", card.number, nonce())
            )
        )
    row.append(
        InlineKeyboardButton(t.pgettext("button", "Redeem"), callback_data=_data("rq", card.number))
    )
    if card.program_type.has_points:
        row.append(
            InlineKeyboardButton(
                t.pgettext("button", "Add points"), callback_data=_data("ap", card.number)
            )
        )
    return InlineKeyboardMarkup([row])


def redeem_keyboard(t: Translator, card: CardView, points: int | None) -> InlineKeyboardMarkup:
    confirm = (
        _data("rs", card.number, nonce())
        if points is None
        else _data("rp", card.number, points, nonce())
    )
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.pgettext("button", "Confirm"), callback_data=confirm),
                InlineKeyboardButton(t.pgettext("button", "Cancel"), callback_data=_data("rx")),
            ]
        ]
    )


def not_me_keyboard(t: Translator, entry_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.pgettext("button", "Not me"), callback_data=_data("nm", entry_id)
                )
            ]
        ]
    )


def history_keyboard(
    t: Translator, card_id: int, older_cursor: int | None
) -> InlineKeyboardMarkup | None:
    if older_cursor is None:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.pgettext("button", "Older"), callback_data=_data("h", card_id, older_cursor)
                )
            ]
        ]
    )


def card_choice_keyboard(action: str, cards: list[CardView]) -> InlineKeyboardMarkup:
    """When a customer has several cards: one button per merchant."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    card.merchant_name[:60], callback_data=_data(action, card.card_id)
                )
            ]
            for card in cards
        ]
    )


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=_data("lang", code))]
            for code in LANGUAGES
        ]
    )


def yes_no_keyboard(t: Translator, yes: str, no: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.pgettext("button", "Yes"), callback_data=yes),
                InlineKeyboardButton(t.pgettext("button", "No"), callback_data=no),
            ]
        ]
    )


def wallet_keyboard(t: Translator, google_save_url: str | None) -> InlineKeyboardMarkup | None:
    """Under a card: "Save to Google Wallet", when Google Wallet is configured."""
    if google_save_url is None:
        return None
    label = t.pgettext("button", "Save to Google Wallet")
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=google_save_url)]])


def apple_wallet_label(t: Translator) -> str:
    """The caption of the .pkpass document: tapping it adds the card to Apple Wallet."""
    return t.pgettext("button", "Add to Apple Wallet")


def callback(*parts: object) -> str:
    """Callback data for flows defined in handlers (confirmations)."""
    return _data(*parts)
