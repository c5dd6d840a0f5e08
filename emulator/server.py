"""The HTTP face of the emulator: Bot API routes, file downloads, fault injection.

Several bots are served at once, told apart by the token in the URL. Requests follow
python-telegram-bot's URL scheme, ``{base_url}{token}/{method}`` with
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
from typing import TYPE_CHECKING, NamedTuple

from aiohttp import web

from emulator.errors import ApiError
from emulator.methods import SENDING_METHODS
from emulator.params import Params, read_params

if TYPE_CHECKING:
    from emulator.bots import EmulatedBot
    from emulator.faults import Faults
    from emulator.hub import BotHub
    from emulator.methods import BotApiMethods
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
    """An aiohttp server on 127.0.0.1 that serves every bot of a :class:`BotHub` by token.

    A call with a token no hosted bot has (or a replaced one) gets 401 Unauthorized. Each
    call is recorded in the calls of the bot whose token it used (unknown tokens: the
    platform bot's).
    """

    def __init__(
        self,
        hub: BotHub,
        platform: EmulatedBot,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        extra_routes: Callable[[web.Application], None] | None = None,
    ) -> None:
        self.hub = hub
        self.platform = platform
        self.host = host
        self.port = port
        self._extra_routes = extra_routes
        self._runner: web.AppRunner | None = None

    # The platform bot's parts, as when the server served one bot.
    @property
    def state(self) -> EmulatorState:
        return self.platform.state

    @property
    def methods(self) -> BotApiMethods:
        return self.platform.methods

    @property
    def faults(self) -> Faults:
        return self.platform.faults

    @property
    def webhook(self) -> WebhookDispatcher:
        return self.platform.webhook

    @property
    def token(self) -> str:
        return self.platform.token

    @property
    def calls(self) -> list[ApiCall]:
        return self.platform.calls

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
        await self.hub.start()

    async def stop(self) -> None:
        """End long polls, stop webhook delivery and close the server."""
        await self.hub.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        token = request.match_info["token"]
        started = time.monotonic()
        bot = self.hub.by_token(token)
        if bot is None:
            owner = self.hub.retired(token) or self.platform
            request[_API_ERROR] = _UNAUTHORIZED.description
            owner.calls.append(
                ApiCall(method, 401, started, time.monotonic(), _UNAUTHORIZED.description)
            )
            return web.json_response(_UNAUTHORIZED.to_json(), status=401)
        state = bot.state
        # Long polls are always in flight; only other calls mean "the bot is busy".
        busy = method.lower() != "getupdates"
        if busy:
            state.requests_in_flight += 1
        status = 200
        try:
            response = await self._serve(bot, request, method)
            status = response.status
            return response
        finally:
            if busy:
                state.requests_in_flight -= 1
                state.last_request_at = time.monotonic()
            error = request.get(_API_ERROR)
            bot.calls.append(ApiCall(method, status, started, time.monotonic(), error))

    async def _serve(
        self, bot: EmulatedBot, request: web.Request, method: str
    ) -> web.StreamResponse:
        name = method.lower()
        faults = bot.faults
        try:
            if not bot.methods.knows(method):
                raise _NOT_FOUND
            params = await read_params(request)
            chat_id = _chat_of(params)
            delay = faults.delay_for(name)
            if delay:
                await asyncio.sleep(delay)
            if faults.take_drop(name, chat_id, after_processing=False):
                return _drop(request)
            injected = faults.take_failure(name, chat_id)
            if injected is not None:
                raise injected
            if name in SENDING_METHODS:
                faults.rate_limiter.check(chat_id)
                faults.send_window.admit()
            result = await bot.methods.call(method, params)
            if faults.take_drop(name, chat_id, after_processing=True):
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
        bot = self.hub.by_token(request.match_info["token"])
        if bot is None:
            return web.json_response(_UNAUTHORIZED.to_json(), status=401)
        stored = bot.state.file_by_path(request.match_info["path"])
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
