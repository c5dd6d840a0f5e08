"""The typed callback context: handlers reach the service and settings through properties."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.notices import NoticeBook
from bot.ratelimit import SendPriority
from domain.clock import Clock
from domain.service import LoyaltyService


class BotData:
    """Application-wide objects, created in post_init and closed in post_shutdown."""

    def __init__(self) -> None:
        self.service: LoyaltyService | None = None
        self.settings: Settings | None = None
        self.clock: Clock | None = None
        self.notices = NoticeBook()
        # Updates refused or set aside because they could not be read (reported by /healthz).
        self.poison_updates = 0


class BotContext(CallbackContext[ExtBot[SendPriority], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed access to what the handlers need."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def service(self) -> LoyaltyService:
        service = self.bot_data.service
        if service is None:
            raise RuntimeError("the service is created in post_init; no update arrives before")
        return service

    @property
    def settings(self) -> Settings:
        settings = self.bot_data.settings
        assert settings is not None
        return settings

    @property
    def chat_state(self) -> dict[Any, Any]:
        """Per-chat scratch state of a flow (e.g. an amount being asked for); in memory only."""
        state = self.chat_data
        assert state is not None  # every update the bot handles comes from a chat
        return state

    def link(self, payload: str) -> str:
        """A deep link that opens this bot with /start <payload>."""
        return f"https://t.me/{self.bot.username}?start={payload}"
