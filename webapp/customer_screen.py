"""The customer's cards in the Mini App: each card with its ladder, its QR code for the counter,
its history page by page, the stores it is good in, and the language the person reads in."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

import segno
from starlette.responses import Response

from bot.i18n import LANGUAGE_NAMES, LANGUAGES
from bot.links import LinkKind
from bot.texts import cards as card_texts
from webapp import bodies
from webapp.look import card_styles
from webapp.requests import NO_STORE, json_answer, tg_html
from webapp.rewards import ladder_rows

if TYPE_CHECKING:
    from webapp.screen import Endpoint, Person, ScreenHost


class CustomerScreen:
    """The "My cards" tab."""

    def __init__(self, app: ScreenHost) -> None:
        self._app = app

    def endpoints(self) -> dict[str, Endpoint]:
        return {
            "cards": (self.cards, bodies.Empty),
            "qr": (self.qr, bodies.CardBody),
            "history": (self.history, bodies.HistoryBody),
            "stores": (self.card_stores, bodies.CardBody),
            "language": (self.language, bodies.LanguageBody),
        }

    async def cards(self, person: Person, _: bodies.Empty) -> Response:
        t = person.t
        cards = await self._app.service.customers.cards(person.user_id)
        looks = await card_styles(self._app.service.brand, cards)
        shown = [
            (
                card,
                card_texts.card_text(t, card, ladder_drawn=True),
                ladder_rows(t, card),
                looks[card.merchant_id],
            )
            for card in cards
        ]
        html = self._app.render(
            "cards.html",
            person,
            cards=shown,
            languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        )
        return json_answer({"ok": True, "html": html})

    async def qr(self, person: Person, body: bodies.CardBody) -> Response:
        card = await self._app.service.customers.card(person.user_id, body.card)
        link = self._app.link(LinkKind.CARD, card.qr_token, card.merchant_id)
        qr = segno.make(link, error="m")
        out = BytesIO()
        qr.save(out, kind="svg", scale=8, border=2, xmldecl=False, svgns=True)
        return Response(out.getvalue(), media_type="image/svg+xml", headers=NO_STORE)

    async def history(self, person: Person, body: bodies.HistoryBody) -> Response:
        card_id, before = body.card, body.before
        customers = self._app.service.customers
        card = await customers.card(person.user_id, card_id)
        page = await customers.history(person.user_id, card_id, before_id=before)
        lines = [card_texts.history_row(person.t, card, line) for line in page.lines]
        html = self._app.render("history.html", person, lines=lines, first=before is None)
        return json_answer({"ok": True, "html": html, "next": page.older_cursor})

    async def card_stores(self, person: Person, body: bodies.CardBody) -> Response:
        card_id = body.card
        card = await self._app.service.customers.card(person.user_id, card_id)
        stores = await self._app.service.customers.stores_of_card(person.user_id, card_id)
        return json_answer(
            {"ok": True, "html": tg_html(card_texts.stores_text(person.t, card, stores))}
        )

    async def language(self, person: Person, body: bodies.LanguageBody) -> Response:
        await self._app.service.customers.set_language(person.profile, body.language)
        return json_answer({"ok": True})
