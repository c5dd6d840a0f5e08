"""The owner's Look screen in the Mini App: a sample card in the café's look, and the logo
uploaded from a file or removed.

An uploaded file becomes the logo as a photo sent to /brand does (bot/look.py `save_logo`: the
same preparation, the same use case), so the header, the cards, posters, passes and the café
bot's profile photo follow it alike; a file that is no picture, too large or a decompression
bomb is refused in the owner's words and changes nothing. Colours and symbols stay in /brand.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from starlette.responses import Response

from bot.brand_preview import sample_card
from bot.look import LOGO_INPUT_MAX_BYTES, save_logo
from bot.texts import brand as brand_texts
from bot.texts.refusals import refusal_text
from domain import errors
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
            "logo": (self.upload_logo, bodies.LogoBody),
            "logo_remove": (self.remove_logo, bodies.Empty),
        }

    async def look(self, person: Person, _: bodies.Empty) -> Response:
        return json_answer({"ok": True, **await self._screen(person)})

    async def upload_logo(self, person: Person, body: bodies.LogoBody) -> Response:
        _owned_merchant(person)  # before decoding anything a stranger sent
        await save_logo(self._app.service.brand, person.user_id, body.logo)
        message = brand_texts.logo_saved(person.t)
        return json_answer({"ok": True, "message": tg_html(message), **await self._screen(person)})

    async def remove_logo(self, person: Person, _: bodies.Empty) -> Response:
        await self._app.service.brand.clear(person.user_id, BrandPart.LOGO)
        message = brand_texts.logo_removed(person.t)
        return json_answer({"ok": True, "message": tg_html(message), **await self._screen(person)})

    async def _screen(self, person: Person) -> dict[str, str]:
        """The section's HTML, and the page's header as it now stands (its logo)."""
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
        )
        head = self._app.render("_brand_head.html", person, look=look)
        return {"html": html, "head": head}


def _owned_merchant(person: Person) -> tuple[int, str]:
    membership = person.identity.membership
    if not person.identity.is_owner or membership is None:
        raise errors.NotOwner()
    return membership.merchant_id, membership.merchant_name
