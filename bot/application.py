"""The composition root: settings → Application with handlers, service, menus and lifecycle."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot import i18n
from bot.config import Settings
from bot.context import BotContext, BotData
from bot.handlers import register_handlers
from bot.menus import register_default_menus
from domain.clock import Clock, SystemClock
from domain.db.engine import create_engine
from domain.db.migrate import upgrade_to_head
from domain.db.uow import Database
from domain.service import LoyaltyService

log = logging.getLogger(__name__)

LoyaltyApplication = Application[Any, BotContext, Any, Any, BotData, Any]


def build_application(settings: Settings, *, clock: Clock | None = None) -> LoyaltyApplication:
    """The bot, ready for polling or webhooks; the database opens in post_init."""

    async def post_init(application: LoyaltyApplication) -> None:
        i18n.load_all()
        engine = create_engine(settings.database_url)
        await upgrade_to_head(engine)
        data = application.bot_data
        data.settings = settings
        data.clock = clock or SystemClock()
        data.service = LoyaltyService(Database(engine), data.clock)
        await register_default_menus(application.bot)
        log.info("bot @%s started", application.bot.username)

    async def post_shutdown(application: LoyaltyApplication) -> None:
        service = application.bot_data.service
        if service is not None:
            await service.database.dispose()

    application: LoyaltyApplication = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    register_handlers(application)
    return application
