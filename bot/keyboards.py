"""Inline keyboards: labels (translated here) and layout. The callback data each button
carries is made by the feature that owns the button (bot/callbacks.ButtonAction)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from bot.texts.webapp import open_card_button, open_scanner_button
from domain.model import LADDER_MAX_RUNGS, CardView, ProgramType, RewardUnit
from domain.service import Ladder

__all__ = ["InlineKeyboardMarkup"]


def _one_row(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(buttons)])


def scan_keyboard(
    t: Translator,
    card: CardView,
    *,
    stamps: Sequence[tuple[int, str]],
    redeem: str | None,
    add_points: str,
    scanner: str | None = None,
) -> InlineKeyboardMarkup | None:
    """What staff get with a card: +1 stamp, +2, +3 (when the card can take a stamp now),
    Redeem (when a reward is ready) and Add points, and with a Mini App, "Open scanner" (its
    counter) below them."""
    rows = []
    if card.program_type.has_stamps and stamps:
        rows.append(
            [
                InlineKeyboardButton(
                    t.pgettext("button", "+1 stamp") if n == 1 else f"+{n}", callback_data=data
                )
                for n, data in stamps
            ]
        )
    row = []
    if redeem is not None:
        row.append(InlineKeyboardButton(t.pgettext("button", "Redeem"), callback_data=redeem))
    if card.program_type.has_points:
        row.append(
            InlineKeyboardButton(t.pgettext("button", "Add points"), callback_data=add_points)
        )
    if row:
        rows.append(row)
    if scanner is not None:
        rows.append([InlineKeyboardButton(open_scanner_button(t), web_app=WebAppInfo(scanner))])
    return InlineKeyboardMarkup(rows) if rows else None  # Telegram refuses an empty keyboard


def redeem_keyboard(t: Translator, redeem: str) -> InlineKeyboardMarkup:
    """Under a confirmation that made a reward ready: hand it over now."""
    return _one_row(InlineKeyboardButton(t.pgettext("button", "Redeem"), callback_data=redeem))


def start_keyboard(t: Translator, join: str, setup: str | None) -> InlineKeyboardMarkup:
    """The first /start: join a café · set up my café (on the platform's bot only)."""
    buttons = [InlineKeyboardButton(t.pgettext("button", "Join a café"), callback_data=join)]
    if setup is not None:
        buttons.append(
            InlineKeyboardButton(t.pgettext("button", "Set up my café"), callback_data=setup)
        )
    return InlineKeyboardMarkup([buttons])


def choice_keyboard(choices: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per row: (label, callback data) — the rewards a cashier may hand over."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label[:64], callback_data=data)] for label, data in choices]
    )


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


def program_menu_keyboard(buttons: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """The /program menu: one setting ("Time between stamps: 30 min") per row."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in buttons]
    )


def program_choices_keyboard(
    t: Translator, choices: list[tuple[str, str]], other: str, back: str
) -> InlineKeyboardMarkup:
    """A setting's common values (short ones several to a row), then "Other value…" and Back."""
    longest = max((len(text) for text, _ in choices), default=0)
    per_row = 3 if longest <= 8 else 2 if longest <= 16 else 1
    rows = [
        [InlineKeyboardButton(text, callback_data=data) for text, data in choices[i : i + per_row]]
        for i in range(0, len(choices), per_row)
    ]
    rows.append([InlineKeyboardButton(t.pgettext("button", "Other value…"), callback_data=other)])
    rows.append([InlineKeyboardButton(t.pgettext("button", "« Back"), callback_data=back)])
    return InlineKeyboardMarkup(rows)


def ladder_keyboard(
    t: Translator,
    ladder: Ladder,
    *,
    add: dict[RewardUnit, str],
    rename: dict[int, str],
    cost: dict[int, str],
    remove: dict[int, str],
    names: dict[int, str],
) -> InlineKeyboardMarkup:
    """Rename / Cost / Remove / 🌐 (names in other languages) per reward (by its number), then
    Add per unit with room left."""
    rows = []
    rename_label = t.pgettext("button", "Rename")
    cost_label = t.pgettext("button", "Cost")
    remove_label = t.pgettext("button", "Remove")
    for number, reward in enumerate(ladder.rewards, 1):
        rows.append(
            [
                InlineKeyboardButton(
                    f"{rename_label} {number}", callback_data=rename[reward.reward_id]
                ),
                InlineKeyboardButton(
                    f"{cost_label} {number}", callback_data=cost[reward.reward_id]
                ),
                InlineKeyboardButton(
                    f"{remove_label} {number}", callback_data=remove[reward.reward_id]
                ),
                InlineKeyboardButton(f"🌐 {number}", callback_data=names[reward.reward_id]),
            ]
        )
    hybrid = ladder.program_type is ProgramType.HYBRID
    for unit, data in add.items():
        if sum(1 for r in ladder.rewards if r.unit is unit) >= LADDER_MAX_RUNGS:
            continue
        if not hybrid:
            label = t.pgettext("button", "Add a reward")
        elif unit is RewardUnit.STAMPS:
            label = t.pgettext("button", "Add a stamp reward")
        else:
            label = t.pgettext("button", "Add a points reward")
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows)


def reward_names_keyboard(name_in: dict[str, str], clear: dict[str, str]) -> InlineKeyboardMarkup:
    """A button per language to name the reward in it, and ✖ beside a name to take it away
    (only the languages in `clear` have one)."""
    rows = []
    for language in LANGUAGES:
        row = [InlineKeyboardButton(LANGUAGE_NAMES[language], callback_data=name_in[language])]
        if language in clear:
            row.append(InlineKeyboardButton("✖", callback_data=clear[language]))
        rows.append(row)
    return InlineKeyboardMarkup(rows)


def link_keyboard(label: str, url: str) -> InlineKeyboardMarkup:
    """One button that opens a link (another bot's chat, say)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])
