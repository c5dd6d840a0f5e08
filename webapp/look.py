"""The café's look on the Mini App's pages: its brand as CSS custom properties set beside
Telegram's theme colours, and the header a page wears.

The rules are the domain's (domain/brand.py): the brand fills the header, the progress bars and
the main buttons in the light theme; on a dark theme it is lightened until it stands out
(readable as text on the dark page), and the text on either fill is white or ink, whichever
reaches 4.5:1. A café without a colour sets nothing: the page keeps Telegram's theme colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.look import BrandSource
from bot.texts.brand import ICON_MARKS
from domain.brand import Brand, text_on
from domain.model import CardView, Membership
from domain.serving import serves

LOGO_PATH = "/app/logo/{merchant}/{version}"


def brand_variables(brand: Brand) -> dict[str, str]:
    """The custom properties app.css reads: the colours (`--brand`, `--on-brand` per theme)
    and the stamp symbol that marks each reward still to come; empty for what the café left
    to the defaults."""
    variables: dict[str, str] = {}
    if brand.colour is not None:
        dark = brand.text_on_dark
        variables |= {
            "--brand-light": brand.fill,
            "--on-brand-light": brand.on_fill,
            "--brand-dark": dark,
            "--on-brand-dark": text_on(dark),
        }
    if brand.symbol is not None:  # a drawn icon's character, or the emoji (no quotes in it)
        variables["--brand-mark"] = f'"{ICON_MARKS.get(brand.symbol, brand.symbol)}"'
    return variables


def style_attribute(variables: dict[str, str]) -> str:
    """The properties as an element's style attribute (the page's policy allows inline styles;
    the values are colours the domain wrote, "#rrggbb", and a symbol it checked)."""
    return "; ".join(f"{name}: {value}" for name, value in variables.items())


@dataclass(frozen=True)
class PageLook:
    """The café a page speaks for: its name and logo in the header, its colours."""

    merchant_id: int
    name: str
    brand: Brand

    @property
    def variables(self) -> dict[str, str]:
        return brand_variables(self.brand)

    @property
    def logo(self) -> str | None:
        if self.brand.logo_version == 0:
            return None
        return LOGO_PATH.format(merchant=self.merchant_id, version=self.brand.logo_version)


async def page_look(
    source: BrandSource, membership: Membership | None, cards: Sequence[CardView]
) -> PageLook | None:
    """The café a page speaks for: the staff's own, else the one café of the customer's cards;
    None for a wallet of several cafés (each card then wears its own, see `card_styles`)."""
    cafes = {(card.merchant_id, card.merchant_name) for card in cards}
    if membership is not None and serves(membership.merchant_id):
        cafes = {(membership.merchant_id, membership.merchant_name)}
    if len(cafes) != 1:
        return None
    merchant_id, name = cafes.pop()
    return PageLook(merchant_id, name, await source.of_merchant(merchant_id))


async def card_styles(source: BrandSource, cards: Sequence[CardView]) -> dict[int, str]:
    """Each card's café's colours as a style attribute, by merchant id ("" without a brand)."""
    styles: dict[int, str] = {}
    for card in cards:
        if card.merchant_id not in styles:
            brand = await source.of_merchant(card.merchant_id)
            styles[card.merchant_id] = style_attribute(brand_variables(brand))
    return styles
