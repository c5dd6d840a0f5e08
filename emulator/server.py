"""The HTTP face of the emulator: Bot API routes, file downloads, fault injection.

Requests follow python-telegram-bot's URL scheme, ``{base_url}{token}/{method}`` with
``base_url = "http://127.0.0.1:PORT/bot"``, and file downloads ``/file/bot<token>/<path>``.
Every answer is Telegram-shaped JSON with the matching HTTP status.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Callable
from typing import NamedTuple

from aiohttp import web

from emulator.errors import ApiError
from emulator.faults import Faults
from emulator.methods import SENDING_METHODS, BotApiMethods
from emulator.params import Params, read_params
from emulator.state import EmulatorState
from emulator.webhook import WebhookDispatcher

_UNAUTHORIZED = ApiError(401, "Unauthorized")
_NOT_FOUND = ApiError(404, "Not Found")
_MAX_BODY = 60 * 1024 * 1024  # documents may be 50 MB
_API_ERROR = web.RequestKey("api_error", str)
_log = logging.getLogger(__name__)


class ApiCall(NamedTuple):
    """One served Bot API request: method as called, HTTP status, monotonic times, error."""

    method: str
    status: int
    started: float
    finished: float
    error: str | None = None


class EmulatorServer:
    """An aiohttp server on 127.0.0.1 that serves one bot token."""

    def __init__(
        self,
        state: EmulatorState,
        faults: Faults,
        webhook: WebhookDispatcher,
        token: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        extra_routes: Callable[[web.Application], None] | None = None,
    ) -> None:
        self.state = state
        self.methods = BotApiMethods(state)
        self.faults = faults
        self.webhook = webhook
        self.token = token
        self.host = host
        self.port = port
        self.calls: list[ApiCall] = []
        self._extra_routes = extra_routes
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """``http://host:port`` once started."""
        return f"http://{self.host}:{self.port}"

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        if self._extra_routes is not None:
            self._extra_routes(app)
        return app

    async def start(self) -> None:
        """Listen (an ephemeral port when ``port`` is 0) and start webhook delivery."""
        # Binding the socket ourselves tells us the ephemeral port without private APIs.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(
            self.build_app(), handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        await self.webhook.start()

    async def stop(self) -> None:
        """End long polls, stop webhook delivery and close the server."""
        self.methods.closing = True
        self.state.updates_changed.notify()
        await self.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        started = time.monotonic()
        # Long polls are always in flight; only other calls mean "the bot is busy".
        busy = method.lower() != "getupdates"
        if busy:
            self.state.requests_in_flight += 1
        status = 200
        try:
            response = await self._serve(request, method)
            status = response.status
            return response
        finally:
            if busy:
                self.state.requests_in_flight -= 1
                self.state.last_request_at = time.monotonic()
            error = request.get(_API_ERROR)
            self.calls.append(ApiCall(method, status, started, time.monotonic(), error))

    async def _serve(self, request: web.Request, method: str) -> web.StreamResponse:
        name = method.lower()
        try:
            if request.match_info["token"] != self.token:
                raise _UNAUTHORIZED
            if not self.methods.knows(method):
                raise _NOT_FOUND
            params = await read_params(request)
            chat_id = _chat_of(params)
            delay = self.faults.delay_for(name)
            if delay:
                await asyncio.sleep(delay)
            if self.faults.take_drop(name, chat_id, after_processing=False):
                return _drop(request)
            injected = self.faults.take_failure(name, chat_id)
            if injected is not None:
                raise injected
            if name in SENDING_METHODS:
                self.faults.rate_limiter.check(chat_id)
                self.faults.send_window.admit()
            result = await self.methods.call(method, params)
            if self.faults.take_drop(name, chat_id, after_processing=True):
                return _drop(request)
            return web.json_response({"ok": True, "result": result})
        except ApiError as error:
            request[_API_ERROR] = error.description
            return web.json_response(error.to_json(), status=error.status)
        except Exception as exc:
            # An emulator bug must not look like a network fault to the bot under test.
            _log.exception("emulator failure in %s", method)
            failure = ApiError(500, f"Internal Server Error: emulator failure: {exc!r}")
            request[_API_ERROR] = failure.description
            return web.json_response(failure.to_json(), status=500)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(_UNAUTHORIZED.to_json(), status=401)
        stored = self.state.file_by_path(request.match_info["path"])
        if stored is None:
            return web.json_response(_NOT_FOUND.to_json(), status=404)
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, content_type=content_type)


def _chat_of(params: Params) -> int | str | None:
    """The call's chat_id for fault matching and flood control, if it has a valid one."""
    if "chat_id" not in params:
        return None
    with contextlib.suppress(ApiError):
        return params.chat_id()
    return None


def _drop(request: web.Request) -> web.StreamResponse:
    """Close the connection without a response, as a network failure would."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=499)
