"""Drive a standalone emulator (``python -m emulator``) from another process.

The API mirrors the in-process driver, with ``await`` where it needs HTTP::

    async with spawn_emulator(token=TOKEN, bot_username="loyalty_test_bot") as tg:
        # start the bot with TELEGRAM_API_BASE_URL=tg.base_url ...
        alice = await tg.user(1001, "Alice", language_code="en")
        await alice.send("/start")
        reply = await alice.next_message(timeout=10)
        print(await tg.stats())

Several bots: ``await tg.create_bot(username="shop_bot")`` or ``await tg.create_bots(1000)``
host more; ``alice.at(bot)`` acts in her chat with one of them, and ``stats``,
``set_rate_limits``, ``events`` ... take ``bot=`` (a :class:`RemoteBot`, username or id).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Collection
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from emulator.models import ChatEvent, JsonDict, UpdateTiming
from emulator.remote_bots import BotRef, RemoteBot, bot_key, with_bot
from emulator.remote_user import RemoteUser

_PROJECT_ROOT = Path(__file__).resolve().parents[1]


class EmulatorClient:
    """A client of the emulator's ``/_emulator`` control API at ``url``.

    Methods without their own docstring do what the same-named method of
    :class:`emulator.driver.BotApiEmulator` does, in the emulator's process.
    """

    def __init__(self, url: str, *, include_files: bool = True) -> None:
        self.url = url.rstrip("/")
        self.include_files = include_files
        self._http = httpx.AsyncClient(base_url=f"{self.url}/_emulator", timeout=30.0)

    @property
    def base_url(self) -> str:
        """The Bot API base URL to give the bot."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def request(
        self, method: str, path: str, *, wait: float = 0.0, **kwargs: Any
    ) -> JsonDict:
        """One control call; raises RuntimeError with the server's reason on failure."""
        response = await self._http.request(method, path, timeout=30.0 + wait, **kwargs)
        data: JsonDict = response.json()
        if response.status_code == 408:
            raise TimeoutError(data.get("error"))
        if response.is_error:
            raise RuntimeError(f"{path}: {data.get('error', response.text)}")
        return data

    async def post(self, path: str, wait: float = 0.0, **body: Any) -> JsonDict:
        """POST ``body`` as JSON to a control endpoint."""
        return await self.request("POST", path, wait=wait, json=body)

    async def user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        started: bool = False,
        bot: BotRef = None,
    ) -> RemoteUser:
        """Create or update a user; returns a handle to act as them in their chat with ``bot``
        (the platform bot by default), which they started already if ``started``."""
        body = with_bot({"started": started}, bot)
        await self.post(
            "/users",
            user_id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            **body,
        )
        return RemoteUser(self, user_id, first_name, bot=bot_key(bot))

    # -- bots ------------------------------------------------------------------------------

    async def create_bot(
        self,
        *,
        username: str,
        name: str | None = None,
        token: str | None = None,
        managed_by: BotRef = None,
    ) -> RemoteBot:
        """Host another bot (see :meth:`emulator.driver.BotApiEmulator.create_bot`)."""
        data = await self.post(
            "/bots", username=username, name=name, token=token, managed_by=bot_key(managed_by)
        )
        return RemoteBot.from_json(data)

    async def create_bots(
        self, count: int, *, prefix: str = "bench", managed_by: BotRef = None
    ) -> list[RemoteBot]:
        """Host ``count`` more bots at once, named ``<prefix><n>_bot``."""
        data = await self.post(
            "/bots/batch", count=count, prefix=prefix, managed_by=bot_key(managed_by)
        )
        return [RemoteBot.from_json(item) for item in data["bots"]]

    async def bots(self) -> list[RemoteBot]:
        """Every hosted bot, the platform bot first."""
        data = await self.request("GET", "/bots")
        return [RemoteBot.from_json(item) for item in data["bots"]]

    async def replace_token(self, bot: BotRef) -> str:
        """The owner changes the bot's token (see BotApiEmulator.replace_token)."""
        data = await self.post("/replace_token", bot=bot_key(bot))
        return str(data["token"])

    async def events(
        self,
        chat_id: int | None = None,
        *,
        after: int = 0,
        kinds: Collection[str] | None = None,
        wait: float = 0.0,
        bot: BotRef = None,
    ) -> list[ChatEvent]:
        """Events of ``bot`` with ``seq > after`` (of one chat), waiting up to ``wait`` s."""
        params: dict[str, Any] = with_bot({"after": after, "timeout": wait}, bot)
        params["files"] = "1" if self.include_files else "0"
        if chat_id is not None:
            params["chat_id"] = chat_id
        if kinds:
            params["kinds"] = ",".join(kinds)
        data = await self.request("GET", "/events", wait=wait, params=params)
        return [ChatEvent.from_json(item) for item in data["events"]]

    async def file(self, file_id: str, *, bot: BotRef = None) -> bytes:
        """The bytes of a file the bot uploaded."""
        response = await self._http.get(f"/files/{file_id}", params=with_bot({}, bot))
        response.raise_for_status()
        return response.content

    async def wait_idle(
        self,
        timeout: float = 10.0,  # noqa: ASYNC109
        quiet: float = 0.1,
        *,
        bot: BotRef = None,
    ) -> None:
        """See :meth:`emulator.driver.BotApiEmulator.wait_idle`."""
        body = with_bot({"timeout": timeout, "quiet": quiet}, bot)
        await self.post("/wait_idle", wait=timeout, **body)

    async def stats(self, bot: BotRef = None) -> JsonDict:
        """Counters and latency percentiles of ``bot`` (default: the platform bot), as
        :meth:`emulator.bots.EmulatedBot.stats`: messages_sent,
        max_messages_in_one_second, too_many_requests ..."""
        return await self.request("GET", "/stats", params=with_bot({}, bot))

    async def timings(self, bot: BotRef = None) -> list[UpdateTiming]:
        data = await self.request("GET", "/timings", params=with_bot({}, bot))
        return [UpdateTiming(**item) for item in data["timings"]]

    async def latencies(self, bot: BotRef = None) -> list[float]:
        return [t.latency for t in await self.timings(bot) if t.latency is not None]

    async def reset_timings(self, bot: BotRef = None) -> None:
        await self.post("/reset_timings", **with_bot({}, bot))

    async def commands(
        self, scope: str = "default", language_code: str = "", *, bot: BotRef = None
    ) -> list[tuple[str, str]]:
        """What setMyCommands registered; ``scope`` is a type or a JSON object."""
        params = with_bot({"scope": scope, "language_code": language_code}, bot)
        data = await self.request("GET", "/commands", params=params)
        return [(command, description) for command, description in data["commands"]]

    async def fail_next(
        self,
        method: str,
        status: int = 400,
        *,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        bot: BotRef = None,
    ) -> None:
        body: dict[str, Any] = {"description": description, "retry_after": retry_after}
        body["chat_id"] = chat_id
        with_bot(body, bot)
        await self.post("/fail_next", method=method, status=status, times=times, **body)

    async def set_delay(self, method: str, seconds: float, *, bot: BotRef = None) -> None:
        await self.post("/set_delay", method=method, seconds=seconds, **with_bot({}, bot))

    async def drop_connections(
        self, method: str, n: int = 1, *, after_processing: bool = False, bot: BotRef = None
    ) -> None:
        body = with_bot({"after_processing": after_processing}, bot)
        await self.post("/drop_connections", method=method, n=n, **body)

    async def set_rate_limits(
        self,
        per_chat: float | None = None,
        overall: float | None = None,
        burst: int | None = None,
        bot_wide: int | None = None,
        *,
        bot: BotRef = None,
    ) -> None:
        """Flood control of ``bot`` (default: the platform bot); each bot has its own."""
        body = with_bot({"per_chat": per_chat, "overall": overall, "burst": burst}, bot)
        await self.post("/rate_limits", bot_wide=bot_wide, **body)

    async def clear_faults(self, *, bot: BotRef = None) -> None:
        await self.post("/clear_faults", **with_bot({}, bot))

    async def block(self, user_id: int, *, notify: bool = True, bot: BotRef = None) -> None:
        await self.post("/block", user_id=user_id, notify=notify, **with_bot({}, bot))

    async def unblock(self, user_id: int, *, notify: bool = True, bot: BotRef = None) -> None:
        await self.post("/unblock", user_id=user_id, notify=notify, **with_bot({}, bot))

    async def add_webhook_target(
        self, url: str, secret_token: str | None = None, *, bot: BotRef = None
    ) -> None:
        body = with_bot({"secret_token": secret_token}, bot)
        await self.post("/webhook_targets", url=url, **body)

    async def remove_webhook_targets(self, *, bot: BotRef = None) -> None:
        await self.request("DELETE", "/webhook_targets", params=with_bot({}, bot))

    async def redeliver(self, update_id: int, *, bot: BotRef = None) -> None:
        await self.post("/redeliver", update_id=update_id, **with_bot({}, bot))


@contextlib.asynccontextmanager
async def spawn_emulator(
    token: str = "123456:TEST-TOKEN",
    bot_username: str = "loyalty_test_bot",
    *,
    port: int = 0,
    extra_args: Collection[str] = (),
) -> AsyncIterator[EmulatorClient]:
    """Run ``python -m emulator`` in a child process and yield a client for it."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(_PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "emulator", "--port", str(port), "--token", token, "--username", bot_username),
        *extra_args,
        stdout=asyncio.subprocess.PIPE,
        env=env,
        cwd=_PROJECT_ROOT,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        if not line.startswith("listening on "):
            raise RuntimeError(f"the emulator did not start: {line!r}")
        async with EmulatorClient(line.split()[2]) as client:
            yield client
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
