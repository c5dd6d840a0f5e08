"""The typed callback context: handlers reach the service, infrastructure and settings through
properties. Nothing about a conversation is kept here: pending steps live in the database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.i18n import Translator
from bot.links import LinkKind, deep_link
from bot.ratelimit import SendPriority
from bot.serving import Bots, ServingBot
from domain.clock import Clock
from domain.service import LoyaltyService
from infra import Infrastructure

if TYPE_CHECKING:
    from bot.menus import Menus


class EffectDelivery(Protocol):
    """The outbox's dispatcher as the rest of the bot knows it (bot/delivery.py; made by the
    composition root): told when effects were recorded, stopped at shutdown."""

    def wake(self) -> None: ...

    async def stop(self) -> None: ...


class BackgroundLoop(Protocol):
    """A worker's loop that runs beside the bot (the webhooks' sender, app/outgoing_webhooks.py):
    started in post_init, stopped at shutdown."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...


class BotData:
    """Application-wide objects, created in post_init and closed in post_shutdown."""

    def __init__(self) -> None:
        self.service: LoyaltyService | None = None
        self.infra: Infrastructure | None = None
        self.settings: Settings | None = None
        self.clock: Clock | None = None
        self.menus: Menus | None = None
        self.dispatcher: EffectDelivery | None = None
        self.webhook_sender: BackgroundLoop | None = None
        self.bots: Bots | None = None  # every bot this worker serves (app/hosting.py)
        # Updates refused or set aside because they could not be read (reported by /healthz).
        self.poison_updates = 0


# The application as the rest of the bot sees it (defined here, beside its BotData, so that
# modules below the composition root need not import app.application).
LoyaltyApplication = Application[Any, "BotContext", Any, Any, BotData, Any]


class ChatMenus:
    """A person's command menu, refreshed after their role or language changed."""

    def __init__(self, context: BotContext) -> None:
        self._context = context

    async def refresh(self, chat_id: int, user_id: int, t: Translator) -> None:
        menus = self._context.bot_data.menus
        assert menus is not None
        identity = await self._context.service.staff.identity(user_id)
        web_app_url = self._context.settings.web_app_url
        await menus.refresh(self._context.bot, chat_id, identity, t, web_app_url)


class BotContext(CallbackContext[ExtBot[SendPriority], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed access to what the handlers need."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._serving: ServingBot | None = None

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> BotContext:
        """The context answers through the bot the update came through (a café's own bot or
        the platform bot), whose bot object the update carries."""
        context = super().from_update(update, application)
        if isinstance(update, Update):
            try:
                carried = update.get_bot()
            except RuntimeError:  # an update made without a bot (tests): the platform's
                carried = None
            if isinstance(carried, ServingBot):
                context._serving = carried
        return context

    @property
    def bot(self) -> ServingBot:
        if self._serving is not None:
            return self._serving
        bot = self.application.bot
        assert isinstance(bot, ServingBot)  # app/application.py builds it so
        return bot

    @property
    def bots(self) -> Bots:
        bots = self.bot_data.bots
        assert bots is not None  # set in post_init, before any update
        return bots

    @property
    def service(self) -> LoyaltyService:
        service = self.bot_data.service
        if service is None:
            raise RuntimeError("the service is created in post_init; no update arrives before")
        return service

    @property
    def infra(self) -> Infrastructure:
        infra = self.bot_data.infra
        assert infra is not None  # created with the service
        return infra

    @property
    def settings(self) -> Settings:
        settings = self.bot_data.settings
        assert settings is not None
        return settings

    @property
    def menus(self) -> ChatMenus:
        return ChatMenus(self)

    def link(self, kind: LinkKind, value: str, merchant_id: int | None) -> str:
        """A deep link of this café: through its own bot when it has one, else the platform's."""
        return deep_link(self.bots.username_for(merchant_id), kind, value)
