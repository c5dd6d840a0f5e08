"""The Mini App's HTTP side: one page shell under /app and a small API under /app/api.

The shell carries no user data: its script reads `Telegram.WebApp.initData` and sends it with
every API call (`Authorization: tma <initData>`). The server checks it (webapp/initdata.py),
takes the user id from it and nothing else, and calls the same use cases as the chat, which
refuse what the chat refuses. Answers are HTML fragments rendered here with the bot's
catalogues; card references travel only in POST bodies, and there are no cookies.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import segno
from babel.numbers import get_decimal_symbol
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.context import LoyaltyApplication
from bot.exports import XLSX, ledger_csv, ledger_xlsx
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, accepted_language, language_of, translator
from bot.links import LinkKind, deep_link
from bot.texts import cards as card_texts
from bot.texts import counter as counter_texts
from bot.texts import owner as owner_texts
from bot.texts import reports as report_texts
from bot.texts import stores_of_day as stores_texts
from bot.texts import webapp as texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import (
    AMOUNT_RANGE,
    CardView,
)
from domain.service import LoyaltyService, StoreChoice
from domain.serving import serving_merchant
from webapp import bodies
from webapp.apikeys import ApiKeysScreen
from webapp.brand_screen import LookScreen
from webapp.initdata import DEFAULT_MAX_AGE, InitDataRefused, WebAppUser, verify
from webapp.insights import InsightsScreen
from webapp.look import card_styles, page_look
from webapp.owner_extras import OwnerExtras
from webapp.requests import (
    NO_STORE,
    BadRequest,
    json_answer,
    plain_text,
    read_body,
    scanned_reference,
    tg_html,
)
from webapp.rewards import POINTS, STAMPS, affordable_rewards, ladder_rows
from webapp.screen import Endpoint, Handler, Person
from webapp.settings import SettingsForm

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PREFIX = "/app"
# Refusals that say "not yours": the matrix tests expect 403 for them, other refusals 409.
FORBIDDEN = (
    errors.NotStaff,
    errors.NotOwner,
    errors.NoCard,
    errors.CardNotFound,
    errors.CardOfOtherStore,
)
STAMP_CHOICES = (1, 2, 3, 5)


@dataclass(frozen=True)
class WebAppConfig:
    token: str
    max_age: timedelta = DEFAULT_MAX_AGE
    default_language: str = "en"
    # The playground's stand-in for Telegram.WebApp: the scripts to put in the page's head.
    simulator: Callable[[Request], Awaitable[str]] | None = None


# The page runs this app's own scripts only (Telegram's is vendored under static/): an injected
# <script> or an onclick= in a café's name would not run even if escaping ever failed. Styles
# may be inline (progress widths); pictures come as data: URLs (charts) or blobs (QR codes).
PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    )
)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tg"] = tg_html
    return env


class MiniApp:
    def __init__(self, application: LoyaltyApplication, config: WebAppConfig) -> None:
        self._application = application
        self._config = config
        self._env = _environment()
        self._settings = SettingsForm(self)

    @property
    def _service(self) -> LoyaltyService:
        return self._application.bot_data.runtime.service

    service = _service  # for the screens in their own modules (webapp/owner_extras.py)

    @property
    def application(self) -> LoyaltyApplication:
        return self._application

    def mount(self) -> Mount:
        # Each call: its handler and the model its body must fit (webapp/bodies.py).
        api: dict[str, Endpoint] = {
            "home": (self.home, bodies.Empty),
            "cards": (self.cards, bodies.Empty),
            "qr": (self.qr, bodies.CardBody),
            "history": (self.history, bodies.HistoryBody),
            "stores": (self.card_stores, bodies.CardBody),
            "language": (self.language, bodies.LanguageBody),
            "lookup": (self.lookup, bodies.LookupBody),
            "stamp": (self.stamp, bodies.StampBody),
            "redeem": (self.redeem, bodies.RedeemBody),
            "points": (self.points, bodies.PointsBody),
            "undo": (self.undo, bodies.UndoBody),
            "store_of_day": (self.store_of_day, bodies.Empty),
            "store": (self.store, bodies.StoreBody),
            "business": (self.business, bodies.Empty),
            "summary": (self.summary, bodies.SummaryBody),
            "poster": (self.poster, bodies.PosterBody),
            "invite": (self.invite, bodies.InviteBody),
            "revoke": (self.revoke, bodies.RevokeBody),
            "export": (self.export, bodies.ExportBody),
            **OwnerExtras(self).endpoints(),
            **ApiKeysScreen(self).endpoints(),
            **InsightsScreen(self).endpoints(),
            **LookScreen(self).endpoints(),
            **self._settings.endpoints(),
        }
        routes: list[BaseRoute] = [
            Route("/", self.shell, methods=["GET"]),
            Route("/logo/{merchant:int}/{version:int}", self.logo, methods=["GET"]),
            Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
        ]
        routes += [
            Route(f"/api/{name}", self._endpoint(handler, model), methods=["POST"])
            for name, (handler, model) in api.items()
        ]
        return Mount(PREFIX, routes=routes)

    # --- plumbing ----------------------------------------------------------------------------

    async def shell(self, request: Request) -> Response:
        simulator = await self._config.simulator(request) if self._config.simulator else None
        # Before initData is read the page knows only the browser's language: enough to say,
        # in it, that the page works inside Telegram.
        spoken = accepted_language(request.headers.get("accept-language"))
        language = language_of(None, spoken, self._config.default_language)
        page = self._env.get_template("shell.html").render(
            simulator=Markup(simulator or ""),
            language=language,
            outside=texts.outside_telegram(translator(language)),
        )
        return HTMLResponse(page, headers={**NO_STORE, "Content-Security-Policy": PAGE_POLICY})

    async def _opening_bot(self, request: Request) -> tuple[str, int | None]:
        """The token initData must be signed with, and the café served: the café bot the page
        names (X-Loyalty-Bot), else the platform bot's (every café)."""
        named = request.headers.get("X-Loyalty-Bot", "")
        if not named:
            return self._config.token, None
        bots = self._application.bot_data.runtime.bots
        if not named.isdigit() or len(named) > 20:
            raise InitDataRefused("no such bot")
        bot = bots.served(int(named)) or await bots.refresh(int(named))
        if bot is None or bot.merchant_id is None:
            raise InitDataRefused("a bot this platform does not serve")
        return bot.token, bot.merchant_id

    def _endpoint(
        self, handler: Handler, model: type[bodies.Body]
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            scheme, _, init_data = request.headers.get("Authorization", "").partition(" ")
            try:
                if scheme.lower() != "tma":
                    raise InitDataRefused("no initData")
                token, merchant_id = await self._opening_bot(request)
                user = verify(
                    init_data.strip(),
                    token,
                    now=self._service.clock.now(),
                    max_age=self._config.max_age,
                )
            except InitDataRefused as refused:
                log.info("refused a Mini App request: %s", refused)
                return JSONResponse({"ok": False}, status_code=401, headers=NO_STORE)
            try:
                raw = await read_body(request, model.max_bytes)
                body = model.model_validate_json(raw or b"{}")
            except (BadRequest, ValidationError):
                return JSONResponse({"ok": False}, status_code=400, headers=NO_STORE)
            # Opened from a café's bot, the page serves that café only (domain/serving.py).
            serving = serving_merchant.set(merchant_id)
            try:
                person = await self._person(user)
                return await handler(person, body)
            except BadRequest:
                return json_answer({"ok": False, "message": texts.labels(person.t)["failed"]}, 400)
            except errors.StoreOfDayRequired as asked:
                # The press waits: the page shows the stores, and presses again after a tap.
                message = tg_html(refusal_text(person.t, asked))
                chooser = self._stores_of_day(person, asked.stores, None, message)
                return json_answer({"ok": False, "message": message, "store": chooser}, 409)
            except errors.DomainError as refusal:
                status = 403 if isinstance(refusal, FORBIDDEN) else 409
                return json_answer(
                    {"ok": False, "message": tg_html(refusal_text(person.t, refusal))}, status
                )
            finally:
                serving_merchant.reset(serving)

        return endpoint

    async def _person(self, user: WebAppUser) -> Person:
        identity = await self._service.staff.identity(user.user_id)
        language = language_of(identity, user.language_code, self._config.default_language)
        return Person(user=user, identity=identity, t=translator(language))

    def _render(self, name: str, person: Person, **values: Any) -> str:
        template = self._env.get_template(name)
        return template.render(L=texts.labels(person.t), t=person.t, **values)

    render = _render

    def _link(self, kind: LinkKind, value: str, merchant_id: int) -> str:
        """A link of the café, through the bot that speaks for it."""
        username = self._application.bot_data.runtime.bots.username_for(merchant_id)
        return deep_link(username, kind, value)

    link = _link

    async def logo(self, request: Request) -> Response:
        """A café's logo, by version: the header's picture. Logos are public (the poster and
        the passes print them); a new logo is a new address, so this one never changes."""
        merchant, version = request.path_params["merchant"], request.path_params["version"]
        stored = await self._service.brand.logo(merchant)
        if stored is None or stored[0] != version:
            return Response(status_code=404, headers=NO_STORE)
        cache = {"Cache-Control": "public, max-age=31536000, immutable"}
        return Response(stored[1], media_type="image/png", headers=cache)

    # --- the shell's first call --------------------------------------------------------------

    async def home(self, person: Person, _: bodies.Empty) -> Response:
        tabs = []
        cards = await self._service.customers.cards(person.user_id)
        # Staff see "My cards" only when they hold a card themselves: at the counter it is noise.
        if not person.identity.is_staff or cards:
            tabs.append("cards")
        if person.identity.is_staff:
            tabs.append("counter")
        if person.identity.is_owner:
            tabs.append("business")
        look = await page_look(self._service.brand, person.identity.membership, cards)
        html = self._render("home.html", person, tabs=tabs, look=look)
        return json_answer(
            {
                "ok": True,
                "html": html,
                "tabs": tabs,
                "language": person.t.language,
                "decimal": get_decimal_symbol(person.t.locale),
                "labels": texts.labels(person.t),
                "brand": look.variables if look else {},
            }
        )

    # --- the customer ------------------------------------------------------------------------

    async def cards(self, person: Person, _: bodies.Empty) -> Response:
        t = person.t
        cards = await self._service.customers.cards(person.user_id)
        looks = await card_styles(self._service.brand, cards)
        shown = [
            (
                card,
                card_texts.card_text(t, card, ladder_drawn=True),
                ladder_rows(t, card),
                looks[card.merchant_id],
            )
            for card in cards
        ]
        html = self._render(
            "cards.html",
            person,
            cards=shown,
            languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        )
        return json_answer({"ok": True, "html": html})

    async def qr(self, person: Person, body: bodies.CardBody) -> Response:
        card = await self._service.customers.card(person.user_id, body.card)
        qr = segno.make(self._link(LinkKind.CARD, card.qr_token, card.merchant_id), error="m")
        out = BytesIO()
        qr.save(out, kind="svg", scale=8, border=2, xmldecl=False, svgns=True)
        return Response(out.getvalue(), media_type="image/svg+xml", headers=NO_STORE)

    async def history(self, person: Person, body: bodies.HistoryBody) -> Response:
        card_id, before = body.card, body.before
        card = await self._service.customers.card(person.user_id, card_id)
        page = await self._service.customers.history(person.user_id, card_id, before_id=before)
        lines = [card_texts.history_row(person.t, card, line) for line in page.lines]
        html = self._render("history.html", person, lines=lines, first=before is None)
        return json_answer({"ok": True, "html": html, "next": page.older_cursor})

    async def card_stores(self, person: Person, body: bodies.CardBody) -> Response:
        card_id = body.card
        card = await self._service.customers.card(person.user_id, card_id)
        stores = await self._service.customers.stores_of_card(person.user_id, card_id)
        return json_answer(
            {"ok": True, "html": tg_html(card_texts.stores_text(person.t, card, stores))}
        )

    async def language(self, person: Person, body: bodies.LanguageBody) -> Response:
        code = body.language
        await self._service.customers.set_language(person.profile, code)
        return json_answer({"ok": True})

    # --- the counter -------------------------------------------------------------------------

    async def lookup(self, person: Person, body: bodies.LookupBody) -> Response:
        reference = scanned_reference(body.reference)
        card = await self._service.counter.lookup(person.user_id, reference)
        return json_answer({"ok": True, "html": self._panel(person, card)})

    def _panel(self, person: Person, card: CardView) -> str:
        t = person.t
        rewards = [
            (
                reward,
                texts.redeem_label(t, reward.label),
                counter_texts.redeem_question(t, card, None, reward.rung),
            )
            for reward in affordable_rewards(card, t.language)
        ]
        stamps = [(n, texts.stamps_label(t, n)) for n in STAMP_CHOICES[1:]]
        return self._render(
            "panel.html",
            person,
            card=card,
            text=counter_texts.staff_card_text(t, card, ladder_drawn=True),
            ladder=ladder_rows(t, card),
            greeting=texts.greeting(t, card.customer_first_name),
            rewards=rewards,
            stamps=stamps,
            decimal=get_decimal_symbol(t.locale),
        )

    async def _done(self, person: Person, message: str, card: CardView) -> Response:
        return json_answer(
            {"ok": True, "message": tg_html(message), "html": self._panel(person, card)}
        )

    async def stamp(self, person: Person, body: bodies.StampBody) -> Response:
        op = await self._service.counter.stamp(
            person.user_id,
            scanned_reference(body.reference),
            body.n,
            idempotency_key=_key(person, body),
        )
        return await self._done(person, counter_texts.operation_done(person.t, op), op.card)

    async def redeem(self, person: Person, body: bodies.RedeemBody) -> Response:
        reward, reference, key = (
            body.reward,
            scanned_reference(body.reference),
            _key(person, body),
        )
        counter = self._service.counter
        if reward.isdigit():
            op = await counter.redeem_reward(
                person.user_id, reference, int(reward), idempotency_key=key
            )
        elif reward == STAMPS:
            op = await counter.redeem_stamps(person.user_id, reference, idempotency_key=key)
        elif reward == POINTS:
            op = await counter.redeem_points(person.user_id, reference, idempotency_key=key)
        else:
            raise BadRequest
        return await self._done(person, counter_texts.operation_done(person.t, op), op.card)

    async def points(self, person: Person, body: bodies.PointsBody) -> Response:
        """Points for a purchase typed on the keypad in the cashier's locale ("12,50")."""
        amount = person.t.parse_amount(body.amount)
        if amount is None:
            low, high = AMOUNT_RANGE
            raise errors.InvalidAmount(minimum=low, maximum=high)
        reference, key = scanned_reference(body.reference), _key(person, body)
        try:
            op = await self._service.counter.earn_points(
                person.user_id, reference, amount, confirmed=body.confirmed, idempotency_key=key
            )
        except errors.LargePurchaseUnconfirmed as asked:
            # Nothing credited: the page asks, and on Yes sends the same press with confirmed.
            question = counter_texts.large_purchase_question(
                person.t, asked.amount, asked.card_number
            )
            return json_answer({"ok": False, "confirm": plain_text(question)})
        return await self._done(person, counter_texts.operation_done(person.t, op), op.card)

    async def undo(self, person: Person, _: bodies.UndoBody) -> Response:
        reversal = await self._service.counter.undo(person.user_id)
        card = reversal.operation.card
        return await self._done(person, counter_texts.undo_done(person.t, reversal), card)

    def _stores_of_day(
        self, person: Person, stores: tuple[StoreChoice, ...], chosen: int | None, text: str
    ) -> str:
        return self._render("stores.html", person, stores=stores, chosen=chosen, text=text)

    async def store_of_day(self, person: Person, _: bodies.Empty) -> Response:
        """The counter's line of the store of the day: empty unless the cashier is asked."""
        today = await self._service.stores_of_day.today(person.user_id)
        if not today.asks:
            return json_answer({"ok": True, "html": ""})
        text = stores_texts.stores_of_day_text(person.t, today)
        html = self._stores_of_day(person, today.stores, today.chosen_id, text)
        return json_answer({"ok": True, "html": html})

    async def store(self, person: Person, body: bodies.StoreBody) -> Response:
        """The store tapped: today's operations count there (the page repeats a waiting press)."""
        today = await self._service.stores_of_day.choose(person.user_id, body.store)
        text = stores_texts.stores_of_day_text(person.t, today)
        html = self._stores_of_day(person, today.stores, today.chosen_id, text)
        assert today.chosen is not None
        said = stores_texts.store_said(person.t, today.chosen.name, in_chat=False)
        return json_answer({"ok": True, "message": tg_html(said), "html": html})

    # --- the owner ---------------------------------------------------------------------------

    async def business(self, person: Person, _: bodies.Empty) -> Response:
        owner = person.user_id
        summary, _series = await self._service.reports.summary_for_owner(owner, "today")
        settings = await self._service.merchants.program(owner)
        stores = await self._service.merchants.stores(owner)
        staff = await self._service.staff.list_staff(owner)
        html = self._render(
            "business.html",
            person,
            summary=report_texts.summary_text(person.t, summary),
            settings=Markup(self._settings.html(person, settings)),
            stores=stores,
            staff=[(member, owner_texts.revoke_question(person.t, member)) for member in staff],
        )
        return json_answer({"ok": True, "html": html})

    async def summary(self, person: Person, body: bodies.SummaryBody) -> Response:
        period = body.period
        summary, series = await self._service.reports.summary_for_owner(person.user_id, period)
        html = tg_html(report_texts.summary_text(person.t, summary))
        chart = None
        if series:  # week and month come with the chat's chart, as an image in the answer
            from bot.charts import activity_chart

            brand = await self._service.brand.of_merchant(summary.merchant_id)
            png = activity_chart(
                person.t, summary.merchant_name, summary.program_type, series, brand.fill
            )
            chart = "data:image/png;base64," + base64.b64encode(png).decode()
        return json_answer({"ok": True, "html": html, "chart": chart})

    async def poster(self, person: Person, body: bodies.PosterBody) -> Response:
        from bot.look import look_of
        from bot.printing import poster_bytes

        store = await self._service.merchants.find_store(person.user_id, body.store)
        settings = await self._service.merchants.program(person.user_id)
        bot = self._application.bot_data.runtime.bots.username_for(store.merchant_id)
        ladder = await self._service.rewards.ladder(person.user_id)
        look = await look_of(self._service.brand, store.merchant_id)
        image = poster_bytes(store, settings, ladder.rewards, bot, [settings.language], look=look)
        return Response(image, media_type="image/png", headers=NO_STORE)

    async def invite(self, person: Person, body: bodies.InviteBody) -> Response:
        store = body.store
        created = await self._service.staff.create_invite(person.user_id, store or None)
        membership = person.identity.membership
        timezone = membership.timezone if membership else "UTC"
        link = self._link(LinkKind.STAFF, created.token, created.merchant_id)
        message = owner_texts.invite_created(person.t, created, link, timezone)
        return json_answer({"ok": True, "message": tg_html(message), "link": link})

    async def revoke(self, person: Person, body: bodies.RevokeBody) -> Response:
        member = await self._service.staff.revoke(
            person.user_id, body.number, membership_id=body.membership
        )
        return json_answer({"ok": True, "message": tg_html(owner_texts.revoked(person.t, member))})

    async def export(self, person: Person, body: bodies.ExportBody) -> Response:
        days = body.days
        ledger = await self._service.reports.export_ledger(person.user_id, days)
        if body.format == "xlsx":
            content, media_type = ledger_xlsx(person.t, ledger), XLSX
        else:
            content, media_type = ledger_csv(person.t, ledger), "text/csv; charset=utf-8"
        return Response(
            content,
            media_type=media_type,
            headers={
                **NO_STORE,
                "Content-Disposition": (f'attachment; filename="ledger-{days}-days.{body.format}"'),
            },
        )


def _key(person: Person, body: bodies.KeyedBody) -> str:
    """The operation's idempotency key: one per button press, made by the page; the user id in
    it keeps one person's keys from ever meeting another's."""
    return f"m{person.user_id}.{body.key}"
