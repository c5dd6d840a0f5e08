"""The Mini App's words: labels of its tabs, buttons and headings, and its own messages.

Everything else the Mini App shows (a card, an operation done, a refusal, a summary) comes from
the same renderers as the chat, so both say the same thing in the same words.
"""

from __future__ import annotations

from bot.i18n import Translator
from bot.texts.general import change_declined


def labels(t: Translator) -> dict[str, str]:
    """The short labels the pages and their script use, by name."""
    return {
        "tab_cards": t.pgettext("webapp", "My cards"),
        "tab_counter": t.pgettext("webapp", "Counter"),
        "tab_business": t.pgettext("webapp", "Business"),
        "scan": t.pgettext("webapp", "Scan a card"),
        "scan_hint": t.gettext("Point the camera at the customer's QR code."),
        "card_number": t.pgettext("webapp", "Card number"),
        "open": t.pgettext("webapp", "Open"),
        "stamp_one": t.pgettext("webapp", "+1 stamp"),
        "redeem": t.pgettext("webapp", "Redeem"),
        "add_points": t.pgettext("webapp", "Add points"),
        "amount": t.pgettext("webapp", "Purchase amount (€)"),
        "credit": t.pgettext("webapp", "Credit points"),
        "undo": t.pgettext("webapp", "Undo last"),
        "history": t.pgettext("webapp", "History"),
        "where": t.pgettext("webapp", "Where it works"),
        "language": t.pgettext("webapp", "Language"),
        "no_history": t.gettext("Nothing on this card yet."),
        "no_cards": t.gettext(
            "You have no card yet. Scan the QR code at a participating store to join."
        ),
        "today": t.pgettext("webapp", "Today"),
        "week": t.pgettext("webapp", "7 days"),
        "month": t.pgettext("webapp", "30 days"),
        "settings": t.pgettext("webapp", "Programme settings"),
        "save": t.pgettext("webapp", "Save"),
        "other_value": t.pgettext("button", "Other value…"),
        "yes": t.pgettext("button", "Yes"),
        "no": t.pgettext("button", "No"),
        "declined": change_declined(t),
        "stores": t.pgettext("webapp", "Stores"),
        "poster": t.pgettext("webapp", "Poster"),
        "staff": t.pgettext("webapp", "Staff"),
        "no_staff": t.gettext("No staff yet: invite your first cashier."),
        "invite": t.pgettext("webapp", "Invite a cashier"),
        "revoke": t.pgettext("webapp", "Revoke"),
        "export": t.pgettext("webapp", "Export 30 days (CSV)"),
        "export_xlsx": t.pgettext("webapp", "Export 30 days (Excel)"),
        "insights": t.pgettext("webapp", "Do customers come back?"),
        "show_insights": t.pgettext("webapp", "Show the insights"),
        "failed": t.gettext("Sorry, that did not work. Please try again."),
        "rewards": t.pgettext("webapp", "Rewards"),
        "reward_name": t.pgettext("webapp", "Name"),
        "reward_cost": t.pgettext("webapp", "Cost"),
        "reward_names": t.pgettext("webapp", "🌐 Names in other languages"),
        "reward_names_hint": t.gettext(
            "Each customer reads the reward in their language; left empty, they read the name above."
        ),
        "unit_stamps": t.pgettext("webapp", "stamps"),
        "unit_points": t.pgettext("webapp", "points"),
        "add": t.pgettext("webapp", "Add"),
        "remove": t.pgettext("webapp", "Remove"),
        "offers": t.pgettext("webapp", "Offers"),
        "days": t.pgettext("webapp", "Days without a visit"),
        "preview": t.pgettext("webapp", "Preview"),
        "send": t.pgettext("webapp", "Send"),
    }


def lapsed_label(t: Translator) -> str:
    """The offers audience of customers not seen for a number of days the owner types."""
    return t.pgettext("webapp", "Not seen for a while")


def greeting(t: Translator, first_name: str | None) -> str | None:
    """Above a scanned card: the customer's first name, for the cashier to greet them."""
    if not first_name:
        return None
    return t.pgettext("webapp", "👋 Say hello to {name}").format(name=first_name)


def redeem_label(t: Translator, reward: str) -> str:
    return t.gettext("Redeem: {reward}", reward=reward)


def stamps_label(t: Translator, n: int) -> str:
    return t.ngettext("+{n} stamp", "+{n} stamps", n)


def outside_telegram(t: Translator) -> str:
    return t.gettext("Open this page from the bot in Telegram.")


def open_card_button(t: Translator) -> str:
    return t.pgettext("button", "Open card")


def open_scanner_button(t: Translator) -> str:
    return t.pgettext("button", "Open scanner")


def menu_button(t: Translator) -> str:
    """The chat's menu button that opens the Mini App (a few characters: it is small)."""
    return t.pgettext("button", "App")


def rung_label(t: Translator, reward: str, ready: bool) -> str:
    """Over a reward's progress bar: its name, and that it is ready (the bar's mark is a tick)."""
    if ready:
        return t.gettext("{reward} — ready", reward=reward)
    return reward


def rung_count(t: Translator, have: int, cost: int, points: bool) -> str:
    """Beside a reward's progress bar: "7/8", or "40/100 points" for a points reward."""
    count = f"{t.number(have)}/{t.number(cost)}"
    return f"{count} {t.pgettext('webapp', 'points')}" if points else count
