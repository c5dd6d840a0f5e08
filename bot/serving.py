"""The bots the platform serves, as the Telegram layer sees them.

`ServingBot` is an ExtBot that knows whom it serves: the platform bot (key 0, every café) or
one café's own bot (key = its Telegram id, `merchant_id` set). An update carries the bot it
came through (`Update.get_bot()`), so replies, links and the café's scope follow from it.

`Bots` is what handlers, the dispatcher and the Mini App ask of the set of hosted bots; the
composition root (app/hosting.py) keeps that set in step with the database on every worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from telegram import ForceReply, InlineKeyboardMarkup, User
from telegram.constants import ParseMode
from telegram.error import InvalidToken
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.request import BaseRequest

from bot.ratelimit import SendPriority
from infra.bots import HostedBotRecord

PLATFORM = 0


class ServingBot(ExtBot[SendPriority]):
    """A bot of the platform; `merchant_id` is None for the platform bot."""

    __slots__ = ("_known_identity", "key", "merchant_id", "on_refused")

    def __init__(
        self,
        token: str,
        *,
        key: int,
        merchant_id: int | None,
        base_url: str,
        base_file_url: str,
        request: BaseRequest | None = None,
        get_updates_request: BaseRequest | None = None,
        rate_limiter: BaseRateLimiter[SendPriority] | None = None,
        identity: User | None = None,
    ) -> None:
        super().__init__(
            token,
            base_url=base_url,
            base_file_url=base_file_url,
            request=request,
            get_updates_request=get_updates_request,
            rate_limiter=rate_limiter,
        )
        with self._unfrozen():
            self.key = key
            self.merchant_id = merchant_id
            self._known_identity = identity
            # Asked when Telegram refuses the token (401): True if a newer token was found (the
            # request is then sent again with it), False if the bot is to be paused.
            self.on_refused: Callable[[ServingBot], Awaitable[bool]] | None = None

    def when_refused(self, callback: Callable[[ServingBot], Awaitable[bool]]) -> None:
        with self._unfrozen():
            self.on_refused = callback

    def retoken(self, token: str) -> None:
        """Serve with a new token from now on, in place: updates being handled, the long poll
        and replies under way all use it for their next request."""
        old = self.token
        with self._unfrozen():
            self._token = token
            self._base_url = self._base_url.removesuffix(old) + token
            self._base_file_url = self._base_file_url.removesuffix(old) + token

    async def _do_post(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super()._do_post(*args, **kwargs)
        except InvalidToken:
            # Another worker may have stored a new token a moment ago: look, then try again.
            if self.on_refused is None or not await self.on_refused(self):
                raise
            return await super()._do_post(*args, **kwargs)

    async def say(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | ForceReply | None = None,
        *,
        priority: SendPriority | None = None,
    ) -> int:
        """sendMessage with HTML text, for a sender that needs no more of the sent message than
        its id: Telegram's answer is not made into a Message (with its chat, its sender and its
        keyboard, about 100 µs of PTB's objects for every reply and notice). What is sent, the
        defaults, the rate limiter (`priority` as send_message's `rate_limit_args`) and the
        errors raised are send_message's: it goes through the same `_post`."""
        data: dict[str, object] = {
            "chat_id": chat_id,
            "text": text,
            "parse_mode": ParseMode.HTML,
            "reply_markup": markup,
        }
        sent = await self._post(
            "sendMessage", data, api_kwargs=self._merge_api_rl_kwargs(None, priority)
        )
        return int(sent["message_id"])

    @property
    def is_platform(self) -> bool:
        return self.merchant_id is None

    async def initialize(self) -> None:
        """Without a getMe when the bot's identity is known (a café bot from the registry):
        a worker that starts with a thousand café bots must not ask Telegram a thousand times."""
        if self._known_identity is None:
            await super().initialize()
            return
        if self.rate_limiter:
            await self.rate_limiter.initialize()
        if not self._requests_initialized:
            await asyncio.gather(self._request[0].initialize(), self._request[1].initialize())
            self._requests_initialized = True
        self._bot_user = self._known_identity
        self._bot_initialized = True


def serving_bot_of(bot: object) -> ServingBot | None:
    return bot if isinstance(bot, ServingBot) else None


class BotPaused(Exception):
    """The café's bot may not send now (Telegram refused its token); try again later."""


class Bots(Protocol):
    """The hosted bots of this worker, kept in step with the database."""

    @property
    def platform(self) -> ServingBot: ...

    def username_for(self, merchant_id: int | None) -> str:
        """The username of the bot that speaks for this café: its own bot while that is
        active, else the platform bot."""
        ...

    def served(self, bot_id: int) -> ServingBot | None:
        """A café's bot this worker serves now, by its Telegram id."""
        ...

    def own_bot_of(self, merchant_id: int) -> ServingBot | None:
        """The café's own bot, when it is served now."""
        ...

    def record_of(self, merchant_id: int) -> HostedBotRecord | None:
        """The row this worker last read of the café's own bot, if it has one."""
        ...

    async def sender_for(self, merchant_id: int | None, user_id: int) -> ServingBot:
        """The bot that writes to this person about this café: its own bot once they have
        started it, else the platform bot. Raises BotPaused while the café's bot waits for a
        new token and the person only knows it."""
        ...

    async def refresh(self, bot_id: int) -> ServingBot | None:
        """Serve what the database says of this bot now (this worker just changed it)."""
        ...

    async def paused(self, bot: ServingBot) -> None:
        """Telegram refused this bot's token."""
        ...
