"""The composition root: settings → Application with handlers, service, menus and lifecycle."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot import i18n
from bot.config import Settings
from bot.context import BotContext, BotData
from bot.handlers import register_handlers
from bot.jobs import expire_points_and_remind, send_due_summaries
from bot.menus import register_default_menus_or_retry
from bot.ratelimit import BACKGROUND_SLACK_SECONDS, CounterFirstRateLimiter
from bot.updates import PerChatOrderedProcessor
from domain.clock import Clock, SystemClock
from domain.db.engine import create_engine
from domain.db.migrate import upgrade_to_head
from domain.db.uow import Database
from domain.service import LoyaltyService

log = logging.getLogger(__name__)

LoyaltyApplication = Application[Any, BotContext, Any, Any, BotData, Any]


SUMMARY_CHECK_SECONDS = 60.0
CONCURRENT_UPDATES = 32
EXPIRY_CHECK_SECONDS = 3600.0
MENU_RETRY_SECONDS = 300.0  # while Telegram fails setMyCommands at start-up


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    job_interval_scale: float = 1.0,
    notices_may_wait: bool = True,
) -> LoyaltyApplication:
    """The bot, ready for polling or webhooks; the database opens in post_init.

    `job_interval_scale` shrinks the scheduled jobs' intervals for tests and the playground.
    `notices_may_wait`: customers' notices give way to replies for up to a minute. Webhook
    mode turns it off: there Telegram's request is answered only once the update's notice has
    gone out (that is what makes it safe from a crash), and holding Telegram's connections for
    a minute would hold back the next updates.
    """

    async def post_init(application: LoyaltyApplication) -> None:
        i18n.load_all()
        engine = create_engine(settings.database_url)
        await upgrade_to_head(engine)
        data = application.bot_data
        data.settings = settings
        data.clock = clock or SystemClock()
        data.service = LoyaltyService(Database(engine), data.clock)
        await register_default_menus_or_retry(application, MENU_RETRY_SECONDS * job_interval_scale)
        log.info("bot @%s started", application.bot.username)

    async def post_stop(application: LoyaltyApplication) -> None:
        # Customers' notices still queued go out while the bot can still send.
        await processor.drain()

    async def post_shutdown(application: LoyaltyApplication) -> None:
        service = application.bot_data.service
        if service is not None:
            await service.database.dispose()

    processor = PerChatOrderedProcessor(CONCURRENT_UPDATES)
    application: LoyaltyApplication = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .rate_limiter(
            CounterFirstRateLimiter(
                settings.messages_per_second,
                background_slack=BACKGROUND_SLACK_SECONDS if notices_may_wait else 0.0,
                max_retries=3,
            )
        )
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .concurrent_updates(processor)
        .updater(None)  # bot.updates.DurablePoller (polling) or the webhook app feed updates
        .build()
    )
    processor.bind(application)
    register_handlers(application)
    jobs = application.job_queue
    assert jobs is not None  # the job-queue extra is a dependency
    # Both jobs run right after start-up too, which is how missed summaries go out.
    jobs.run_repeating(
        send_due_summaries, interval=SUMMARY_CHECK_SECONDS * job_interval_scale, first=0.5
    )
    jobs.run_repeating(
        expire_points_and_remind,
        interval=EXPIRY_CHECK_SECONDS * job_interval_scale,
        first=5 * job_interval_scale,
    )
    return application
