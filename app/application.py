"""The composition root: settings → Application with handlers, service, menus and lifecycle."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import ApplicationBuilder, ContextTypes

from app.hosting import BotHost
from app.outgoing_webhooks import WebhookSender
from bot import i18n, wallet
from bot.config import Settings
from bot.context import BotContext, BotData, LoyaltyApplication, Runtime
from bot.delivery import Dispatcher
from bot.features.mybot import own_bot_changes, register_managed_bots
from bot.jobs import (
    expire_points_and_remind,
    pay_birthday_bonuses,
    send_bring_back_messages,
    send_due_summaries,
)
from bot.ratelimit import BACKGROUND_SLACK_SECONDS, CounterFirstRateLimiter
from bot.routing import MENUS, register_handlers
from bot.serving import PLATFORM, ServingBot
from bot.updates import PerChatOrderedProcessor
from domain.clock import Clock, SystemClock
from domain.db.uow import Database
from domain.service import LoyaltyService
from infra import Infrastructure
from infra.bots import TokenCipher
from infra.db.engine import create_engine
from infra.db.migrate import upgrade_to_head
from infra.telegram_http import AiohttpRequest

log = logging.getLogger(__name__)


SUMMARY_CHECK_SECONDS = 60.0
CONCURRENT_UPDATES = 32
EXPIRY_CHECK_SECONDS = 3600.0
BIRTHDAY_CHECK_SECONDS = 600.0
BRING_BACK_CHECK_SECONDS = 3600.0
MENU_RETRY_SECONDS = 300.0  # while Telegram fails setMyCommands at start-up


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    job_interval_scale: float = 1.0,
) -> LoyaltyApplication:
    """The bot, ready for polling or webhooks; the database opens in post_init.

    `job_interval_scale` shrinks the scheduled jobs' intervals for tests and the playground.
    """

    async def post_init(application: LoyaltyApplication) -> None:
        i18n.load_all()
        engine = create_engine(settings.database_url)
        await upgrade_to_head(engine)
        running_clock = clock or SystemClock()
        database = Database(engine, settings.database_url)
        infra = Infrastructure(
            database,
            running_clock,
            wallet_enabled=wallet.enabled(),
            chat_locks=CONCURRENT_UPDATES,
            outbox_lease=timedelta(seconds=settings.outbox_lease_seconds),
            messages_per_second=settings.messages_per_second,
            token_cipher=TokenCipher(settings.bot_token_key),
            api_requests_per_minute=settings.api_requests_per_minute,
        )
        budget = infra.send_budget  # None on SQLite: one process, its own budget
        limiter.share(None if budget is None else budget.of_bot(PLATFORM))
        service = LoyaltyService(database, running_clock, infra.outbox.log)
        dispatcher = Dispatcher(application)
        sender = WebhookSender(
            service.webhooks,
            running_clock,
            settings.webhook_policy,
            lease=timedelta(seconds=settings.outbox_lease_seconds),  # as the outbox's claims
        )
        if database.dialect.single_process:
            await infra.outbox.release_claims()  # held by this bot before a crash
            await service.webhooks.release_claims()
        await MENUS.register_defaults_or_retry(
            application, MENU_RETRY_SECONDS * job_interval_scale, settings.web_app_url
        )
        host = BotHost(application, settings, infra)
        host.after_change = own_bot_changes(application)
        application.bot_data.start(
            Runtime(
                settings=settings,
                clock=running_clock,
                infra=infra,
                service=service,
                menus=MENUS,
                dispatcher=dispatcher,
                webhook_sender=sender,
                bots=host,
            )
        )
        dispatcher.start()
        sender.start()
        await host.start()  # every café's own bot, served from now on
        log.info(
            "bot @%s started, serving %d café bots", application.bot.username, len(host.serving)
        )

    async def post_stop(application: LoyaltyApplication) -> None:
        runtime = application.bot_data.started
        if runtime is None:
            return
        # The batch of effects being delivered is finished, so nothing sent stays unmarked.
        await runtime.dispatcher.stop()
        await runtime.webhook_sender.stop()
        if isinstance(runtime.bots, BotHost):
            await runtime.bots.stop()

    async def post_shutdown(application: LoyaltyApplication) -> None:
        runtime = application.bot_data.started
        if runtime is not None:
            await runtime.infra.dispose()
            await runtime.service.database.dispose()

    processor = PerChatOrderedProcessor(CONCURRENT_UPDATES)
    limiter = CounterFirstRateLimiter(
        settings.messages_per_second, background_slack=BACKGROUND_SLACK_SECONDS, max_retries=3
    )
    platform = ServingBot(
        settings.token,
        key=PLATFORM,
        merchant_id=None,
        base_url=settings.api_base_url,
        base_file_url=settings.api_file_url,
        # aiohttp, not PTB's httpx: about a third of the CPU per call (docs/performance.md).
        request=AiohttpRequest(connection_pool_size=256),
        get_updates_request=AiohttpRequest(connection_pool_size=1, read_timeout=20.0),
        rate_limiter=limiter,
    )
    application: LoyaltyApplication = (
        ApplicationBuilder()
        .bot(platform)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .concurrent_updates(processor)
        .updater(None)  # bot.updates.DurablePoller (polling) or the webhook app feed updates
        .build()
    )
    processor.bind(application)
    register_handlers(application)
    register_managed_bots(application)
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
    jobs.run_repeating(
        pay_birthday_bonuses,
        interval=BIRTHDAY_CHECK_SECONDS * job_interval_scale,
        first=7 * job_interval_scale,
    )
    jobs.run_repeating(
        send_bring_back_messages,
        interval=BRING_BACK_CHECK_SECONDS * job_interval_scale,
        first=7 * job_interval_scale,
    )
    return application
