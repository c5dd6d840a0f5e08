"""The JSON control API of a standalone emulator, under ``/_emulator/...``.

It lets another process (a benchmark, the playground) do what an in-process test does with
:class:`emulator.driver.BotApiEmulator`; :class:`emulator.client.EmulatorClient` wraps it.
Bodies and answers are JSON; a bad request gets ``400 {"error": "..."}``.

Every endpoint except ``/bots`` takes an optional ``bot`` (a hosted bot's username or id, in
the body or the query string) and then acts on that bot: the user's chat with it, its events,
stats, limits ...; without it, on the platform bot. A bot is answered as
``{id, token, username, name, manager_id, owner_id}``.

=======  ==============================  ==================================================
POST     /_emulator/bots                 {username, name?, token?, managed_by?} -> bot
POST     /_emulator/bots/batch           {count, prefix?, managed_by?} -> {bots: [...]};
                                         usernames <prefix><n>_bot, the next free n
GET      /_emulator/bots                 -> {bots: [...]}, the platform bot first
POST     /_emulator/replace_token        {bot} -> {token}
POST     /_emulator/users                {user_id, first_name, last_name?, username?,
                                         language_code?, started?}
POST     /_emulator/send                 {user_id, text, first_name?...} -> {update_id}
POST     /_emulator/reply                {user_id, message_id, text} -> {update_id}
POST     /_emulator/open_link            {user_id, link} -> {update_id} (t.me/<bot>: that
                                         bot's chat; t.me/newbot/...: also {created: bot})
POST     /_emulator/press                {user_id, message_id, text? | callback_data?}
                                         -> {callback_query_id}
POST     /_emulator/press_keyboard       {user_id, message_id, text, username?, name?}
                                         -> {update_id} or {created: bot}
GET      /_emulator/events               ?chat_id&after=<seq>&kinds=a,b&timeout=s&files=1
GET      /_emulator/messages             ?chat_id&files=1 (the chat's messages, as now)
GET      /_emulator/files/<file_id>      the bytes of an uploaded file
POST     /_emulator/wait_idle            {timeout?, quiet?}
GET      /_emulator/stats, /timings      counters (messages_sent, max_messages_in_one_second,
                                         too_many_requests ...) and latency percentiles;
                                         raw timings
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
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from aiohttp import web

from emulator.models import ChatEvent, SentMessage

if TYPE_CHECKING:
    from emulator.bots import EmulatedBot
    from emulator.driver import BotApiEmulator
    from emulator.user import EmulatedUser

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_MAX_LONG_POLL = 60.0
_POST_ROUTES = (
    *("users", "send", "reply", "open_link", "press", "press_keyboard", "replace_token"),
    *("wait_idle", "reset_timings", "fail_next"),
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
        app.router.add_post("/_emulator/bots", _guard(api.create_bot))
        app.router.add_post("/_emulator/bots/batch", _guard(api.create_bots))
        app.router.add_get("/_emulator/bots", _guard(api.list_bots))
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


def bot_json(bot: EmulatedBot) -> dict[str, Any]:
    """A hosted bot as the control API answers it."""
    return {
        "id": bot.id,
        "token": bot.token,
        "username": bot.username,
        "name": bot.name,
        "manager_id": bot.manager.id if bot.manager else None,
        "owner_id": bot.owner_id,
    }


class _ControlApi:
    def __init__(self, emulator: BotApiEmulator) -> None:
        self.tg = emulator

    def _bot(self, source: Mapping[str, Any]) -> EmulatedBot:
        """The bot named by ``bot`` (username or id) in a body or query; the platform bot."""
        key = source.get("bot")
        if key is None or key == "":
            return self.tg.platform
        return self.tg.bot(key if isinstance(key, int) else str(key))

    def _user(self, body: dict[str, Any]) -> EmulatedUser:
        user_id = int(body["user_id"])
        if body.get("first_name"):
            self.tg.user(
                user_id,
                body["first_name"],
                last_name=body.get("last_name"),
                username=body.get("username"),
                language_code=body.get("language_code"),
            )
        else:
            self.tg.get_user(user_id)  # LookupError for an unknown user
        return self._bot(body).user(user_id, started=bool(body.get("started", False)))

    # -- bots ------------------------------------------------------------------------------

    def _manager(self, body: dict[str, Any]) -> EmulatedBot | None:
        key = body.get("managed_by")
        return None if key is None else self.tg.bot(key if isinstance(key, int) else str(key))

    async def create_bot(self, request: web.Request) -> Any:
        body = await _body(request)
        bot = self.tg.create_bot(
            username=str(body["username"]),
            name=body.get("name"),
            token=body.get("token"),
            managed_by=self._manager(body),
        )
        return bot_json(bot)

    async def create_bots(self, request: web.Request) -> Any:
        body = await _body(request)
        count = int(body["count"])
        if not 0 <= count <= 100_000:
            raise ValueError("count must be between 0 and 100000")
        prefix = str(body.get("prefix") or "bench")
        bots = self.tg.create_bots(count, prefix=prefix, managed_by=self._manager(body))
        return {"bots": [bot_json(bot) for bot in bots]}

    async def list_bots(self, request: web.Request) -> Any:
        return {"bots": [bot_json(bot) for bot in self.tg.bots]}

    async def replace_token(self, request: web.Request) -> Any:
        body = await _body(request)
        return {"token": self.tg.replace_token(self._bot(body))}

    # -- users' actions --------------------------------------------------------------------

    async def users(self, request: web.Request) -> Any:
        return {"user_id": self._user(await _body(request)).id}

    async def send(self, request: web.Request) -> Any:
        body = await _body(request)
        return {"update_id": await self._user(body).send(str(body["text"]))}

    async def reply(self, request: web.Request) -> Any:
        body = await _body(request)
        user = self._user(body)
        return {"update_id": await user.reply(int(body["message_id"]), str(body["text"]))}

    async def open_link(self, request: web.Request) -> Any:
        body = await _body(request)
        user = self._user(body)
        link = str(body["link"])
        if urlparse(link).path.strip("/").lower().startswith("newbot/"):
            created, update_id = user.open_newbot_link(link)
            return {"update_id": update_id, "created": bot_json(created)}
        return {"update_id": await user.open_link(link)}

    async def press(self, request: web.Request) -> Any:
        body = await _body(request)
        user = self._user(body)
        query_id = await user.press(
            int(body["message_id"]), body.get("text"), callback_data=body.get("callback_data")
        )
        return {"callback_query_id": query_id}

    async def press_keyboard(self, request: web.Request) -> Any:
        body = await _body(request)
        result = await self._user(body).press_keyboard(
            int(body["message_id"]),
            str(body["text"]),
            username=body.get("username"),
            name=body.get("name"),
        )
        if isinstance(result, int):
            return {"update_id": result}
        return {"created": bot_json(result)}

    # -- what the bot did ------------------------------------------------------------------

    async def events(self, request: web.Request) -> Any:
        query = request.query
        bot = self._bot(query)
        chat_id = int(query["chat_id"]) if query.get("chat_id") else None
        after = int(query.get("after", 0))
        kinds = set(query["kinds"].split(",")) if query.get("kinds") else None
        files = query.get("files", "1") not in {"0", "false"}
        deadline = time.monotonic() + min(float(query.get("timeout", 0)), _MAX_LONG_POLL)
        while True:
            found = _events_after(bot, chat_id, after, kinds)
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return {"events": [event.to_json(files) for event in found]}
            await bot.state.events_changed.wait(remaining)

    async def messages(self, request: web.Request) -> Any:
        chat_id = int(request.query["chat_id"])
        files = request.query.get("files", "1") not in {"0", "false"}
        self.tg.get_user(chat_id)
        messages = self._bot(request.query).user(chat_id).messages
        return {"messages": [message.to_json(files) for message in messages]}

    async def files(self, request: web.Request) -> web.StreamResponse:
        stored = self._bot(request.query).state.files[request.match_info["file_id"]]
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, content_type=content_type)

    async def wait_idle(self, request: web.Request) -> Any:
        body = await _body(request)
        timeout, quiet = float(body.get("timeout", 10.0)), float(body.get("quiet", 0.1))
        await self._bot(body).wait_idle(timeout, quiet)
        return {"idle": True}

    async def stats(self, request: web.Request) -> Any:
        return self._bot(request.query).stats()

    async def timings(self, request: web.Request) -> Any:
        return {"timings": [vars(timing) for timing in self._bot(request.query).timings()]}

    async def reset_timings(self, request: web.Request) -> Any:
        self._bot(await _body(request)).reset_timings()
        return {"ok": True}

    async def commands(self, request: web.Request) -> Any:
        scope_text = request.query.get("scope", "default")
        scope = json.loads(scope_text) if scope_text.startswith("{") else scope_text
        language = request.query.get("language_code", "")
        return {"commands": self._bot(request.query).commands(scope, language)}

    # -- faults and limits -----------------------------------------------------------------

    async def fail_next(self, request: web.Request) -> Any:
        body = await _body(request)
        self._bot(body).fail_next(
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
        self._bot(body).set_delay(str(body["method"]), float(body["seconds"]))
        return {"ok": True}

    async def drop_connections(self, request: web.Request) -> Any:
        body = await _body(request)
        after = bool(body.get("after_processing", False))
        self._bot(body).drop_connections(
            str(body["method"]), int(body.get("n", 1)), after_processing=after
        )
        return {"ok": True}

    async def rate_limits(self, request: web.Request) -> Any:
        body = await _body(request)
        self._bot(body).set_rate_limits(
            body.get("per_chat"), body.get("overall"), body.get("burst"), body.get("bot_wide")
        )
        return {"ok": True}

    async def clear_faults(self, request: web.Request) -> Any:
        self._bot(await _body(request)).clear_faults()
        return {"ok": True}

    async def block(self, request: web.Request) -> Any:
        body = await _body(request)
        self._bot(body).block(int(body["user_id"]), notify=bool(body.get("notify", True)))
        return {"ok": True}

    async def unblock(self, request: web.Request) -> Any:
        body = await _body(request)
        self._bot(body).unblock(int(body["user_id"]), notify=bool(body.get("notify", True)))
        return {"ok": True}

    async def webhook_targets(self, request: web.Request) -> Any:
        body = await _body(request)
        self._bot(body).add_webhook_target(str(body["url"]), body.get("secret_token"))
        return {"ok": True}

    async def clear_webhook_targets(self, request: web.Request) -> Any:
        self._bot(request.query).remove_webhook_targets()
        return {"ok": True}

    async def redeliver(self, request: web.Request) -> Any:
        body = await _body(request)
        self._bot(body).redeliver(int(body["update_id"]))
        return {"ok": True}


def _events_after(
    bot: EmulatedBot, chat_id: int | None, after: int, kinds: set[str] | None
) -> list[ChatEvent]:
    events = bot.events(chat_id)
    start = bisect.bisect_right(events, after, key=lambda event: event.seq)
    return [e for e in events[start:] if kinds is None or e.kind in kinds]


def message_list(data: dict[str, Any]) -> list[SentMessage]:
    """Decode the answer of ``GET /_emulator/messages``."""
    return [SentMessage.from_json(item) for item in data["messages"]]
