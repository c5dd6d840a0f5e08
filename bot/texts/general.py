"""Welcome, help, language, privacy, usage hints and the generic failure message."""

from __future__ import annotations

from bot.i18n import LANGUAGE_NAMES, Translator
from bot.texts import esc
from domain.model import Membership


def welcome(t: Translator, first_name: str | None) -> str:
    name = esc(first_name) if first_name else ""
    return t.gettext(
        "Hello {name}! I keep your loyalty cards. Scan the QR code at a participating store to join, then show your card at the counter.",
        name=name,
    ).replace("  ", " ")


def first_welcome(t: Translator, first_name: str | None, *, may_set_up: bool) -> str:
    """The first /start with no card: both ways in, each with its button."""
    name = esc(first_name) if first_name else ""
    text = t.gettext(
        "Hello {name}! I keep loyalty cards for cafés and shops.\n☕ A customer? Scan the QR code at the counter, or tap “Join a café” and send the store code.",
        name=name,
    ).replace("  ", " ")
    if may_set_up:
        text += "\n" + t.gettext(
            "🏪 Running a café? Tap “Set up my café”: one question, and your loyalty card is ready."
        )
    return text


def choose_language(t: Translator) -> str:
    return t.gettext("Choose your language:")


def language_set(t: Translator) -> str:
    return t.gettext("Done: I will speak {language} with you.", language=LANGUAGE_NAMES[t.language])


def unknown_command(t: Translator) -> str:
    return t.gettext("I don't know that command. Send /help to see what I can do.")


def did_you_mean(t: Translator, typed: str, command: str) -> str:
    return t.gettext(
        "I don't know /{typed}. Did you mean /{command}?", typed=esc(typed), command=command
    )


def card_number_length(t: Translator, digits: int) -> str:
    """Staff typed a number that is almost a card number."""
    return t.ngettext(
        "A card number has 12 digits; this one has {n}. Check it and send it again.",
        "A card number has 12 digits; this one has {n}. Check it and send it again.",
        digits,
    )


def not_understood(t: Translator) -> str:
    return t.gettext("I did not understand that. Send /help to see what I can do.")


def something_went_wrong(t: Translator) -> str:
    return t.gettext(
        "Sorry, something went wrong on our side. Nothing was changed; please try again."
    )


def staff_check_the_card(t: Translator) -> str:
    """After a failure that may have followed a commit: the change may stand."""
    return t.gettext(
        "Sorry, something went wrong on our side, and the change may have been saved. Check the card with /lookup before doing it again."
    )


def customer_check_the_card(t: Translator) -> str:
    return t.gettext(
        "Sorry, something went wrong on our side, and your request may have gone through. Check your card with /card before trying again."
    )


def button_expired(t: Translator) -> str:
    return t.gettext("This button has expired.")


def question_expired(t: Translator) -> str:
    """An answer typed to a question kept in a shape this version no longer reads."""
    return t.gettext("This question has expired. Nothing was changed.")


def already_done(t: Translator) -> str:
    return t.gettext("Already done.")


def mydata_caption(t: Translator) -> str:
    return t.gettext("Everything we store about you.")


def forget_question(t: Translator) -> str:
    return t.gettext(
        "Erase your personal data? Your name is forgotten and your cards stop working. Your stamps and points cannot be recovered."
    )


def forget_done(t: Translator, cards: int) -> str:
    return t.ngettext(
        "Done. Your personal data is erased and {n} card was deactivated.",
        "Done. Your personal data is erased and {n} cards were deactivated.",
        cards,
    )


def forget_cancelled(t: Translator) -> str:
    return t.gettext("Nothing was erased.")


def change_declined(t: Translator) -> str:
    """The answer to "No" on a confirmation (switching business, merging cards)."""
    return t.gettext("Cancelled — nothing was changed.")


def staff_welcome(t: Translator, membership: Membership) -> str:
    if membership.store_name is None:
        return t.gettext(
            "You are now staff at {merchant}, at all stores. Send /help to see the counter commands.",
            merchant=esc(membership.merchant_name),
        )
    return t.gettext(
        "You are now staff at {merchant}, store {store}. Send /help to see the counter commands.",
        merchant=esc(membership.merchant_name),
        store=esc(membership.store_name),
    )


def setup_switch_question(t: Translator, current: str, business: str) -> str:
    """/setup by someone who is staff elsewhere: running a business ends that seat."""
    return t.gettext(
        "You are staff at {merchant}. Leave it and set up {business}?",
        merchant=esc(current),
        business=esc(business),
    )


def switch_question(t: Translator, current: str) -> str:
    return t.gettext(
        "You are staff at {merchant}. Leave it and accept this invite?", merchant=esc(current)
    )
