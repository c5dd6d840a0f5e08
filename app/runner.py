"""Running modes: long polling and migrations (webhooks come with the deployment work)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from telegram.error import InvalidToken

from app.application import build_application
from app.hosting import BotHost
from app.memory import settle_after_start
from bot.config import Settings
from bot.context import LoyaltyApplication
from bot.logs import configure_logging
from bot.serving import ServingBot
from bot.updates import DurablePoller
from infra.db.backup import BackupRefused, backup_sqlite
from infra.db.engine import create_engine
from infra.db.migrate import upgrade_to_head
from infra.db.preflight import DatabaseUnavailable, check_database

log = logging.getLogger(__name__)


# Exit status when Telegram refuses the bot token: a supervisor sees the bot is not working.
EXIT_TOKEN_REFUSED = 3


@asynccontextmanager
async def running(application: LoyaltyApplication) -> AsyncIterator[DurablePoller]:
    """Run the bot with durable long polling inside an already running event loop.

    The lifecycle is PTB's (initialize → post_init → start, and the reverse), with the
    DurablePoller in place of PTB's Updater; tests, the playground and `run_polling` share it.
    """
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    poller = DurablePoller(application)
    await application.start()
    await poller.start()
    cafe_pollers = CafePollers(application)
    await cafe_pollers.start()
    try:
        yield poller
    finally:
        await cafe_pollers.stop()
        await poller.stop()
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


class CafePollers:
    """One long poll per café bot this worker serves, started and stopped with the host."""

    def __init__(self, application: LoyaltyApplication) -> None:
        self._application = application
        self._pollers: dict[int, DurablePoller] = {}
        self._pausing: set[asyncio.Task[None]] = set()
        self._started = False

    async def start(self) -> None:
        host = self._application.bot_data.runtime.bots
        assert isinstance(host, BotHost)
        host.listen(serving=self._serve, leaving=self._leave)
        for bot in host.serving:
            await self._serve(bot)
        self._started = True

    async def stop(self) -> None:
        for key in list(self._pollers):
            await self._pollers.pop(key).stop()

    async def _serve(self, bot: ServingBot) -> None:
        if bot.key in self._pollers:
            return
        poller = DurablePoller(
            self._application,
            bot,
            on_refused=lambda: self._pause(bot),
            requeue=not self._started,  # see DurablePoller: only at the process's start
        )
        self._pollers[bot.key] = poller
        await poller.start()

    def _pause(self, bot: ServingBot) -> None:
        # Called from the poller's own task, which the pause stops: hand it to another task.
        host = self._application.bot_data.runtime.bots
        assert isinstance(host, BotHost)
        task = asyncio.create_task(host.paused(bot))
        self._pausing.add(task)
        task.add_done_callback(self._pausing.discard)

    async def _leave(self, bot: ServingBot) -> None:
        poller = self._pollers.pop(bot.key, None)
        if poller is not None:
            await poller.stop()


def _configure_logging(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)


def run_polling(settings: Settings) -> int:
    """Poll until SIGINT or SIGTERM; in-flight updates finish before the process exits.

    Exits with EXIT_TOKEN_REFUSED when Telegram refuses the token, at start or later: a bot
    that can no longer poll must not look alive to its supervisor.
    """
    _configure_logging(settings)

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        application = build_application(settings, job_interval_scale=settings.job_interval_scale)
        try:
            async with running(application) as poller, web_app_server(application, settings):
                settle_after_start()
                await _first_of(stop.wait(), poller.wait())
        except InvalidToken:
            log.critical("Telegram refused the bot token (TELEGRAM_BOT_TOKEN); stopping")
            return EXIT_TOKEN_REFUSED
        return 0 if stop.is_set() else EXIT_TOKEN_REFUSED

    return asyncio.run(main())


@asynccontextmanager
async def web_app_server(
    application: LoyaltyApplication, settings: Settings, *, host: str = "0.0.0.0"
) -> AsyncIterator[None]:
    """In polling mode, the Mini App's web server on PORT, only when WEB_APP_URL is set; the
    API for tills is served beside it, as on the webhook's server."""
    if settings.web_app_url is None:
        yield
        return
    import uvicorn
    from starlette.applications import Starlette

    from api import mount_for as mount_api
    from webapp import config_of
    from webapp import mount_for as mount_web_app

    routes = [mount_web_app(application, config_of(settings)), mount_api(application)]
    config = uvicorn.Config(
        Starlette(routes=routes),
        host=host,
        port=settings.port,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # serving before the bot says it is up
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        await task


async def _first_of(*waits: Coroutine[Any, Any, object]) -> None:
    """Wait until one of `waits` has finished; cancel the others."""
    tasks = [asyncio.create_task(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


def database_problem(settings: Settings) -> str | None:
    """One line naming what is wrong with DATABASE_URL, or None when a connection works.

    Checked before start-up so that a wrong URL stops the process with that line and exit
    status 2 (a supervisor does not restart on it), not with a traceback.
    """
    try:
        asyncio.run(check_database(settings.database_url))
    except DatabaseUnavailable as problem:
        return f"DATABASE_URL: {problem}"
    return None


def migrate(settings: Settings) -> int:
    _configure_logging(settings)

    async def upgrade() -> None:
        engine = create_engine(settings.database_url)
        try:
            await upgrade_to_head(engine)
        finally:
            await engine.dispose()

    asyncio.run(upgrade())
    log.info("database is up to date")
    return 0


def backup(settings: Settings, destination: str) -> int:
    """An online copy of the SQLite database, safe while the bot runs."""
    try:
        copied = backup_sqlite(settings.database_url, destination)
    except BackupRefused as refusal:
        print(refusal)
        return 2
    print(f"backed up {copied} to {destination}")
    return 0


def rekey(settings: Settings) -> int:
    """Every café bot's token under the first key of BOT_TOKEN_KEY (the others may then go)."""
    _configure_logging(settings)
    if not settings.bot_token_key:
        print("BOT_TOKEN_KEY is not set: there is nothing to re-encrypt with", file=sys.stderr)
        return 2

    async def reencrypt() -> int:
        from domain.clock import SystemClock
        from domain.db.uow import Database
        from infra.bots import BotRegistry, TokenCipher

        engine = create_engine(settings.database_url)
        try:
            await upgrade_to_head(engine)
            registry = BotRegistry(
                Database(engine, settings.database_url),
                SystemClock(),
                TokenCipher(settings.bot_token_key),
            )
            return await registry.reencrypt_all()
        finally:
            await engine.dispose()

    count = asyncio.run(reencrypt())
    print(f"re-encrypted {count} café bot token(s) under the first key")
    return 0
