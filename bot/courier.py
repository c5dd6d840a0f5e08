"""What an effect's renderer needs to send it: the service to read what happened, the person's
language, and the bot that speaks for the café, with what a café bot's refusal means.

The outbox's dispatcher (bot/delivery.py) owns claiming, leases and retries; each feature owns
the words of its effects and renders them through a Courier. The exceptions below are how a
renderer tells the dispatcher what became of a message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup
from telegram.error import Forbidden, InvalidToken

from bot.context import LoyaltyApplication
from bot.i18n import Translator, choose_language, translator
from bot.ratelimit import SendPriority
from bot.serving import BotPaused, Bots, ServingBot
from domain.model import Recipient
from domain.service import LoyaltyService
from infra import Infrastructure
from infra.bots import current_bot


class Undeliverable(Exception):
    """The effect can never be delivered (its recipient erased their data, say)."""


class NoLongerWanted(Exception):
    """The recipient turned these messages off after the effect was queued."""


class ThroughPlatformNext(Exception):
    """The person blocked the café's bot: the next try goes through the platform bot."""


class Courier:
    def __init__(self, application: LoyaltyApplication) -> None:
        self._application = application

    @property
    def service(self) -> LoyaltyService:
        return self._application.bot_data.runtime.service

    @property
    def infra(self) -> Infrastructure:
        return self._application.bot_data.runtime.infra

    @property
    def bots(self) -> Bots:
        return self._application.bot_data.runtime.bots

    def language_of(self, recipient: Recipient, merchant_language: str | None) -> Translator:
        settings = self._application.bot_data.runtime.settings
        return translator(
            choose_language(
                recipient.language,
                recipient.telegram_language,
                merchant_language,
                settings.default_language,
            )
        )

    async def owner_language(self, owner_user_id: int, merchant_language: str) -> Translator:
        """The language an owner reads their café's news in."""
        owner = await self.service.staff.identity(owner_user_id)
        recipient = Recipient(owner.user_id, owner.language, owner.telegram_language, True)
        return self.language_of(recipient, merchant_language)

    async def sender(self, merchant_id: int | None, user_id: int) -> ServingBot:
        """The café's own bot once the person started it, else the platform bot."""
        return await self.bots.sender_for(merchant_id, user_id)

    async def through(
        self,
        sender: ServingBot,
        user_id: int,
        send: Callable[[ServingBot], Awaitable[object]],
    ) -> None:
        """Send through `sender`; what a café bot's refusal means is decided here: blocked →
        the platform bot next time; token refused → the bot is paused and the message waits."""
        chat = current_bot.set(sender.key)
        try:
            await send(sender)
        except Forbidden:
            if sender.is_platform:
                raise
            await self.infra.bots.forget_started(sender.key, user_id)
            raise ThroughPlatformNext() from None
        except InvalidToken:
            if sender.is_platform:
                raise
            await self.bots.paused(sender)
            raise BotPaused(sender.username) from None
        finally:
            current_bot.reset(chat)

    async def message(
        self,
        merchant_id: int | None,
        user_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        sender: ServingBot | None = None,
    ) -> None:
        """A background message to a person about a café, through the bot that speaks for it."""
        chosen = sender or await self.sender(merchant_id, user_id)
        await self.through(
            chosen,
            user_id,
            # The counter's replies go first.
            lambda bot: bot.say(user_id, text, markup, priority=SendPriority.BACKGROUND),
        )
