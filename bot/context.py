"""The typed callback context: handlers reach the service, infrastructure and settings through
properties. Nothing about a conversation is kept here: pending steps live in the database."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Runtime:
    """What a worker serves updates with, made once in post_init (app/application.py) before
    the first update and closed in post_shutdown: nothing in it is ever missing."""

    settings: Settings
    clock: Clock
    infra: Infrastructure
    service: LoyaltyService
    menus: Menus
    dispatcher: EffectDelivery
    webhook_sender: BackgroundLoop
    bots: Bots  # every bot this worker serves (app/hosting.py)


class BotData:
    """The application's data: its runtime once started, and what /healthz reports."""

    def __init__(self) -> None:
        self._runtime: Runtime | None = None
        # Updates refused or set aside because they could not be read (reported by /healthz).
        self.poison_updates = 0

    def start(self, runtime: Runtime) -> None:
        self._runtime = runtime

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            raise RuntimeError("the runtime is made in post_init; no update arrives before")
        return self._runtime

    @property
    def started(self) -> Runtime | None:
        """The runtime, or None before post_init finished (start-up that failed, shutdown)."""
        return self._runtime


# The application as the rest of the bot sees it (defined here, beside its BotData, so that
# modules below the composition root need not import app.application).
LoyaltyApplication = Application[Any, "BotContext", Any, Any, BotData, Any]


class ChatMenus:
    """A person's command menu, refreshed after their role or language changed."""

    def __init__(self, context: BotContext) -> None:
        self._context = context

    async def refresh(self, chat_id: int, user_id: int, t: Translator) -> None:
        menus = self._context.bot_data.runtime.menus
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
        return self.bot_data.runtime.bots

    @property
    def service(self) -> LoyaltyService:
        return self.bot_data.runtime.service

    @property
    def infra(self) -> Infrastructure:
        return self.bot_data.runtime.infra

    @property
    def settings(self) -> Settings:
        return self.bot_data.runtime.settings

    @property
    def menus(self) -> ChatMenus:
        return ChatMenus(self)

    def link(self, kind: LinkKind, value: str, merchant_id: int | None) -> str:
        """A deep link of this café: through its own bot when it has one, else the platform's."""
        return deep_link(self.bots.username_for(merchant_id), kind, value)
