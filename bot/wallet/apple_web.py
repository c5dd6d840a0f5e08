"""The PassKit web service Apple Wallet devices call: register and unregister a device for a pass,
list the passes changed since an update tag, fetch the latest pass, and send logs.

Statuses follow Apple's protocol: 201 registered, 200 already registered / done, 204 nothing
changed, 304 not modified, 401 bad or missing `Authorization: ApplePass <token>`, 404 a pass
type that is not ours or a serial number that is no card number, 400 a device identifier of a
shape no device has, 403 a pass already on as many devices as one pass may be. Path
parameters are checked before anything reaches the database; /v1/log bodies over 16 KiB get 413.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from bot.look import logo_image
from bot.wallet import paths, scan_link
from bot.wallet.apple import MIME_TYPE, ApplePassBuilder
from bot.wallet.config import apple_config
from domain.model import looks_like_card_number
from domain.service import LoyaltyService
from infra.passkit import (
    BadRegistration,
    BadUpdateTag,
    PassKit,
    PassNotAuthorised,
    TooManyDevices,
    looks_like_device_id,
)

if TYPE_CHECKING:
    from bot.context import LoyaltyApplication

log = logging.getLogger(__name__)

AUTH_SCHEME = "ApplePass "
LOG_PREFIX = "apple wallet device log: "
LOG_BODY_MAX = 16 * 1024  # bytes; a device sends a few short lines
MAX_LOG_LINES = 20
MAX_LOG_LINE_CHARS = 500


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[len(AUTH_SCHEME) :].strip() if header.startswith(AUTH_SCHEME) else None


async def _body_within(request: Request, limit: int) -> bytes | None:
    """The request's body, or None as soon as it is longer than `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _device_logs(body: bytes) -> list[str] | None:
    """The messages of Apple's documented log body, `{"logs": [string, ...]}`, else None."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    lines = document.get("logs") if isinstance(document, dict) else None
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        return None
    return lines


def _one_printable_line(text: str) -> str:
    """Control characters (newlines included), other unprintables and backslashes written as
    escapes: what a device posts can never look like a line of our own."""
    return "".join(
        ch if ch.isprintable() and ch != "\\" else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


Handler = Callable[[Request], Awaitable[Response]]


def _path_refusal(request: Request, pass_type_id: str) -> Response | None:
    """The answer to path parameters no request of ours can have, or None when they are fine."""
    params = request.path_params
    if "pass_type" in params and params["pass_type"] != pass_type_id:
        return Response(status_code=404)
    if "serial" in params and not looks_like_card_number(params["serial"]):
        return Response(status_code=404)  # serial numbers are card numbers
    if "device" in params and not looks_like_device_id(params["device"]):
        return Response(status_code=400)
    return None


def web_service_routes(
    service: Callable[[], LoyaltyService],
    builder: ApplePassBuilder,
    bot_username: Callable[[int], str],
) -> list[Route]:
    """The /v1/... routes, to mount under the path of the passes' webServiceURL."""
    config = builder.config
    secret = config.secret

    def passkit() -> PassKit:
        """The registrations, over the service's own database and clock."""
        return PassKit(service().database, service().clock)

    def checked(handler: Handler) -> Handler:
        async def guarded(request: Request) -> Response:
            return _path_refusal(request, config.pass_type_id) or await handler(request)

        return guarded

    async def register(request: Request) -> Response:
        token = _token(request)
        if token is None:
            return Response(status_code=401)
        try:
            push_token = json.loads(await request.body())["pushToken"]
        except (ValueError, KeyError, TypeError):
            return Response(status_code=400)
        if not isinstance(push_token, str):
            return Response(status_code=400)
        try:
            created = await passkit().register(
                device=request.path_params["device"],
                push_token=push_token,
                pass_type=config.pass_type_id,
                serial_number=request.path_params["serial"],
                token=token,
                secret=secret,
            )
        except PassNotAuthorised:
            return Response(status_code=401)
        except BadRegistration:
            return Response(status_code=400)
        except TooManyDevices:
            return Response(status_code=403)
        return Response(status_code=201 if created else 200)

    async def unregister(request: Request) -> Response:
        token = _token(request)
        if token is None:
            return Response(status_code=401)
        try:
            await passkit().unregister(
                device=request.path_params["device"],
                pass_type=config.pass_type_id,
                serial_number=request.path_params["serial"],
                token=token,
                secret=secret,
            )
        except PassNotAuthorised:
            return Response(status_code=401)
        return Response(status_code=200)

    async def updated_serials(request: Request) -> Response:
        try:
            updated = await passkit().updated_serials(
                request.path_params["device"],
                config.pass_type_id,
                request.query_params.get("passesUpdatedSince") or None,
            )
        except BadUpdateTag:
            return Response(status_code=400)
        if updated is None:
            return Response(status_code=204)
        return JSONResponse(
            {"serialNumbers": list(updated.serial_numbers), "lastUpdated": updated.last_updated}
        )

    async def latest_pass(request: Request) -> Response:
        token = _token(request)
        if token is None:
            return Response(status_code=401)
        try:
            card_id = await passkit().authenticated(request.path_params["serial"], token, secret)
        except PassNotAuthorised:
            return Response(status_code=401)
        wallet_card = await service().wallet.issue(card_id)
        last_modified = format_datetime(wallet_card.last_modified, usegmt=True)
        since = request.headers.get("if-modified-since")
        if since is not None:
            try:
                if wallet_card.last_modified <= parsedate_to_datetime(since):
                    return Response(status_code=304, headers={"Last-Modified": last_modified})
            except (TypeError, ValueError):
                pass  # an unreadable date: send the pass
        card = wallet_card.card
        link = scan_link(bot_username(card.merchant_id), card.qr_token)
        logo = await logo_image(service().brand, card.merchant_id, wallet_card.brand.logo_version)
        return Response(
            builder.build(wallet_card, link, logo),
            media_type=MIME_TYPE,
            headers={"Last-Modified": last_modified},
        )

    async def device_log(request: Request) -> Response:
        body = await _body_within(request, LOG_BODY_MAX)
        if body is None:
            return Response(status_code=413)
        lines = _device_logs(body)
        if lines is None:
            return Response(status_code=400)
        # Anyone may post here (the protocol has no authentication): a bounded, escaped echo.
        for line in lines[:MAX_LOG_LINES]:
            log.info("%s%s", LOG_PREFIX, _one_printable_line(line)[:MAX_LOG_LINE_CHARS])
        return Response(status_code=200)

    return [
        Route(paths.REGISTRATION, checked(register), methods=["POST"]),
        Route(paths.REGISTRATION, checked(unregister), methods=["DELETE"]),
        Route(paths.REGISTRATIONS, checked(updated_serials), methods=["GET"]),
        Route(paths.LATEST_PASS, checked(latest_pass), methods=["GET"]),
        Route(paths.DEVICE_LOG, device_log, methods=["POST"]),
    ]


def mount_for(application: LoyaltyApplication) -> Mount:
    """The web service for the webhook app, configured from the environment."""
    config = apple_config()
    if config is None or config.web_service_url is None:
        raise RuntimeError("Apple Wallet's web service needs APPLE_* and a base URL")

    def service() -> LoyaltyService:
        return application.bot_data.runtime.service

    def bot_username(merchant_id: int) -> str:
        """The bot that speaks for the pass's café (its own bot, else the platform bot)."""
        return application.bot_data.runtime.bots.username_for(merchant_id)

    routes = web_service_routes(service, ApplePassBuilder(config), bot_username)
    return Mount(config.mount_path, routes=routes)
