"""Hosting many bots in one worker: the platform bot and every café's own bot.

One PTB Application (one set of handlers, one job queue, one update processor) serves them all;
each update carries the bot it came through, and the handlers answer through that bot (see
bot/context.py). A café's bot costs one ExtBot and its rate limiter, which share this worker's
HTTP connection pools: no getMe at start-up (its identity is in the registry), no task while it
is idle. Why one Application and not one per bot: the figures are in the README ("Many bots").

The set of bots is data: `hosted_bots` in the database. Every worker compares the rows'
versions with what it serves every few seconds (and at once for an update of a bot it does not
know), so a bot added, re-tokened, paused or turned off on one worker is served, re-tokened or
dropped by all of them without a restart. Transports (long polling, webhook routes) listen to
the host: `on_serving` when a bot starts being served, `on_leaving` when it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import User

from bot.config import Settings
from bot.context import LoyaltyApplication
from bot.ratelimit import BACKGROUND_SLACK_SECONDS, CounterFirstRateLimiter
from bot.serving import BotPaused, ServingBot
from infra import Infrastructure
from infra.bots import BotState, HostedBotRecord
from infra.telegram_http import AiohttpRequest

log = logging.getLogger(__name__)

SYNC_SECONDS = 2.0  # how soon a bot added or changed on another worker is served here
PAUSED_RETRY_SECONDS = 60.0  # how often a message waiting for a paused bot looks again

Listener = Callable[[ServingBot], Awaitable[None]]


class BotHost:
    """The bots this worker serves, kept in step with `hosted_bots`."""

    def __init__(
        self, application: LoyaltyApplication, settings: Settings, infra: Infrastructure
    ) -> None:
        platform = application.bot
        assert isinstance(platform, ServingBot)
        self._platform = platform
        self._settings = settings
        self._infra = infra
        self._serving: dict[int, ServingBot] = {}  # café bots by Telegram id
        self._records: dict[int, HostedBotRecord] = {}
        self._by_merchant: dict[int, int] = {}  # café → its bot's id, whatever its state
        # One pool for all café bots' calls, one for their long polls: sockets, not bots.
        self._requests = AiohttpRequest(connection_pool_size=256)
        self._poll_requests = AiohttpRequest(connection_pool_size=64, read_timeout=20.0)
        self._on_serving: list[Listener] = []
        self._on_leaving: list[Listener] = []
        self._sync_task: asyncio.Task[None] | None = None
        self._sync_lock = asyncio.Lock()
        self._pausing: set[asyncio.Task[None]] = set()
        # What follows a change, on whichever worker sees it (bot/features/mybot.py).
        self.after_change: (
            Callable[[HostedBotRecord | None, HostedBotRecord], Awaitable[None]] | None
        ) = None

    # --- what the rest of the bot asks (bot.serving.Bots) ------------------------------------

    @property
    def platform(self) -> ServingBot:
        return self._platform

    def served(self, bot_id: int) -> ServingBot | None:
        return self._serving.get(bot_id)

    @property
    def serving(self) -> list[ServingBot]:
        return list(self._serving.values())

    def record(self, bot_id: int) -> HostedBotRecord | None:
        """The row this worker last read for a café bot."""
        return self._records.get(bot_id)

    def record_of(self, merchant_id: int) -> HostedBotRecord | None:
        bot_id = self._by_merchant.get(merchant_id)
        return None if bot_id is None else self._records.get(bot_id)

    def own_bot_of(self, merchant_id: int) -> ServingBot | None:
        bot_id = self._by_merchant.get(merchant_id)
        return None if bot_id is None else self._serving.get(bot_id)

    def username_for(self, merchant_id: int | None) -> str:
        if merchant_id is not None:
            record = self.record_of(merchant_id)
            if record is not None and record.state is not BotState.OFF:
                return record.username  # paused too: its links stay the café's
        return self._platform.username

    async def sender_for(self, merchant_id: int | None, user_id: int) -> ServingBot:
        if merchant_id is None:
            return self._platform
        record = self.record_of(merchant_id)
        if record is None or record.state is BotState.OFF:
            return self._platform
        if user_id not in await self._infra.bots.started(record.id, [user_id]):
            return self._platform  # Telegram refuses a bot's first message to someone
        served = self._serving.get(record.id)
        if served is None:
            raise BotPaused(record.username)
        return served

    async def paused(self, bot: ServingBot) -> None:
        """Telegram refused the token (401): stop serving it here and everywhere; the owner
        is told once (by the worker whose change it was)."""
        if bot.is_platform:
            return
        # Only the token refused: another worker may have stored a new one meanwhile.
        changed = await self._infra.bots.set_state(
            bot.key, BotState.PAUSED, unless=BotState.OFF, token=bot.token
        )
        await self.refresh(bot.key)
        if changed:
            log.warning("Telegram refused the token of café bot %s: paused", bot.key)

    async def _token_refused(self, bot: ServingBot) -> bool:
        """Telegram refused a café bot's token: if the database has a newer one (another
        worker rotated it a moment ago), serve with it now and say so; else pause the bot."""
        record = await self._infra.bots.get(bot.key)
        if (
            record is not None
            and record.state is BotState.ACTIVE
            and record.token
            and record.token != bot.token
        ):
            bot.retoken(record.token)
            return True
        # Not awaited here: pausing stops this bot's limiter, which this request is inside.
        task = asyncio.create_task(self.paused(bot))
        self._pausing.add(task)
        task.add_done_callback(self._pausing.discard)
        return False

    # --- lifecycle ---------------------------------------------------------------------------

    def listen(self, *, serving: Listener, leaving: Listener) -> None:
        self._on_serving.append(serving)
        self._on_leaving.append(leaving)

    async def start(self) -> None:
        await self._requests.initialize()
        await self._poll_requests.initialize()
        await self.sync()
        self._sync_task = asyncio.create_task(self._sync_forever())

    async def stop(self) -> None:
        if self._sync_task is not None:
            self._sync_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sync_task
            self._sync_task = None
        for bot_id in list(self._serving):
            await self._leave(bot_id)
        await self._requests.shutdown()
        await self._poll_requests.shutdown()

    async def _sync_forever(self) -> None:
        while True:
            await asyncio.sleep(SYNC_SECONDS)
            try:
                await self.sync()
            except Exception:
                log.exception("could not compare the hosted bots with the database; will retry")

    async def sync(self) -> None:
        """Serve what the database says, for every bot whose version changed."""
        async with self._sync_lock:
            versions = await self._infra.bots.versions()
            changed = [
                bot_id
                for bot_id, version in versions.items()
                if bot_id not in self._records or self._records[bot_id].version != version
            ]
            gone = [bot_id for bot_id in self._records if bot_id not in versions]
            for bot_id in gone:
                await self._apply(bot_id, None)
            records = await self._infra.bots.many(changed)  # one read, not one per bot
            for bot_id in changed:
                await self._apply(bot_id, records.get(bot_id))

    async def refresh(self, bot_id: int) -> ServingBot | None:
        """Look at one bot now (an update arrived for a bot this worker does not serve yet,
        or this worker just changed it)."""
        async with self._sync_lock:
            await self._apply(bot_id, await self._infra.bots.get(bot_id))
        return self._serving.get(bot_id)

    async def _apply(self, bot_id: int, record: HostedBotRecord | None) -> None:
        previous = self._records.pop(bot_id, None)
        if previous is not None and self._by_merchant.get(previous.merchant_id) == bot_id:
            del self._by_merchant[previous.merchant_id]
        if record is None:
            await self._leave(bot_id)
            return
        self._records[bot_id] = record
        self._by_merchant[record.merchant_id] = bot_id
        wanted = record.state is BotState.ACTIVE and bool(record.token)
        current = self._serving.get(bot_id)
        if current is not None and not wanted:
            await self._leave(bot_id)
        elif current is not None and record.token and current.token != record.token:
            current.retoken(record.token)  # in place: what is under way goes on with it
            for listener in self._on_serving:  # a new token needs its webhook again
                await listener(current)
        elif wanted and current is None:
            await self._serve(record)
        if self.after_change is not None and previous != record:
            try:
                await self.after_change(previous, record)
            except Exception:
                log.exception("what follows a change of café bot %s failed", bot_id)

    async def _serve(self, record: HostedBotRecord) -> None:
        assert record.token is not None
        limiter = CounterFirstRateLimiter(
            self._settings.messages_per_second,
            background_slack=BACKGROUND_SLACK_SECONDS,
            max_retries=3,
        )
        budget = self._infra.send_budget
        limiter.share(None if budget is None else budget.of_bot(record.id))
        bot = ServingBot(
            record.token,
            key=record.id,
            merchant_id=record.merchant_id,
            base_url=self._settings.api_base_url,
            base_file_url=self._settings.api_file_url,
            request=self._requests,
            get_updates_request=self._poll_requests,
            rate_limiter=limiter,
            identity=User(record.id, record.name, is_bot=True, username=record.username),
        )
        bot.when_refused(self._token_refused)
        await bot.initialize()
        self._serving[record.id] = bot
        for listener in self._on_serving:
            await listener(bot)

    async def _leave(self, bot_id: int) -> None:
        bot = self._serving.pop(bot_id, None)
        if bot is None:
            return
        for listener in self._on_leaving:
            try:
                await listener(bot)
            except Exception:
                log.exception("a transport failed to let go of café bot %s", bot_id)
        if bot.rate_limiter is not None:
            await bot.rate_limiter.shutdown()  # the shared HTTP pools stay open for the others
