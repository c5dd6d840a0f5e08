"""The Mini App's HTTP side: one page shell under /app and a small API under /app/api.

The shell carries no user data: its script reads `Telegram.WebApp.initData` and sends it with
every API call (`Authorization: tma <initData>`). The server checks it (webapp/initdata.py),
takes the user id from it and nothing else, and calls the same use cases as the chat, which
refuse what the chat refuses. Answers are HTML fragments rendered with the bot's catalogues;
card references travel only in POST bodies, and there are no cookies.

This module serves the page and routes the calls; each tab is a screen of its own
(customer_screen, counter_screen, business_screen and the owner's further screens).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from babel.numbers import get_decimal_symbol
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.context import LoyaltyApplication
from bot.i18n import accepted_language, language_of, translator
from bot.links import LinkKind, deep_link
from bot.texts import webapp as texts
from domain import errors
from domain.service import LoyaltyService
from domain.serving import serving_merchant
from webapp import bodies
from webapp.apikeys import ApiKeysScreen
from webapp.brand_screen import LookScreen
from webapp.business_screen import BusinessScreen
from webapp.counter_screen import CounterScreen
from webapp.customer_screen import CustomerScreen
from webapp.initdata import DEFAULT_MAX_AGE, InitDataRefused, WebAppUser
from webapp.insights import InsightsScreen
from webapp.look import page_look
from webapp.owner_extras import OwnerExtras
from webapp.refusals import bad_request, refused
from webapp.requests import NO_STORE, BadRequest, json_answer, read_body, tg_html
from webapp.screen import Endpoint, Handler, Person
from webapp.settings import SettingsForm
from webapp.signin import sign_in

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PREFIX = "/app"


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
    """The Mini App's routes, and what its screens render with (webapp/screen.py ScreenHost)."""

    def __init__(self, application: LoyaltyApplication, config: WebAppConfig) -> None:
        self._application = application
        self._config = config
        self._env = _environment()

    @property
    def service(self) -> LoyaltyService:
        return self._application.bot_data.runtime.service

    @property
    def application(self) -> LoyaltyApplication:
        return self._application

    def mount(self) -> Mount:
        # Each call: its handler and the model its body must fit (webapp/bodies.py).
        settings = SettingsForm(self)
        api: dict[str, Endpoint] = {
            "home": (self.home, bodies.Empty),
            **CustomerScreen(self).endpoints(),
            **CounterScreen(self).endpoints(),
            **BusinessScreen(self, settings).endpoints(),
            **OwnerExtras(self).endpoints(),
            **ApiKeysScreen(self).endpoints(),
            **InsightsScreen(self).endpoints(),
            **LookScreen(self).endpoints(),
            **settings.endpoints(),
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

    def _endpoint(
        self, handler: Handler, model: type[bodies.Body]
    ) -> Callable[[Request], Awaitable[Response]]:
        """An API call: its sender signed in (webapp/signin.py), its body read into `model`,
        then the handler, its refusals answered in the person's words (webapp/refusals.py)."""

        async def endpoint(request: Request) -> Response:
            try:
                signed = await sign_in(
                    request,
                    platform_token=self._config.token,
                    bots=self._application.bot_data.runtime.bots,
                    clock=self.service.clock,
                    max_age=self._config.max_age,
                )
            except InitDataRefused as refusal:
                log.info("refused a Mini App request: %s", refusal)
                return JSONResponse({"ok": False}, status_code=401, headers=NO_STORE)
            try:
                raw = await read_body(request, model.max_bytes)
                body = model.model_validate_json(raw or b"{}")
            except (BadRequest, ValidationError):
                return JSONResponse({"ok": False}, status_code=400, headers=NO_STORE)
            # Opened from a café's bot, the page serves that café only (domain/serving.py).
            serving = serving_merchant.set(signed.merchant_id)
            try:
                person = await self._person(signed.user)
                return await handler(person, body)
            except BadRequest:
                return bad_request(person)
            except errors.DomainError as refusal:
                return refused(self, person, refusal)
            finally:
                serving_merchant.reset(serving)

        return endpoint

    async def _person(self, user: WebAppUser) -> Person:
        identity = await self.service.staff.identity(user.user_id)
        language = language_of(identity, user.language_code, self._config.default_language)
        return Person(user=user, identity=identity, t=translator(language))

    def render(self, name: str, person: Person, **values: Any) -> str:
        template = self._env.get_template(name)
        return template.render(L=texts.labels(person.t), t=person.t, **values)

    def link(self, kind: LinkKind, value: str, merchant_id: int) -> str:
        """A link of the café, through the bot that speaks for it."""
        username = self._application.bot_data.runtime.bots.username_for(merchant_id)
        return deep_link(username, kind, value)

    async def logo(self, request: Request) -> Response:
        """A café's logo, by version: the header's picture. Logos are public (the poster and
        the passes print them); a new logo is a new address, so this one never changes."""
        merchant, version = request.path_params["merchant"], request.path_params["version"]
        stored = await self.service.brand.logo(merchant)
        if stored is None or stored[0] != version:
            return Response(status_code=404, headers=NO_STORE)
        cache = {"Cache-Control": "public, max-age=31536000, immutable"}
        return Response(stored[1], media_type="image/png", headers=cache)

    # --- the shell's first call --------------------------------------------------------------

    async def home(self, person: Person, _: bodies.Empty) -> Response:
        """The tabs this person sees, the page's labels and decimal sign, the café's look."""
        tabs = []
        cards = await self.service.customers.cards(person.user_id)
        # Staff see "My cards" only when they hold a card themselves: at the counter it is noise.
        if not person.identity.is_staff or cards:
            tabs.append("cards")
        if person.identity.is_staff:
            tabs.append("counter")
        if person.identity.is_owner:
            tabs.append("business")
        look = await page_look(self.service.brand, person.identity.membership, cards)
        html = self.render("home.html", person, tabs=tabs, look=look)
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
