"""The JSON control API of a standalone emulator, under ``/_emulator/...``.

It lets another process (a benchmark, the playground) do what an in-process test does with
:class:`emulator.driver.BotApiEmulator`; :class:`emulator.client.EmulatorClient` wraps it.
Bodies and answers are JSON; a bad request gets ``400 {"error": "..."}``.

=======  ==============================  ==================================================
POST     /_emulator/users                {user_id, first_name, last_name?, username?,
                                         language_code?}
POST     /_emulator/send                 {user_id, text, first_name?...} -> {update_id}
POST     /_emulator/open_link            {user_id, link} -> {update_id}
POST     /_emulator/press                {user_id, message_id, text? | callback_data?}
                                         -> {callback_query_id}
GET      /_emulator/events               ?chat_id&after=<seq>&kinds=a,b&timeout=s&files=1
GET      /_emulator/messages             ?chat_id&files=1 (the chat's messages, as now)
GET      /_emulator/files/<file_id>      the bytes of an uploaded file
POST     /_emulator/wait_idle            {timeout?, quiet?}
GET      /_emulator/stats, /timings      counters and latency percentiles; raw timings
POST     /_emulator/reset_timings
GET      /_emulator/commands             ?scope=<type or JSON>&language_code
POST     /_emulator/fail_next            {method, status, description?, retry_after?,
                                         times?, chat_id?}
POST     /_emulator/set_delay            {method, seconds}
POST     /_emulator/drop_connections     {method, n?, after_processing?}
POST     /_emulator/rate_limits          {per_chat?, overall?, burst?, bot_wide?}
POST     /_emulator/clear_faults
POST     /_emulator/block, /unblock      {user_id, notify?}
POST     /_emulator/webhook_targets      {url, secret_token?}; DELETE removes them all
POST     /_emulator/redeliver            {update_id}
=======  ==============================  ==================================================
"""

from __future__ import annotations

import bisect
import json
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulator.models import ChatEvent, SentMessage

if TYPE_CHECKING:
    from emulator.driver import BotApiEmulator
    from emulator.user import EmulatedUser

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_MAX_LONG_POLL = 60.0
_POST_ROUTES = (
    *("users", "send", "open_link", "press", "wait_idle", "reset_timings", "fail_next"),
    *("set_delay", "drop_connections", "rate_limits", "clear_faults", "block", "unblock"),
    *("webhook_targets", "redeliver"),
)
_GET_ROUTES = ("events", "messages", "stats", "timings", "commands")


def control_routes(emulator: BotApiEmulator) -> Callable[[web.Application], None]:
    """A function that adds the control routes for ``emulator`` to an aiohttp app."""
    api = _ControlApi(emulator)

    def add(app: web.Application) -> None:
        for name in _POST_ROUTES:
            app.router.add_post(f"/_emulator/{name}", _guard(getattr(api, name)))
        for name in _GET_ROUTES:
            app.router.add_get(f"/_emulator/{name}", _guard(getattr(api, name)))
        app.router.add_get("/_emulator/files/{file_id}", _guard(api.files))
        app.router.add_delete("/_emulator/webhook_targets", _guard(api.clear_webhook_targets))

    return add


def _guard(handler: Callable[[web.Request], Awaitable[Any]]) -> Handler:
    """Serialise results as JSON and turn bad input into a 400 with the reason."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            result = await handler(request)
        except (KeyError, LookupError, ValueError, TypeError) as error:
            return web.json_response({"error": f"{type(error).__name__}: {error}"}, status=400)
        except TimeoutError as error:
            return web.json_response({"error": str(error)}, status=408)
        if isinstance(result, web.StreamResponse):
            return result
        return web.json_response(result)

    return wrapped


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise ValueError("a JSON object is expected")
    return body


class _ControlApi:
    def __init__(self, emulator: BotApiEmulator) -> None:
        self.tg = emulator

    def _user(self, body: dict[str, Any]) -> EmulatedUser:
        user_id = int(body["user_id"])
        if body.get("first_name"):
            return self.tg.user(
                user_id,
                body["first_name"],
                last_name=body.get("last_name"),
                username=body.get("username"),
                language_code=body.get("language_code"),
            )
        return self.tg.get_user(user_id)

    async def users(self, request: web.Request) -> Any:
        return {"user_id": self._user(await _body(request)).id}

    async def send(self, request: web.Request) -> Any:
        body = await _body(request)
        return {"update_id": await self._user(body).send(str(body["text"]))}

    async def open_link(self, request: web.Request) -> Any:
        body = await _body(request)
        return {"update_id": await self._user(body).open_link(str(body["link"]))}

    async def press(self, request: web.Request) -> Any:
        body = await _body(request)
        user = self._user(body)
        query_id = await user.press(
            int(body["message_id"]), body.get("text"), callback_data=body.get("callback_data")
        )
        return {"callback_query_id": query_id}

    async def events(self, request: web.Request) -> Any:
        query = request.query
        chat_id = int(query["chat_id"]) if query.get("chat_id") else None
        after = int(query.get("after", 0))
        kinds = set(query["kinds"].split(",")) if query.get("kinds") else None
        files = query.get("files", "1") not in {"0", "false"}
        deadline = time.monotonic() + min(float(query.get("timeout", 0)), _MAX_LONG_POLL)
        while True:
            found = self._events_after(chat_id, after, kinds)
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return {"events": [event.to_json(files) for event in found]}
            await self.tg.state.events_changed.wait(remaining)

    def _events_after(
        self, chat_id: int | None, after: int, kinds: set[str] | None
    ) -> list[ChatEvent]:
        events = self.tg.events(chat_id)
        start = bisect.bisect_right(events, after, key=lambda event: event.seq)
        return [e for e in events[start:] if kinds is None or e.kind in kinds]

    async def messages(self, request: web.Request) -> Any:
        chat_id = int(request.query["chat_id"])
        files = request.query.get("files", "1") not in {"0", "false"}
        messages = self.tg.get_user(chat_id).messages
        return {"messages": [message.to_json(files) for message in messages]}

    async def files(self, request: web.Request) -> web.StreamResponse:
        stored = self.tg.state.files[request.match_info["file_id"]]
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, content_type=content_type)

    async def wait_idle(self, request: web.Request) -> Any:
        body = await _body(request)
        await self.tg.wait_idle(float(body.get("timeout", 10.0)), float(body.get("quiet", 0.1)))
        return {"idle": True}

    async def stats(self, request: web.Request) -> Any:
        return self.tg.stats()

    async def timings(self, request: web.Request) -> Any:
        return {"timings": [vars(timing) for timing in self.tg.timings()]}

    async def reset_timings(self, request: web.Request) -> Any:
        self.tg.reset_timings()
        return {"ok": True}

    async def commands(self, request: web.Request) -> Any:
        scope_text = request.query.get("scope", "default")
        scope = json.loads(scope_text) if scope_text.startswith("{") else scope_text
        language = request.query.get("language_code", "")
        return {"commands": self.tg.commands(scope, language)}

    async def fail_next(self, request: web.Request) -> Any:
        body = await _body(request)
        self.tg.fail_next(
            str(body["method"]),
            int(body.get("status", 400)),
            description=body.get("description"),
            retry_after=body.get("retry_after"),
            times=int(body.get("times", 1)),
            chat_id=body.get("chat_id"),
        )
        return {"ok": True}

    async def set_delay(self, request: web.Request) -> Any:
        body = await _body(request)
        self.tg.set_delay(str(body["method"]), float(body["seconds"]))
        return {"ok": True}

    async def drop_connections(self, request: web.Request) -> Any:
        body = await _body(request)
        after = bool(body.get("after_processing", False))
        self.tg.drop_connections(str(body["method"]), int(body.get("n", 1)), after_processing=after)
        return {"ok": True}

    async def rate_limits(self, request: web.Request) -> Any:
        body = await _body(request)
        self.tg.set_rate_limits(
            body.get("per_chat"), body.get("overall"), body.get("burst"), body.get("bot_wide")
        )
        return {"ok": True}

    async def clear_faults(self, request: web.Request) -> Any:
        self.tg.clear_faults()
        return {"ok": True}

    async def block(self, request: web.Request) -> Any:
        body = await _body(request)
        self.tg.block(int(body["user_id"]), notify=bool(body.get("notify", True)))
        return {"ok": True}

    async def unblock(self, request: web.Request) -> Any:
        body = await _body(request)
        self.tg.unblock(int(body["user_id"]), notify=bool(body.get("notify", True)))
        return {"ok": True}

    async def webhook_targets(self, request: web.Request) -> Any:
        body = await _body(request)
        self.tg.add_webhook_target(str(body["url"]), body.get("secret_token"))
        return {"ok": True}

    async def clear_webhook_targets(self, request: web.Request) -> Any:
        self.tg.remove_webhook_targets()
        return {"ok": True}

    async def redeliver(self, request: web.Request) -> Any:
        body = await _body(request)
        self.tg.redeliver(int(body["update_id"]))
        return {"ok": True}


def message_list(data: dict[str, Any]) -> list[SentMessage]:
    """Decode the answer of ``GET /_emulator/messages``."""
    return [SentMessage.from_json(item) for item in data["messages"]]
