"""Welcome, help, language, privacy, usage hints and the generic failure message."""

from __future__ import annotations

from bot.i18n import LANGUAGE_NAMES, Translator
from bot.texts import esc
from domain.model import Identity, Membership


def welcome(t: Translator, first_name: str | None) -> str:
    name = esc(first_name) if first_name else ""
    return t.gettext(
        "Hello {name}! I keep your loyalty cards. Scan the QR code at a participating store to join, then show your card at the counter.",
        name=name,
    ).replace("  ", " ")


def help_text(t: Translator, identity: Identity) -> str:
    lines = [
        t.gettext("<b>Your card</b>"),
        t.gettext("/card — your card and its QR code"),
        t.gettext("/history — your latest stamps and points"),
        t.gettext("/stores — where your card works"),
        t.gettext("/join <code>code</code> — join a store's program"),
        t.gettext("/newqr — a new QR code (the old one stops working)"),
        t.gettext("/language — choose your language"),
        t.gettext("/mydata — everything we store about you"),
        t.gettext("/forget — erase your personal data"),
    ]
    if identity.is_staff:
        lines += [
            "",
            t.gettext("<b>At the counter</b>"),
            t.gettext("/stamp <code>card</code> [n] — give stamps"),
            t.gettext("/redeem <code>card</code> [points] — redeem a reward"),
            t.gettext("/points <code>card</code> <code>amount</code> — add points for a purchase"),
            t.gettext("/void <code>card</code> <code>points</code> [reason] — take points back"),
            t.gettext("/lookup <code>card</code> — see a card"),
            t.gettext("/undo — undo your last operation (within 10 minutes)"),
            t.gettext("Or scan the customer's QR code with your phone's camera."),
        ]
    if identity.is_owner:
        lines += [
            "",
            t.gettext("<b>Your business</b>"),
            t.gettext("/program — see and change your program"),
            t.gettext("/addstore <code>name</code> — add a store"),
            t.gettext("/stores — your stores with their join links"),
            t.gettext("/invite [store] — an invite link for a cashier"),
            t.gettext("/staff — your staff; /revoke <code>number</code> removes one"),
            t.gettext("/summary [today|yesterday|week|month] — your activity"),
            t.gettext("/export [days] — the ledger as a CSV file"),
            t.gettext("/poster [store] — a printable poster with the join QR code"),
        ]
    elif not identity.is_staff:
        lines += ["", t.gettext("Own a shop? Send /setup followed by your business name.")]
    return "\n".join(lines)


def choose_language(t: Translator) -> str:
    return t.gettext("Choose your language:")


def language_set(t: Translator) -> str:
    return t.gettext("Done: I will speak {language} with you.", language=LANGUAGE_NAMES[t.language])


def usage(t: Translator, command: str) -> str:
    """How to use a command, for a call with missing or unreadable arguments."""
    examples = {
        "join": t.gettext(
            "Usage: /join <code>store code</code> — the code is on the store's poster."
        ),
        "stamp": t.gettext(
            "Usage: /stamp <code>card number</code> [number of stamps], e.g. /stamp 1234-5678-9012 2"
        ),
        "redeem": t.gettext(
            "Usage: /redeem <code>card number</code> [points], e.g. /redeem 1234-5678-9012"
        ),
        "points": t.gettext(
            "Usage: /points <code>card number</code> <code>amount</code>, e.g. /points 1234-5678-9012 12,50"
        ),
        "void": t.gettext(
            "Usage: /void <code>card number</code> <code>points</code> [reason], e.g. /void 1234-5678-9012 20 return"
        ),
        "lookup": t.gettext("Usage: /lookup <code>card number</code>"),
        "setup": t.gettext("Usage: /setup <code>business name</code>, e.g. /setup Café Lux"),
        "addstore": t.gettext("Usage: /addstore <code>store name</code>"),
        "revoke": t.gettext("Usage: /revoke <code>number</code> — the number from /staff"),
        "program": t.gettext(
            "Usage: /program set <code>key</code> <code>value</code>, e.g. /program set stamps_target 8"
        ),
    }
    return examples[command]


def unknown_command(t: Translator) -> str:
    return t.gettext("I don't know that command. Send /help to see what I can do.")


def not_understood(t: Translator) -> str:
    return t.gettext("I did not understand that. Send /help to see what I can do.")


def something_went_wrong(t: Translator) -> str:
    return t.gettext(
        "Sorry, something went wrong on our side. Nothing was changed; please try again."
    )


def reply_not_delivered(t: Translator) -> str:
    return t.gettext(
        "Sorry, a reply could not be delivered. If you were changing a card, check it with /lookup before doing it again."
    )


def button_expired(t: Translator) -> str:
    return t.gettext("This button has expired.")


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


def switch_question(t: Translator, current: str) -> str:
    return t.gettext(
        "You are staff at {merchant}. Leave it and accept this invite?", merchant=esc(current)
    )
