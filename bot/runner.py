"""Running modes: long polling and migrations (webhooks come with the deployment work)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update

from bot.application import LoyaltyApplication, build_application
from bot.config import Settings
from domain.db.engine import create_engine
from domain.db.migrate import upgrade_to_head


@asynccontextmanager
async def running(
    application: LoyaltyApplication, *, poll_interval: float = 0.0
) -> AsyncIterator[None]:
    """Run the application's long polling inside an already running event loop.

    `Application.run_polling` owns the loop and blocks; tests, the playground and benchmarks
    need the same lifecycle (initialize → post_init → polling → start, and the reverse) as a
    context manager instead.
    """
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=poll_interval, timeout=10, allowed_updates=Update.ALL_TYPES
    )
    await application.start()
    try:
        yield
    finally:
        await application.updater.stop()
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


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
