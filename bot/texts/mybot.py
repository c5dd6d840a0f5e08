"""What owners, customers and cashiers read about a café's own bot (/mybot)."""

from __future__ import annotations

from bot.i18n import Translator
from bot.texts import esc


def explain(t: Translator, merchant: str, link: str) -> str:
    return t.gettext(
        "🤖 Give {merchant} its own bot: your café's name in every chat, your own link and QR codes, and messages that no longer queue behind other cafés'.\nTap the button below (or open {link}), keep or change the name and username Telegram suggests, and confirm. The bot is ready a few seconds later; your customers and cashiers keep their cards and roles and are told once.",
        merchant=esc(merchant),
        link=link,
    )


def create_button(t: Translator, merchant: str) -> str:
    return t.gettext("Create {merchant}'s bot", merchant=merchant)[:64]


def key_missing(t: Translator) -> str:
    return t.gettext(
        "Café bots are not switched on for this platform yet: its operator must set BOT_TOKEN_KEY. Your card programme works as before."
    )


def status(t: Translator, username: str, state: str, join_link: str) -> str:
    if state == "active":
        line = t.gettext("🟢 @{bot} serves your café.", bot=username)
    elif state == "paused":
        line = t.gettext(
            "⏸ @{bot} is paused: Telegram refused its token. Messages wait and nothing is lost; /mybot newtoken gets a new token.",
            bot=username,
        )
    else:
        line = t.gettext(
            "⚪ @{bot} is switched off: the platform bot serves your café.", bot=username
        )
    return "\n".join(
        (
            line,
            t.gettext("Join link: {link}", link=join_link),
            t.gettext(
                "/mybot newtoken — a new token (after a leak)\n/mybot off — back to the platform bot\n/mybot on — serve it again"
            ),
        )
    )


def setting_up(t: Translator, username: str) -> str:
    return t.gettext("⏳ Setting up @{bot}…", bot=username)


def ready(t: Translator, username: str, merchant: str, join_link: str) -> str:
    return t.gettext(
        "✅ @{bot} is ready: {merchant}'s own bot. Customers join with {link}; print the new poster below. Your customers and cashiers are told once, with a button that opens it; old links and posters keep working.",
        bot=username,
        merchant=esc(merchant),
        link=join_link,
    )


def serving_again(t: Translator, username: str) -> str:
    return t.gettext("✅ @{bot} serves your café again with its new token.", bot=username)


def paused(t: Translator, username: str) -> str:
    return t.gettext(
        "⏸ Telegram refused the token of @{bot}, so it is paused. Customers' messages wait and nothing is lost. Send /mybot newtoken to get a new token.",
        bot=username,
    )


def turned_off(t: Translator, username: str) -> str:
    return t.gettext(
        "@{bot} is switched off: your café's links and messages go through this bot again. /mybot on serves it again.",
        bot=username,
    )


def turned_on(t: Translator, username: str) -> str:
    return t.gettext("@{bot} serves your café again.", bot=username)


def new_token_done(t: Translator, username: str) -> str:
    return t.gettext("🔑 @{bot} has a new token; the old one no longer works.", bot=username)


def no_bot_yet(t: Translator) -> str:
    return t.gettext("Your café has no bot of its own yet: send /mybot to create one.")


def not_ready(t: Translator) -> str:
    return t.gettext("Telegram did not give the new bot's token; try /mybot again in a minute.")


def meet(t: Translator, merchant: str, username: str, *, staff: bool) -> str:
    if staff:
        return t.gettext(
            "{merchant} now has its own bot: @{bot}. Your cashier role is the same there; open it once so it can reach you.",
            merchant=esc(merchant),
            bot=username,
        )
    return t.gettext(
        "{merchant} now has its own bot: @{bot}. Your card, stamps and history are the same there; open it once so it can reach you.",
        merchant=esc(merchant),
        bot=username,
    )


def open_button(t: Translator, username: str) -> str:
    return t.pgettext("button", "Open @{bot}").format(bot=username)


def elsewhere(t: Translator, merchant: str, username: str) -> str:
    return t.gettext(
        "{merchant} has its own bot now: @{bot}. Your card is there too.",
        merchant=esc(merchant),
        bot=username,
    )


def only_here(t: Translator) -> str:
    return t.gettext(
        "This is a café's own bot: create and manage your café's bot in the platform bot."
    )


def description(t: Translator, merchant: str) -> str:
    return t.gettext(
        "The loyalty card of {merchant}: collect stamps or points at the counter, see your card and your rewards here.",
        merchant=merchant,
    )[:512]


def short_description(t: Translator, merchant: str) -> str:
    return t.gettext("{merchant}'s loyalty card", merchant=merchant)[:120]
