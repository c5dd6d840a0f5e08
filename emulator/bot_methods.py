"""Bot API methods about the bot itself: getMe, update delivery, commands and settings.

:class:`BotMethods` is the base of :class:`emulator.methods.BotApiMethods`; every coroutine
named ``_api_<snake_name>`` serves the Bot API method ``<snakeName>`` (case-insensitively,
as Telegram).
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from emulator import limits
from emulator.errors import (
    CONFLICT_POLL,
    CONFLICT_SET_WEBHOOK,
    CONFLICT_WEBHOOK,
    ApiError,
    bad_request,
)
from emulator.models import JsonDict
from emulator.params import Params, UploadedFile
from emulator.state import DEFAULT_UPDATE_KINDS, EmulatorState

if TYPE_CHECKING:
    from emulator.bots import EmulatedBot
    from emulator.hub import BotHub

Handler = Callable[[Params], Awaitable[Any]]
_BOT_TEXTS = {"name": "name", "description": "description", "shortdescription": "short_description"}
# Telegram's limits on them (setMyName, setMyDescription, setMyShortDescription), and the error
# each answers beyond its limit.
_BOT_TEXT_LIMITS = {
    "name": (64, "BOT_TITLE_INVALID"),
    "description": (512, "BOT_DESCRIPTION_INVALID"),
    "short_description": (120, "BOT_ABOUT_INVALID"),
}
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class BotMethods:
    """Dispatch by method name, plus the methods that do not touch messages."""

    _names: dict[str, str] | None = None  # lowercase method -> attribute, per class

    def __init__(
        self, state: EmulatorState, hub: BotHub | None = None, bot: EmulatedBot | None = None
    ) -> None:
        self.state = state
        self.hub = hub  # the other bots, for the managed-bot methods
        self.bot = bot
        self.closing = False  # set on shutdown so that long polls return at once
        self._handlers: dict[str, Handler] = {}

    @classmethod
    def _method_names(cls) -> dict[str, str]:
        # Telegram method names are case-insensitive: "_api_get_me" serves "getMe", "getme" ...
        if cls.__dict__.get("_names") is None:
            cls._names = {
                name.removeprefix("_api_").replace("_", ""): name
                for name in dir(cls)
                if name.startswith("_api_")
            }
        assert cls._names is not None
        return cls._names

    def _handler(self, method: str) -> Handler | None:
        name = method.lower()
        handler = self._handlers.get(name)
        if handler is None:
            attribute = self._method_names().get(name)
            if attribute is not None:
                handler = getattr(self, attribute)
            elif name.startswith(("setmy", "getmy")) and name[5:] in _BOT_TEXTS:
                field = _BOT_TEXTS[name[5:]]
                setter = name.startswith("set")
                handler = self._bot_text_setter(field) if setter else self._bot_text_getter(field)
            else:
                return None
            self._handlers[name] = handler
        return handler

    def knows(self, method: str) -> bool:
        """Whether ``method`` is implemented (unknown ones get Telegram's 404)."""
        return self._handler(method) is not None

    async def call(self, method: str, params: Params) -> Any:
        """Run ``method``; raises ApiError as Telegram would refuse it."""
        handler = self._handler(method)
        if handler is None:
            raise ApiError(404, "Not Found")
        return await handler(params)

    # -- bot and updates -------------------------------------------------------------------

    async def _api_get_me(self, p: Params) -> JsonDict:
        return self.state.bot.to_api() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_get_updates(self, p: Params) -> list[JsonDict]:
        state = self.state
        if state.webhook.targets:
            raise ApiError(409, CONFLICT_WEBHOOK)
        # A newer getUpdates terminates the one still waiting (it gets a 409).
        state.poll_generation += 1
        generation = state.poll_generation
        state.updates_changed.notify()
        state.apply_offset(p.get_int("offset"))
        allowed = p.get_json("allowed_updates")
        if isinstance(allowed, list):
            state.allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_KINDS
        limit = min(max(p.get_int("limit") or 100, 1), 100)
        deadline = time.monotonic() + max(p.get_float("timeout") or 0.0, 0.0)
        while not (updates := state.deliverable(limit)) and not self.closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await state.updates_changed.wait(remaining)
            if state.poll_generation != generation:
                raise ApiError(409, CONFLICT_POLL)
            if state.webhook.targets:
                raise ApiError(409, CONFLICT_SET_WEBHOOK)
        for update in updates:
            update.delivered = True
        return [update.payload for update in updates]

    async def _api_set_webhook(self, p: Params) -> bool:
        url = p.get_str("url") or ""
        secret = p.get_str("secret_token")
        if url and not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if secret is not None and not _SECRET.match(secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = p.get_int("max_connections") or 40
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        self._update_allowed(p)
        webhook = self.state.webhook
        webhook.url, webhook.secret_token, webhook.max_connections = url, secret, max_connections
        self._drop_pending(p)
        self.state.webhook_changed()  # ends long polls, starts webhook delivery
        return True

    async def _api_delete_webhook(self, p: Params) -> bool:
        self.state.webhook.url = ""
        self.state.webhook.secret_token = None
        self._drop_pending(p)
        self.state.webhook_changed()
        return True

    def _drop_pending(self, p: Params) -> None:
        if p.get_bool("drop_pending_updates"):
            for update in list(self.state.pending.values()):
                self.state.confirm(update)

    def _update_allowed(self, p: Params) -> None:
        allowed = p.get_json("allowed_updates")
        if isinstance(allowed, list):
            self.state.allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_KINDS

    async def _api_get_webhook_info(self, p: Params) -> JsonDict:
        webhook = self.state.webhook
        info: JsonDict = {
            "url": webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.pending),
        }
        if webhook.url:
            info |= {
                "ip_address": "127.0.0.1",
                "max_connections": webhook.max_connections,
                "allowed_updates": sorted(self.state.allowed_updates),
            }
        if webhook.last_error_date is not None:
            info["last_error_date"] = webhook.last_error_date
            info["last_error_message"] = webhook.last_error_message
        return info

    # -- commands and settings -------------------------------------------------------------

    def _commands_key(self, p: Params) -> tuple[str, str]:
        scope = limits.command_scope(p.get_json("scope"))
        chat_id = scope.get("chat_id")
        if chat_id is not None and chat_id not in self.state.users:
            raise bad_request("chat not found")
        return limits.scope_key(scope), limits.language_code(p.get_str("language_code"))

    async def _api_set_my_commands(self, p: Params) -> bool:
        commands = limits.commands(p.get_json("commands"))
        key = self._commands_key(p)
        if commands:
            self.state.commands[key] = commands
        else:
            self.state.commands.pop(key, None)
        return True

    async def _api_get_my_commands(self, p: Params) -> list[dict[str, str]]:
        return self.state.commands.get(self._commands_key(p), [])

    async def _api_delete_my_commands(self, p: Params) -> bool:
        self.state.commands.pop(self._commands_key(p), None)
        return True

    async def _api_set_chat_menu_button(self, p: Params) -> bool:
        chat_id = p.get_int("chat_id")
        button = p.get_json("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in {
            "commands",
            "web_app",
            "default",
        }:
            raise bad_request("can't parse menu button JSON object")
        if button["type"] == "web_app":
            text = button.get("text")
            if not isinstance(text, str) or not 1 <= len(text.strip()) <= 64:
                raise bad_request("BUTTON_TEXT_INVALID")
            limits.web_app_url(button.get("web_app"), "menu button Web App URL")
        if chat_id is not None and chat_id not in self.state.users:
            raise bad_request("chat not found")
        self.state.menu_buttons[chat_id] = button
        return True

    async def _api_get_chat_menu_button(self, p: Params) -> JsonDict:
        buttons = self.state.menu_buttons
        return buttons.get(p.get_int("chat_id")) or buttons.get(None) or {"type": "commands"}

    # -- managed bots (Bot API 9.6) --------------------------------------------------------

    def _managed(self, p: Params) -> EmulatedBot:
        """The bot ``user_id`` if this bot manages it; Telegram's 400 otherwise."""
        user_id = p.get_int("user_id")
        if user_id is None:
            raise bad_request("user_id is empty")
        managed = self.hub.bot_by_id(user_id) if self.hub is not None else None
        if managed is None or managed.manager is None or managed.manager is not self.bot:
            raise bad_request("bot not found")
        return managed

    async def _api_get_managed_bot_token(self, p: Params) -> str | None:
        return self._managed(p).token

    async def _api_replace_managed_bot_token(self, p: Params) -> str:
        managed = self._managed(p)
        assert self.hub is not None
        return self.hub.replace_token(managed)

    # -- the bot's profile photo (Bot API 9.4) ---------------------------------------------

    async def _api_set_my_profile_photo(self, p: Params) -> bool:
        photo = p.get_json("photo")
        if not isinstance(photo, dict) or photo.get("type") not in ("static", "animated"):
            raise bad_request("can't parse InputProfilePhoto JSON object")
        if photo["type"] == "animated":
            raise bad_request("PHOTO_FILE_MISSING")  # animations are not emulated
        uploaded = p.attached(photo.get("photo"))
        if not isinstance(uploaded, UploadedFile):  # a new photo must be uploaded
            raise bad_request("PHOTO_FILE_MISSING")
        if not uploaded.data.startswith(b"\xff\xd8"):  # a static photo is a .JPG
            raise bad_request("IMAGE_PROCESS_FAILED")
        limits.photo_dimensions(uploaded.data)
        self.state.profile_photo = uploaded.data
        return True

    async def _api_remove_my_profile_photo(self, p: Params) -> bool:
        self.state.profile_photo = None
        return True

    async def _api_close(self, p: Params) -> bool:
        return True

    async def _api_log_out(self, p: Params) -> bool:
        return True

    def _bot_text_setter(self, field: str) -> Handler:
        async def handler(p: Params) -> bool:
            language = limits.language_code(p.get_str("language_code"))
            text = p.get_str(field) or ""
            limit, error = _BOT_TEXT_LIMITS[field]
            if len(text) > limit:
                raise bad_request(error)
            self.state.bot_texts[(field, language)] = text
            return True

        return handler

    def _bot_text_getter(self, field: str) -> Handler:
        async def handler(p: Params) -> JsonDict:
            language = limits.language_code(p.get_str("language_code"))
            texts = self.state.bot_texts
            text = texts.get((field, language)) or texts.get((field, ""))
            if field == "name" and not text:
                text = self.state.bot.first_name
            return {field: text or ""}

        return handler
