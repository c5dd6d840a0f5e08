"""The owner's Look screen in the Mini App: a sample card in the café's look; the brand colour
(a swatch or a typed code), the stamp symbol and the logo, each chosen or set back to default.

Every choice goes through the use cases /brand uses (domain/service/brand.py) and the domain's
rules (domain/brand.py): a typed code that is no colour, or a symbol that is none, is refused in
the owner's words and changes nothing. No colour is refused for its contrast: the domain picks
the text on it (white or ink) and its shade on a dark theme so that both read at 4.5:1.

An uploaded file becomes the logo as a photo sent to /brand does (bot/look.py `save_logo`: the
same preparation, the same use case), so the header, the cards, posters, passes and the café
bot's profile photo follow it alike; a file that is no picture, too large or a decompression
bomb is refused in the owner's words and changes nothing.

Each answer carries the section redrawn, the page's header and its CSS variables (webapp/look.py),
so the page wears a new colour or symbol as soon as it is saved.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from bot.brand_preview import sample_card
from bot.i18n import Translator
from bot.look import LOGO_INPUT_MAX_BYTES, save_logo
from bot.texts import brand as brand_texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.brand import ICONS, SWATCHES, Brand, read_hex_colour, text_on
from domain.service import BrandPart
from webapp import bodies
from webapp.look import page_look
from webapp.requests import json_answer, plain_text, tg_html

if TYPE_CHECKING:
    from webapp.screen import Endpoint, Person, ScreenHost

# What the page says of a file it will not send (too large), before reading it.
TOO_LARGE = errors.BadLogo(max_megabytes=LOGO_INPUT_MAX_BYTES // (1024 * 1024))


class LookScreen:
    """The Look section of the owner's tab."""

    def __init__(self, app: ScreenHost) -> None:
        self._app = app

    def endpoints(self) -> dict[str, Endpoint]:
        return {
            "look": (self.look, bodies.Empty),
            "look_colour": (self.choose_colour, bodies.ColourBody),
            "look_symbol": (self.choose_symbol, bodies.SymbolBody),
            "look_default": (self.back_to_default, bodies.LookDefaultBody),
            "logo": (self.upload_logo, bodies.LogoBody),
            "logo_remove": (self.remove_logo, bodies.Empty),
        }

    async def look(self, person: Person, _: bodies.Empty) -> Response:
        return json_answer({"ok": True, **await self._screen(person)})

    async def choose_colour(self, person: Person, body: bodies.ColourBody) -> Response:
        _owned_merchant(person)  # a cashier hears "owners only", whatever they typed
        # The field takes a code: "red" typed there is a mistake, not the swatch of that name.
        colour = read_hex_colour(body.colour)
        await self._app.service.brand.set_colour(person.user_id, colour)
        return await self._saved(person, brand_texts.colour_saved(person.t))

    async def choose_symbol(self, person: Person, body: bodies.SymbolBody) -> Response:
        _owned_merchant(person)  # the use case reads the symbol before it asks who is asking
        await self._app.service.brand.set_symbol(person.user_id, body.symbol)
        return await self._saved(person, brand_texts.symbol_saved(person.t))

    async def back_to_default(self, person: Person, body: bodies.LookDefaultBody) -> Response:
        if body.part == "colour":
            await self._app.service.brand.clear(person.user_id, BrandPart.COLOUR)
            return await self._saved(person, brand_texts.colour_cleared(person.t))
        await self._app.service.brand.clear(person.user_id, BrandPart.SYMBOL)
        return await self._saved(person, brand_texts.symbol_cleared(person.t))

    async def upload_logo(self, person: Person, body: bodies.LogoBody) -> Response:
        _owned_merchant(person)  # before decoding anything a stranger sent
        await save_logo(self._app.service.brand, person.user_id, body.logo)
        return await self._saved(person, brand_texts.logo_saved(person.t))

    async def remove_logo(self, person: Person, _: bodies.Empty) -> Response:
        await self._app.service.brand.clear(person.user_id, BrandPart.LOGO)
        return await self._saved(person, brand_texts.logo_removed(person.t))

    async def _saved(self, person: Person, message: str) -> Response:
        return json_answer({"ok": True, "message": tg_html(message), **await self._screen(person)})

    async def _screen(self, person: Person) -> dict[str, Any]:
        """The section's HTML, the page's header as it now stands (its logo) and its colours."""
        merchant = _owned_merchant(person)
        service = self._app.service
        brand = await service.brand.mine(person.user_id)
        png = await sample_card(service, person.user_id, merchant, person.t, self._app.link)
        look = await page_look(service.brand, person.identity.membership, [])
        t = person.t
        html = self._app.render(
            "look.html",
            person,
            heading=plain_text(brand_texts.heading(t, merchant[1])),
            preview="data:image/png;base64," + base64.b64encode(png).decode(),
            has_logo=brand.logo_version > 0,
            max_bytes=LOGO_INPUT_MAX_BYTES,
            too_large=plain_text(refusal_text(t, TOO_LARGE)),
            upload=brand_texts.upload_logo_button(t),
            remove=brand_texts.remove_logo_button(t),
            hint=brand_texts.upload_hint(t, TOO_LARGE.max_megabytes),
            **_choices(t, brand),
        )
        head = self._app.render("_brand_head.html", person, look=look)
        return {"html": html, "head": head, "brand": look.variables if look else {}}


def _choices(t: Translator, brand: Brand) -> dict[str, Any]:
    """The colours and symbols on offer, each marked if it is the café's, and their words."""
    swatches = [
        {
            "colour": colour,
            "on": text_on(colour),
            "name": brand_texts.swatch_name(t, name),
            "chosen": colour == brand.colour,
        }
        for name, colour in SWATCHES.items()
    ]
    symbols = [
        {
            "symbol": icon,
            "mark": brand_texts.ICON_MARKS[icon],
            "name": brand_texts.icon_name(t, icon),
            "chosen": icon == brand.symbol,
        }
        for icon in ICONS
    ]
    return {
        "swatches": swatches,
        "colour": brand.colour,
        "colour_now": brand_texts.colour_text(t, brand),
        "colour_title": brand_texts.colour_title(t),
        "colour_hint": brand_texts.colour_hint(t),
        "hex_label": brand_texts.hex_label(t),
        "default_colour": brand_texts.default_colour_button(t),
        "symbols": symbols,
        "symbol": brand.symbol,
        "symbol_now": brand_texts.symbol_text(t, brand),
        "symbol_title": brand_texts.symbol_title(t),
        "symbol_hint": brand_texts.symbol_hint(t),
        "default_symbol": brand_texts.default_symbol_button(t),
    }


def _owned_merchant(person: Person) -> tuple[int, str]:
    membership = person.identity.membership
    if not person.identity.is_owner or membership is None:
        raise errors.NotOwner()
    return membership.merchant_id, membership.merchant_name
