"""Running modes: long polling and migrations (webhooks come with the deployment work)."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot.application import build_application
from bot.config import Settings
from domain.db.engine import create_engine
from domain.db.migrate import upgrade_to_head


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, and those contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def run_polling(settings: Settings) -> int:
    _configure_logging(settings)
    application = build_application(settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def migrate(settings: Settings) -> int:
    _configure_logging(settings)

    async def upgrade() -> None:
        engine = create_engine(settings.database_url)
        try:
            await upgrade_to_head(engine)
        finally:
            await engine.dispose()

    asyncio.run(upgrade())
    logging.getLogger(__name__).info("database is up to date")
    return 0
