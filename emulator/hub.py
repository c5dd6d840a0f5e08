"""The emulator's directory of bots: every hosted bot by token, id and username, the users'
profiles they share, and the managed bots' creation (emulator/bots.py holds one bot's world)."""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import aiohttp

from emulator import limits
from emulator.records import UserRecord

if TYPE_CHECKING:
    from emulator.user import EmulatedUser

from emulator.bots import EmulatedBot

_FIRST_GENERATED_ID = 7_000_000_001


def new_token(bot_id: int) -> str:
    """A token shaped like Telegram's: ``<bot id>:<35 characters>``."""
    return f"{bot_id}:{secrets.token_urlsafe(26)[:35]}"


class BotHub:
    """Every hosted bot by token, id and username, and the users' shared profiles."""

    def __init__(self, *, callback_ttl: float = 15.0, webhook_retry_delay: float = 0.1) -> None:
        self.callback_ttl = callback_ttl
        self.webhook_retry_delay = webhook_retry_delay
        self._by_token: dict[str, EmulatedBot] = {}
        self._retired: dict[str, EmulatedBot] = {}  # replaced tokens, answered 401
        self._by_id: dict[int, EmulatedBot] = {}
        self._by_username: dict[str, EmulatedBot] = {}
        self._profiles: dict[int, UserRecord] = {}
        self._bound: dict[int, list[EmulatedBot]] = {}  # user id -> bots with a chat with them
        self._ids = itertools.count(_FIRST_GENERATED_ID)
        self._session: aiohttp.ClientSession | None = None

    # -- bots ------------------------------------------------------------------------------

    def add_bot(
        self,
        *,
        username: str,
        name: str | None = None,
        token: str | None = None,
        managed_by: EmulatedBot | None = None,
        owner_id: int | None = None,
        first_update_id: int = 1,
    ) -> EmulatedBot:
        """Host a new bot; a fresh id and token unless ``token`` (``<id>:<secret>``) is given."""
        if not username:
            raise ValueError("a bot needs a username")
        if username.lower() in self._by_username:
            raise ValueError(f"the username @{username} is already taken")
        if token is None:
            bot_id = next(self._ids)
            while bot_id in self._by_id:
                bot_id = next(self._ids)
            token = new_token(bot_id)
        else:
            digits, _, secret = token.partition(":")
            if not digits.isdigit() or not secret:
                raise ValueError("a bot token looks like '123456:ABC-secret'")
            bot_id = int(digits)
        if bot_id in self._by_id or token in self._by_token:
            raise ValueError(f"a bot with id {bot_id} is already hosted")
        record = UserRecord(bot_id, name or username, username=username, is_bot=True)
        bot = EmulatedBot(
            self,
            record,
            token,
            manager=managed_by,
            owner_id=owner_id,
            first_update_id=first_update_id,
            callback_ttl=self.callback_ttl,
            webhook_retry_delay=self.webhook_retry_delay,
        )
        self._by_token[token] = bot
        self._by_id[bot_id] = bot
        self._by_username[username.lower()] = bot
        if self._session is not None:
            bot.webhook.attach(self._session)
        return bot

    def __iter__(self) -> Iterator[EmulatedBot]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def by_token(self, token: str) -> EmulatedBot | None:
        """The bot this token currently belongs to (None: 401)."""
        return self._by_token.get(token)

    def retired(self, token: str) -> EmulatedBot | None:
        """The bot a replaced or revoked token belonged to."""
        return self._retired.get(token)

    def bot_by_id(self, bot_id: int) -> EmulatedBot | None:
        return self._by_id.get(bot_id)

    def bot_by_username(self, username: str) -> EmulatedBot | None:
        return self._by_username.get(username.lstrip("@").lower())

    def find(self, key: str | int) -> EmulatedBot:
        """A hosted bot by username (with or without @) or id; LookupError if none."""
        found = None
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            found = self._by_id.get(int(key))
        if found is None and isinstance(key, str):
            found = self.bot_by_username(key)
        if found is None:
            raise LookupError(f"no hosted bot {key!r}")
        return found

    # -- tokens ----------------------------------------------------------------------------

    def replace_token(self, bot: EmulatedBot) -> str:
        """Give ``bot`` a new token: the old one gets 401 from now on; a manager hears of it
        with a ``managed_bot`` update."""
        self._retire(bot)
        bot._token = new_token(bot.id)
        self._by_token[bot._token] = bot
        self._notify_manager(bot)
        return bot._token

    def revoke_token(self, bot: EmulatedBot) -> None:
        """Revoke ``bot``'s token without a new one (until :meth:`replace_token`)."""
        self._retire(bot)
        bot._token = None
        self._notify_manager(bot)

    def _retire(self, bot: EmulatedBot) -> None:
        if bot._token is not None:
            self._by_token.pop(bot._token, None)
            self._retired[bot._token] = bot

    def _notify_manager(self, bot: EmulatedBot) -> None:
        if bot.manager is None:
            return
        owner = self._profiles.get(bot.owner_id) if bot.owner_id is not None else None
        user = owner.to_api() if owner is not None else bot.manager.user_json
        bot.manager.state.managed_bot_updated(user, bot.user_json)

    # -- managed bots ----------------------------------------------------------------------

    def create_managed_bot(
        self, user: EmulatedUser, manager: EmulatedBot, username: str, name: str | None
    ) -> tuple[EmulatedBot, int]:
        """``user`` creates a bot managed by ``manager``; the manager gets the service message
        (managed_bot_created) in the user's chat and a ``managed_bot`` update. Returns the
        bot and the update_id of the ``managed_bot`` update."""
        if not limits.valid_bot_username(username):
            raise ValueError(f"@{username} is not a bot username (5-32 of a-zA-Z0-9_, ends in bot)")
        bot = self.add_bot(username=username, name=name, managed_by=manager, owner_id=user.id)
        in_manager = manager.user(user.id)
        manager.state.managed_bot_created(in_manager.record, bot.user_json)
        update = manager.state.managed_bot_updated(in_manager.record.to_api(), bot.user_json)
        return bot, update.update_id

    # -- users -----------------------------------------------------------------------------

    def set_profile(self, profile: UserRecord) -> None:
        """Create or update a user's profile, in every bot's chat with them."""
        self._profiles[profile.id] = replace(profile, started=False, blocked=False)
        for bot in self._bound.get(profile.id, ()):
            bot._update_profile(profile)

    def profile(self, user_id: int) -> UserRecord:
        profile = self._profiles.get(user_id)
        if profile is None:
            raise LookupError(f"no user {user_id}; create it with tg.user(id, first_name)")
        return profile

    def knows_user(self, user_id: int) -> bool:
        return user_id in self._profiles

    def bound(self, user_id: int, bot: EmulatedBot) -> None:
        self._bound.setdefault(user_id, []).append(bot)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the shared webhook session; bots with a webhook start delivering."""
        # limit=0: each bot's own max_connections is the only cap, as with one bot.
        connector = aiohttp.TCPConnector(limit=0)
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=10.0)
        )
        for bot in self:
            bot.webhook.attach(self._session)

    async def stop(self) -> None:
        for bot in self:
            bot.methods.closing = True
            bot.state.updates_changed.notify()
        await asyncio.gather(*(bot.webhook.stop() for bot in self))
        if self._session is not None:
            await self._session.close()
            self._session = None
