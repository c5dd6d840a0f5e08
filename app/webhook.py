"""Webhook mode: an ASGI app (Starlette, served by uvicorn) that several workers can run at once.

Telegram gets its 200 only after the update is stored in the inbox and handled, so a crash
before that means Telegram re-delivers it (to any worker); a re-delivered handled update is
recognised and skipped.

Every bot has its own route and secret: the platform bot `/telegram` (WEBHOOK_URL, with
WEBHOOK_SECRET), each café's bot `/telegram/<its id>` with a secret derived from WEBHOOK_SECRET
and its id (so nothing more is stored, and one bot's secret opens no other route). A café bot
is registered with Telegram by the first worker that serves it with a URL Telegram was not
given yet; an update for a bot a worker does not serve yet makes it look in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from telegram import Update
from telegram.error import InvalidToken, TelegramError

from api import mount_for as mount_api
from app.application import build_application
from app.hosting import BotHost
from app.memory import settle_after_start
from bot.config import ConfigError, Settings, load_settings
from bot.context import LoyaltyApplication
from bot.incoming import UnreadableUpdate, parse_body, read_update
from bot.logs import configure_logging
from bot.serving import ServingBot
from bot.wallet.config import apple_config
from infra.bots import BotState

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram"


def bot_secret(master: str, bot_id: int) -> str:
    """A café bot's webhook secret: HMAC of its id under WEBHOOK_SECRET (64 hex characters,
    within Telegram's 1–256 of A-Za-z0-9_-)."""
    return hmac.new(master.encode(), f"bot:{bot_id}".encode(), hashlib.sha256).hexdigest()


def bot_webhook_url(webhook_url: str, bot_id: int) -> str:
    return f"{webhook_url.rstrip('/')}/{bot_id}"


REGISTER_AT_ONCE = 16  # setWebhook calls in flight at start-up (each bot has its own budget)


async def register_all(
    bots: list[ServingBot], register: Callable[[ServingBot], Awaitable[None]]
) -> None:
    """Give Telegram the routes of the bots that need one, several at a time: a worker that
    starts with a thousand cafés' bots does not wait for a thousand round trips in a row
    (most are skipped anyway: the route is stored once registered)."""
    gate = asyncio.Semaphore(REGISTER_AT_ONCE)

    async def one(bot: ServingBot) -> None:
        async with gate:
            await register(bot)

    await asyncio.gather(*(one(bot) for bot in bots))


def create_app(
    settings: Settings, *, register_webhook: bool = True, own_process: bool = False
) -> Starlette:
    """The ASGI app: POST /telegram for updates, GET /healthz for the database.

    `own_process`: the app is its worker process's only one (uvicorn's factory), so its
    start-up heap is frozen once started (app/memory.py)."""
    if settings.webhook_url is None or settings.webhook_secret is None:
        raise ConfigError("WEBHOOK_URL and WEBHOOK_SECRET are both needed in webhook mode")
    application = build_application(settings, job_interval_scale=settings.job_interval_scale)
    secret = settings.webhook_secret.encode()
    master_secret = settings.webhook_secret
    webhook_url = settings.webhook_url

    async def register(bot: ServingBot) -> None:
        """Give Telegram this café bot's route, unless it has it already."""
        registry = application.bot_data.runtime.infra.bots
        record = host().record(bot.key)  # read by the host a moment ago
        url = bot_webhook_url(webhook_url, bot.key)
        if record is None or record.webhook_url == url or not register_webhook:
            return
        try:
            await bot.set_webhook(
                url=url,
                secret_token=bot_secret(master_secret, bot.key),
                allowed_updates=Update.ALL_TYPES,
            )
        except InvalidToken:
            await host().paused(bot)
            return
        except TelegramError as failure:
            log.warning("could not register the webhook of café bot %s: %s", bot.key, failure)
            return
        await registry.mark_webhook(bot.key, url)

    async def unregister(bot: ServingBot) -> None:
        """A café returned to the platform bot: Telegram stops posting its bot's updates."""
        record = host().record_of(bot.merchant_id or 0)
        if record is None or record.state is not BotState.OFF or not register_webhook:
            return
        with contextlib.suppress(TelegramError):
            await bot.delete_webhook()
        await application.bot_data.runtime.infra.bots.mark_webhook(bot.key, None)

    def host() -> BotHost:
        bots = application.bot_data.runtime.bots
        assert isinstance(bots, BotHost)
        return bots

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        if register_webhook:
            await application.bot.set_webhook(
                url=settings.webhook_url or "",
                secret_token=settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        host().listen(serving=register, leaving=unregister)
        await register_all(host().serving, register)
        if own_process:
            settle_after_start()
        try:
            yield
        finally:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
            await application.shutdown()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, secret):  # constant time: no guessing by timing
            return Response(status_code=403)
        platform = application.bot
        assert isinstance(platform, ServingBot)
        return await _receive_for(platform, request)

    async def receive_for_bot(request: Request) -> Response:
        bot_id = request.path_params["bot_id"]
        given = request.headers.get(SECRET_HEADER, "").encode()
        expected = bot_secret(master_secret, bot_id).encode()
        if not hmac.compare_digest(given, expected):
            return Response(status_code=403)
        bot = host().served(bot_id) or await host().refresh(bot_id)
        if bot is None:  # not a café bot we serve (switched off, or never ours)
            return Response(status_code=404)
        return await _receive_for(bot, request)

    async def _receive_for(bot: ServingBot, request: Request) -> Response:
        body = await request.body()
        try:
            update = read_update(parse_body(body), bot)
        except UnreadableUpdate as problem:
            log.warning("refused a webhook update: %s", problem)
            application.bot_data.poison_updates += 1
            return Response(status_code=400)
        await handle(application, update, body.decode(), bot)
        return Response(status_code=200)

    async def healthz(_: Request) -> Response:
        runtime = application.bot_data.started
        try:
            if runtime is None:
                raise RuntimeError("not started yet")
            await runtime.service.maintenance.check_writable()  # a database that only reads is down
        except Exception:
            log.exception("health check failed")
            return JSONResponse({"ok": False}, status_code=503)
        return JSONResponse({"ok": True, "poison_updates": application.bot_data.poison_updates})

    routes: list[BaseRoute] = [
        Route(WEBHOOK_PATH, receive, methods=["POST"]),
        Route(WEBHOOK_PATH + "/{bot_id:int}", receive_for_bot, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    if settings.web_app_url is not None:  # the Mini App, under /app
        from webapp import config_of
        from webapp import mount_for as mount_web_app

        routes.append(mount_web_app(application, config_of(settings)))
    routes.append(mount_api(application))  # the API for tills and tools, under /api/v1
    if apple_config() is not None:  # Apple Wallet's PassKit web service, only when configured
        from bot.wallet.apple_web import mount_for

        routes.append(mount_for(application))
    return Starlette(routes=routes, lifespan=lifespan)


async def handle(
    application: LoyaltyApplication, update: Update, payload: str, bot: ServingBot
) -> None:
    """Store, then handle through the per-chat ordered processor, then record it as handled.

    Its effects (a customer's notice) are in the outbox by then, so Telegram need not wait for
    them: any worker's dispatcher delivers them.
    """
    infra = application.bot_data.runtime.infra
    if not await infra.inbox.receive(bot.key, [(update.update_id, payload)]):
        return  # handled before: Telegram is re-delivering
    await application.update_processor.process_update(update, application.process_update(update))
    await infra.inbox.mark_processed([(bot.key, update.update_id)])


def app_from_environment() -> Starlette:
    """Factory for uvicorn workers: each process reads the settings and builds its own app."""
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings, own_process=True)


def serve(settings: Settings, *, workers: int) -> int:
    import uvicorn

    uvicorn.run(
        "app.webhook:app_from_environment",
        factory=True,
        host="0.0.0.0",
        port=settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=20,
    )
    return 0
