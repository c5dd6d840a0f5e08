"""python-telegram-bot's HTTP transport on aiohttp instead of httpx.

PTB's `HTTPXRequest` spends most of a call's CPU in httpx, httpcore and anyio (see
benchmarks/telegram_requests.py and docs/performance.md, "Telegram's HTTP client"). This is the
same `BaseRequest` on one aiohttp `ClientSession`; the same wire format (a urlencoded form, a
multipart form when files go up), the same defaults and the same exceptions, so PTB still raises
RetryAfter, Forbidden, BadRequest … from the status and body it is given back.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """A `telegram.request.BaseRequest` on one aiohttp session, opened by `initialize` and
    closed by `shutdown`; its arguments mean what `HTTPXRequest`'s do.

    aiohttp has no timeout per socket write: `write_timeout` (and `media_write_timeout` for
    uploads) bound the whole call together with the other three instead. Proxies from the
    environment are not looked up (httpx would): the bot talks to Telegram directly.
    """

    __slots__ = (
        "_connect_timeout",
        "_headers",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_read_timeout",
        "_session",
        "_timeouts",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._headers = {"User-Agent": self.USER_AGENT}
        self._session: aiohttp.ClientSession | None = None
        # Calls ask for a handful of timeout sets (the defaults, a long poll's): build each once.
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(connector=connector, headers=self._headers)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        body: Any = None
        uploads = False
        if request_data is not None:
            uploads = request_data.contains_files
            body = _form(request_data) if uploads else request_data.json_parameters
        timeout = self._timeout(
            self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout,
            (self._media_write_timeout if uploads else self._write_timeout)
            if isinstance(write_timeout, DefaultValue)
            else write_timeout,
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout,
            self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout,
        )
        try:
            async with session.request(method, url, data=body, timeout=timeout) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as err:
            raise TimedOut(
                "Timed out waiting for a pooled connection or connecting: the request was "
                "*not* sent to Telegram."
            ) from _safe_cause(err)
        except TimeoutError as err:  # aiohttp's read timeouts are TimeoutErrors too
            raise TimedOut from _safe_cause(err)
        except aiohttp.ClientError as err:
            raise NetworkError(_redacted(f"aiohttp.{err.__class__.__name__}: {err}")) from (
                _safe_cause(err)
            )

    def _timeout(
        self,
        read: float | None,
        write: float | None,
        connect: float | None,
        pool: float | None,
    ) -> aiohttp.ClientTimeout:
        key = (read, write, connect, pool)
        timeout = self._timeouts.get(key)
        if timeout is None:
            # aiohttp's `connect` covers the wait for a pooled connection and the connecting.
            waiting = None if connect is None or pool is None else connect + pool
            total = None
            if waiting is not None and write is not None and read is not None:
                total = waiting + write + read
            timeout = aiohttp.ClientTimeout(
                total=total, connect=waiting, sock_connect=connect, sock_read=read
            )
            if len(self._timeouts) > 64:  # callers that pass ever new timeouts
                self._timeouts.clear()
            self._timeouts[key] = timeout
        return timeout


# The token is in every Bot API URL (…/bot<token>/method, …/file/bot<token>/path), and some of
# aiohttp's errors name the URL: what the bot logs must not show it (bot/logs.py).
_TOKEN_IN_PATH = re.compile(r"/bot[^/\s'\"]+")


def _redacted(text: str) -> str:
    return _TOKEN_IN_PATH.sub("/bot<token>", text)


def _safe_cause(err: BaseException) -> BaseException | None:
    """`err` as the cause of PTB's error, unless its text shows the token (then no cause: a
    logged traceback would print it)."""
    return err if _redacted(str(err)) == str(err) else None


def _form(request_data: RequestData) -> aiohttp.FormData:
    """A multipart form as HTTPXRequest sends it: every parameter a text part, every file a
    part with its file name and type."""
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
