"""What the owner reads about the café's look (/brand)."""

from __future__ import annotations

from bot.i18n import Translator
from bot.texts import esc
from domain.brand import SWATCHES, Brand

SWATCH_MARKS = {
    "coffee": "🟤",
    "red": "🔴",
    "orange": "🟠",
    "yellow": "🟡",
    "green": "🟢",
    "blue": "🔵",
    "purple": "🟣",
    "black": "⚫",
}
ICON_MARKS = {"dot": "●", "cup": "☕", "star": "★", "heart": "♥", "leaf": "🍃"}


def swatch_name(t: Translator, swatch: str) -> str:
    return {
        "coffee": t.gettext("Coffee"),
        "red": t.gettext("Red"),
        "orange": t.gettext("Orange"),
        "yellow": t.gettext("Yellow"),
        "green": t.gettext("Green"),
        "blue": t.gettext("Blue"),
        "purple": t.gettext("Purple"),
        "black": t.gettext("Black"),
    }[swatch]


def swatch_button(t: Translator, swatch: str) -> str:
    return f"{SWATCH_MARKS[swatch]} {swatch_name(t, swatch)}"


def colour_text(t: Translator, brand: Brand) -> str:
    if brand.colour is None:
        return t.gettext("the default")
    for swatch, colour in SWATCHES.items():
        if colour == brand.colour:
            return f"{swatch_name(t, swatch)} ({colour})"
    return brand.colour


def symbol_text(t: Translator, brand: Brand) -> str:
    if brand.symbol is None:
        return t.gettext("the default")
    return ICON_MARKS.get(brand.symbol, brand.symbol)


def heading(t: Translator, merchant: str) -> str:
    return t.gettext("🎨 The look of {merchant}", merchant=esc(merchant))


def status(t: Translator, merchant: str, brand: Brand) -> str:
    logo = t.gettext("yes") if brand.logo_version else t.gettext("none")
    return "\n".join(
        (
            heading(t, merchant),
            t.gettext("Colour: {colour}", colour=esc(colour_text(t, brand))),
            t.gettext("Stamp symbol: {symbol}", symbol=esc(symbol_text(t, brand))),
            t.gettext("Logo: {logo}", logo=logo),
            "",
            t.gettext(
                "It goes on your customers’ cards, your posters, the Mini App and the activity charts. Tap a colour or a symbol below, or type /brand #1f5fa8, /brand star or /brand ☕. To add your logo, tap “Logo” and send it as a photo."
            ),
            t.gettext("To rename your café: /brand name <code>New name</code>"),
        )
    )


def renamed(t: Translator, merchant: str) -> str:
    return t.gettext(
        "Your café is now called {merchant}: its cards, wallet passes and its own bot use the new name. Here is how a card looks now:",
        merchant=esc(merchant),
    )


def logo_button(t: Translator) -> str:
    return t.gettext("🖼 Logo")


def remove_logo_button(t: Translator) -> str:
    return t.gettext("🗑 Remove logo")


def reset_button(t: Translator) -> str:
    return t.gettext("↺ Default look")


def logo_prompt(t: Translator) -> str:
    return t.gettext(
        "Send your logo as a photo (a square picture on a plain background looks best). It is resized to fit cards and posters."
    )


def logo_placeholder(t: Translator) -> str:
    return t.gettext("Your logo, as a photo")


def usage(t: Translator) -> str:
    return t.gettext(
        "Usage: /brand, then tap a colour or a symbol; or /brand <code>#RRGGBB</code>, /brand <code>cup</code> (or star, heart, leaf, dot), /brand <code>an emoji</code>, /brand reset, /brand name <code>New name</code>."
    )


def changed(t: Translator) -> str:
    return t.gettext("Saved. Here is how a card looks now:")


# --- the Mini App's Look screen -----------------------------------------------------------------


def upload_logo_button(t: Translator) -> str:
    return t.pgettext("webapp", "🖼 Upload a logo")


def upload_hint(t: Translator, megabytes: int) -> str:
    return t.gettext(
        "Your logo goes on your customers’ cards, your posters and wallet passes and your bot’s profile photo. A square picture on a plain background looks best: PNG, JPEG or WebP, up to {megabytes} MB.",
        megabytes=megabytes,
    )


def logo_saved(t: Translator) -> str:
    return t.gettext("Your logo is saved: your cards, posters and passes show it now.")


def logo_removed(t: Translator) -> str:
    return t.gettext("Your logo is removed.")


def colour_title(t: Translator) -> str:
    return t.pgettext("webapp", "Brand colour")


def colour_hint(t: Translator) -> str:
    return t.gettext(
        "It fills your cards, your posters, your wallet passes and this app’s header and main buttons. Any colour works: the text on it is always white or dark, whichever reads best."
    )


def hex_label(t: Translator) -> str:
    return t.gettext("Or type a colour code, like #1f5fa8")


def default_colour_button(t: Translator) -> str:
    return t.pgettext("webapp", "Default colour")


def colour_saved(t: Translator) -> str:
    return t.gettext("Your colour is saved: your cards, posters and passes use it now.")


def colour_cleared(t: Translator) -> str:
    return t.gettext("Your cards, posters and passes use the default colour again.")


def symbol_title(t: Translator) -> str:
    return t.pgettext("webapp", "Stamp symbol")


def symbol_hint(t: Translator) -> str:
    return t.gettext(
        "It marks each stamp on your customers’ cards, and each reward still to come in this app."
    )


def icon_name(t: Translator, icon: str) -> str:
    return {
        "dot": t.pgettext("stamp symbol", "Dot"),
        "cup": t.pgettext("stamp symbol", "Cup"),
        "star": t.pgettext("stamp symbol", "Star"),
        "heart": t.pgettext("stamp symbol", "Heart"),
        "leaf": t.pgettext("stamp symbol", "Leaf"),
    }[icon]


def default_symbol_button(t: Translator) -> str:
    return t.pgettext("webapp", "Default symbol")


def symbol_saved(t: Translator) -> str:
    return t.gettext("Your stamp symbol is saved: your cards show it now.")


def symbol_cleared(t: Translator) -> str:
    return t.gettext("Your cards show the default stamp symbol again.")
