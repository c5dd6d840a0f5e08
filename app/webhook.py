"""Webhook mode: an ASGI app (Starlette, served by uvicorn) that several workers can run at once.

Telegram gets its 200 only after the update is stored in the inbox and handled, so a crash
before that means Telegram re-delivers it (to any worker); a re-delivered handled update is
recognised and skipped.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from telegram import Update

from app.application import build_application
from bot.config import ConfigError, Settings, load_settings
from bot.context import LoyaltyApplication
from bot.incoming import UnreadableUpdate, parse_body, read_update
from bot.logs import configure_logging
from bot.wallet.config import apple_config

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram"


def create_app(settings: Settings, *, register_webhook: bool = True) -> Starlette:
    """The ASGI app: POST /telegram for updates, GET /healthz for the database."""
    if settings.webhook_url is None or settings.webhook_secret is None:
        raise ConfigError("WEBHOOK_URL and WEBHOOK_SECRET are both needed in webhook mode")
    application = build_application(settings, job_interval_scale=settings.job_interval_scale)
    secret = settings.webhook_secret.encode()

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
        body = await request.body()
        try:
            update = read_update(parse_body(body), application.bot)
        except UnreadableUpdate as problem:
            log.warning("refused a webhook update: %s", problem)
            application.bot_data.poison_updates += 1
            return Response(status_code=400)
        await handle(application, update, body.decode())
        return Response(status_code=200)

    async def healthz(_: Request) -> Response:
        service = application.bot_data.service
        try:
            assert service is not None
            await service.maintenance.check_writable()  # a database that only reads is down
        except Exception:
            log.exception("health check failed")
            return JSONResponse({"ok": False}, status_code=503)
        return JSONResponse({"ok": True, "poison_updates": application.bot_data.poison_updates})

    routes: list[BaseRoute] = [
        Route(WEBHOOK_PATH, receive, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    if settings.web_app_url is not None:  # the Mini App, under /app
        from webapp import config_of
        from webapp import mount_for as mount_web_app

        routes.append(mount_web_app(application, config_of(settings)))
    if apple_config() is not None:  # Apple Wallet's PassKit web service, only when configured
        from bot.wallet.apple_web import mount_for

        routes.append(mount_for(application))
    return Starlette(routes=routes, lifespan=lifespan)


async def handle(application: LoyaltyApplication, update: Update, payload: str) -> None:
    """Store, then handle through the per-chat ordered processor, then record it as handled.

    Its effects (a customer's notice) are in the outbox by then, so Telegram need not wait for
    them: any worker's dispatcher delivers them.
    """
    infra = application.bot_data.infra
    assert infra is not None
    if not await infra.inbox.receive([(update.update_id, payload)]):
        return  # handled before: Telegram is re-delivering
    await application.update_processor.process_update(update, application.process_update(update))
    await infra.inbox.mark_processed([update.update_id])


def app_from_environment() -> Starlette:
    """Factory for uvicorn workers: each process reads the settings and builds its own app."""
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)


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
