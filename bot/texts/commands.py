"""The words of the command table: each command's menu entry, help line and usage example.

bot/routing.py holds the table itself (which commands exist, for whom, in which order); these
functions give its rows their text in the person's language.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from domain.model import UNDO_WINDOW_MINUTES


def menu_description(t: Translator, name: str) -> str:
    """The short line beside a command in Telegram's command menu."""
    return {
        "card": t.gettext("Your card and its QR code"),
        "history": t.gettext("Your latest stamps and points"),
        "stores": t.gettext("Where your card works"),
        "newqr": t.gettext("A new QR code for your card"),
        "invitefriend": t.gettext("Invite a friend"),
        "birthday": t.gettext("Your birthday, for birthday bonuses"),
        "language": t.gettext("Choose your language"),
        "mydata": t.gettext("Everything we store about you"),
        "forget": t.gettext("Erase your personal data"),
        "offers": t.gettext("Offers and messages from your shops"),
        "help": t.gettext("What I can do"),
        "stamp": t.gettext("Give stamps: /stamp card [n]"),
        "redeem": t.gettext("Redeem a reward: /redeem card"),
        "points": t.gettext("Add points: /points card amount"),
        "void": t.gettext("Take points back: /void card points"),
        "lookup": t.gettext("See a card: /lookup card"),
        "undo": t.gettext("Undo your last operation"),
        "program": t.gettext("See and change your program"),
        "correct": t.gettext("Correct a card's stamps: /correct card -n reason"),
        "rewards": t.gettext("Your rewards: add, rename, remove"),
        "owner:stores": t.gettext("Your stores and their join links"),
        "addstore": t.gettext("Add a store"),
        "invite": t.gettext("Invite a cashier"),
        "staff": t.gettext("Your staff"),
        "revoke": t.gettext("Remove a staff member"),
        "summary": t.gettext("Your activity summary"),
        "export": t.gettext("The ledger as a spreadsheet (CSV)"),
        "poster": t.gettext("A printable poster with your join QR code"),
        "offer": t.gettext("Send an offer to your customers"),
        "owner:offers": t.gettext("Your recent offers and their figures"),
        "mybot": t.gettext("Your café's own bot"),
        "brand": t.gettext("Your café's colour, stamp symbol and logo"),
        "apikeys": t.gettext("Keys for your till and tools"),
        "webhooks": t.gettext("Events sent to your tools"),
        "insights": t.gettext("Do your customers come back?"),
    }[name]


def help_line(t: Translator, name: str) -> str | None:
    """The command's line in /help; None for commands described by another's line."""
    return _help_lines(t).get(name)


def _help_lines(t: Translator) -> dict[str, str]:
    """Every command's line in /help, translated (build it once per reply, not per line)."""
    return {
        "card": t.gettext("/card — your card and its QR code"),
        "history": t.gettext("/history — your latest stamps and points"),
        "stores": t.gettext("/stores — where your card works"),
        "join": t.gettext("/join <code>code</code> — join a store's program"),
        "newqr": t.gettext("/newqr — a new QR code (the old one stops working)"),
        "invitefriend": t.gettext("/invitefriend — your link to invite friends"),
        "birthday": t.gettext("/birthday [day.month] — your birthday, for birthday bonuses"),
        "language": t.gettext("/language — choose your language"),
        "mydata": t.gettext("/mydata — everything we store about you"),
        "forget": t.gettext("/forget — erase your personal data"),
        "offers": t.gettext("/offers [on|off] — offers and messages from your shops"),
        "stamp": t.gettext("/stamp <code>card</code> [n] — give stamps"),
        "redeem": t.gettext("/redeem <code>card</code> [points] — redeem a reward"),
        "points": t.gettext(
            "/points <code>card</code> <code>amount</code> — add points for a purchase"
        ),
        "void": t.gettext(
            "/void <code>card</code> <code>points</code> [reason] — take points back"
        ),
        "lookup": t.gettext("/lookup <code>card</code> — see a card"),
        "undo": t.ngettext(
            "/undo — undo your last operation (within {n} minute)",
            "/undo — undo your last operation (within {n} minutes)",
            UNDO_WINDOW_MINUTES,
        ),
        "store": t.gettext("/store — the store you are at today, if you work at several"),
        "program": t.gettext("/program — see and change your program"),
        "correct": t.ngettext(
            "/correct <code>card</code> <code>-n</code> <code>reason</code> — take stamps off a card (or +n to add them back), e.g. after a mistake older than {n} minute",
            "/correct <code>card</code> <code>-n</code> <code>reason</code> — take stamps off a card (or +n to add them back), e.g. after a mistake older than {n} minutes",
            UNDO_WINDOW_MINUTES,
        ),
        "rewards": t.gettext(
            "/rewards — your rewards (up to 10); /rewards add <code>cost</code> <code>name</code>, /rewards remove <code>number</code>"
        ),
        "addstore": t.gettext("/addstore <code>name</code> — add a store"),
        "owner:stores": t.gettext("/stores — your stores with their join links"),
        "invite": t.gettext("/invite [store] — an invite link for a cashier"),
        "staff": t.gettext("/staff — your staff; /revoke <code>number</code> removes one"),
        "summary": t.gettext("/summary [today|yesterday|week|month] — your activity"),
        "export": t.gettext("/export [days] — the ledger as a CSV file"),
        "poster": t.gettext(
            "/poster [store] [language…] [pdf] — a printable poster with the join QR code, in one or two languages"
        ),
        "offer": t.gettext("/offer — send an offer to the customers who want them"),
        "owner:offers": t.gettext("/offers — your recent offers: delivered, blocked, unsubscribed"),
        "mybot": t.gettext("/mybot — your café's own bot: create it, new token, off or on again"),
        "brand": t.gettext("/brand — your café's look: colour, stamp symbol and logo"),
        "apikeys": t.gettext(
            "/apikeys — keys for your till and tools: new <code>name</code>, revoke <code>name</code>"
        ),
        "webhooks": t.gettext(
            "/webhooks — events sent to your tools: add <code>url</code>, remove <code>number</code>"
        ),
        "insights": t.gettext(
            "/insights — do customers come back: active members, repeat rate, months after a first visit"
        ),
    }


def usage(t: Translator, name: str) -> str:
    """How to use a command, for a call with missing or unreadable arguments."""
    return {
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
        "correct": t.gettext(
            "Usage: /correct <code>card number</code> <code>-n</code> or <code>+n</code> <code>reason</code>, e.g. /correct 1234-5678-9012 -2 wrong card — -2 takes 2 stamps off, +2 adds 2 back; the reason is required (at most 100 characters)."
        ),
        "setup": t.gettext("Usage: /setup <code>business name</code>, e.g. /setup Café Lux"),
        "addstore": t.gettext("Usage: /addstore <code>store name</code>"),
        "revoke": t.gettext("Usage: /revoke <code>number</code> — the number from /staff"),
        "poster": t.gettext(
            "Usage: /poster [store] [language…] [pdf] with one or two of en, fr, de, lb, e.g. /poster Gare fr de pdf"
        ),
        "rewards": t.gettext(
            "Usage: /rewards, /rewards add <code>cost</code> [stamps|points] <code>name</code> (e.g. /rewards add 15 Free cake), /rewards remove <code>number</code>, /rewards name <code>number</code> <code>language</code> <code>name</code> (e.g. /rewards name 1 fr Café offert; - instead of the name takes it away)"
        ),
        "offers": t.gettext("Usage: /offers on or /offers off"),
        "apikeys": t.gettext(
            "Usage: /apikeys, /apikeys new <code>name</code> [read,earn,redeem] [store], /apikeys revoke <code>name</code>"
        ),
        "webhooks": t.gettext(
            "Usage: /webhooks, /webhooks add <code>https://…</code>, /webhooks remove <code>number</code>"
        ),
        "program": t.gettext(
            "Usage: /program set <code>key</code> <code>value</code>, e.g. /program set stamps_target 8"
        ),
    }[name]


def argument_question(t: Translator, name: str) -> str:
    """What a command sent without its argument asks for (answered in reply)."""
    return {
        "setup": t.gettext(
            "What is your café or shop called? Send its name and I will set up its loyalty card."
        ),
        "addstore": t.gettext("What is the new store called? Send its name."),
        "join": t.gettext(
            "Send the store code: it is on the poster at the counter (or scan the poster's QR code)."
        ),
        "revoke": t.gettext("Who should leave your staff? Send their number from /staff."),
        "correct": t.gettext(
            "Send the card number, <code>-n</code> or <code>+n</code> and the reason, e.g. 1234-5678-9012 -2 wrong card."
        ),
        "stamp": t.gettext(
            "Which card? Send its number, and how many stamps if more than one, e.g. 1234-5678-9012 2."
        ),
        "redeem": t.gettext("Which card? Send its number, e.g. 1234-5678-9012."),
        "points": t.gettext(
            "Send the card number and the amount of the purchase, e.g. 1234-5678-9012 12,50."
        ),
        "void": t.gettext(
            "Send the card number and the points to take back, e.g. 1234-5678-9012 20 return."
        ),
        "lookup": t.gettext("Which card? Send its number, e.g. 1234-5678-9012."),
    }[name]


def argument_placeholder(t: Translator, name: str) -> str:
    """The hint in the reply field under that question."""
    if name in ("setup", "addstore"):
        return t.gettext("Name")
    if name == "join":
        return t.gettext("Store code")
    if name == "revoke":
        return t.gettext("Number")
    return t.gettext("Card number")


def help_text(
    t: Translator,
    customer: Sequence[str],
    staff: Sequence[str] = (),
    owner: Sequence[str] = (),
) -> str:
    """/help: a section per role the person has, each listing its commands' help lines."""
    lines = []
    if not staff and not owner:  # a would-be owner reads this first
        lines += [
            t.gettext("<b>Run a café or shop?</b>"),
            t.gettext("/setup — set up your own loyalty card in a minute"),
            "",
        ]
    lines += [t.gettext("<b>Your card</b>"), *_lines(t, customer)]
    if staff:
        lines += ["", t.gettext("<b>At the counter</b>"), *_lines(t, staff)]
        lines.append(t.gettext("Or scan the customer's QR code with your phone's camera."))
    if owner:
        lines += ["", t.gettext("<b>Your business</b>"), *_lines(t, owner)]
    return "\n".join(lines)


def _lines(t: Translator, names: Sequence[str]) -> list[str]:
    lines = _help_lines(t)
    return [lines[name] for name in names if name in lines]


def edited_command(t: Translator) -> str:
    return t.gettext(
        "Edited messages are not carried out. To do it again, send the command as a new message."
    )
