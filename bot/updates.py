"""How updates come in: stored before they are confirmed, handled concurrently across chats and
one at a time within each chat (across workers too), and marked handled so that a re-delivery
is skipped.

PTB's own Updater confirms an update (by asking for the next offset) as soon as it has queued
it, so a crash loses whatever was queued but not yet handled. The DurablePoller below asks for
the next offset only after the batch is stored in the inbox table.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseUpdateProcessor

from bot.context import LoyaltyApplication
from bot.incoming import UnreadableUpdate, id_for_log, read_update, update_id_of
from bot.ratelimit import CounterFirstRateLimiter, retry_after_seconds
from bot.serving import PLATFORM, ServingBot
from domain.service import commit_attempted
from domain.serving import serving_merchant
from infra.bots import current_bot

log = logging.getLogger(__name__)

MARK_INTERVAL_SECONDS = 0.2
# getUpdates waits up to its timeout for updates; the read may take this much longer.
READ_TIMEOUT_SLACK_SECONDS = 5.0
# While replies queue for the budget, the poller waits before its next getUpdates
# (gathering_pause): once the queue holds this much of the budget (3 replies at 30 a second: a
# rush, not a reply or two waiting for their grant) ...
GATHER_FROM_SECONDS = 0.1
# ... half as long as the queue lasts, so that it never runs dry meanwhile: the longer the
# rush's queue, the more updates one getUpdates brings. Never longer than this: an update
# waits in Telegram's queue rather than in ours, but a worker that is stopping or a café bot
# whose token changed should not sit out long pauses.
GATHER_MOST_SECONDS = 0.25


def gathering_pause(limiter: object) -> float:
    """Seconds the poller waits before its next getUpdates (0: none).

    While replies queue for the bot's message budget, an update fetched at once would only
    queue behind them. Waiting a little lets one getUpdates bring several updates, each batch
    a round trip, a parse and an inbox transaction fewer, and delays no reply: the budget stays
    busy with those already queued. A calm bot, where at most a reply or two wait for their
    turn, fetches at once."""
    if not isinstance(limiter, CounterFirstRateLimiter):
        return 0.0
    backlog = limiter.backlog()
    return min(backlog / 2, GATHER_MOST_SECONDS) if backlog >= GATHER_FROM_SECONDS else 0.0


def serving_bot(update: object) -> ServingBot | None:
    """The bot an update came through (None for updates made without one, in tests)."""
    if not isinstance(update, Update):
        return None
    try:
        bot = update.get_bot()
    except RuntimeError:
        return None
    return bot if isinstance(bot, ServingBot) else None


def _chat_key(update: object) -> tuple[int, int] | None:
    """(bot, chat): a person's chat with a café's bot is not their chat with the platform bot."""
    if isinstance(update, Update) and update.effective_chat is not None:
        bot = serving_bot(update)
        return (PLATFORM if bot is None else bot.key, update.effective_chat.id)
    return None


@dataclass
class _ChatTurn:
    """Updates of one chat wait their turn here (asyncio.Lock wakes waiters in FIFO order)."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class PerChatOrderedProcessor(BaseUpdateProcessor):
    """Up to N updates at once, but one at a time per chat, in the order they arrived.

    A cashier's "/stamp" and the "Confirm" tap that follows must not overtake each other,
    while different cashiers must not wait for each other. Within a process the chat's turn is
    an asyncio lock; across processes (PostgreSQL) the update also holds the chat's advisory
    lock while it runs.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[tuple[int, int], _ChatTurn] = {}
        self._handled: list[tuple[int, int]] = []  # (bot, update id)
        self._application: LoyaltyApplication | None = None
        self._flusher: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def bind(self, application: LoyaltyApplication) -> None:
        self._application = application

    async def initialize(self) -> None:
        self._stopping.clear()
        self._flusher = asyncio.create_task(self._flush_forever())

    async def shutdown(self) -> None:
        # Not cancelled: a flush cancelled half-way would forget the batch it had taken, and
        # those updates would be handled again after the restart.
        self._stopping.set()
        if self._flusher is not None:
            await self._flusher
            self._flusher = None
        await self.flush()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        fresh = commit_attempted.set(False)  # what the error handler may tell this update
        bot = serving_bot(update)
        key = PLATFORM if bot is None else bot.key
        # The bot it came through, and the café that bot serves (None: the platform's, all).
        through = current_bot.set(key)
        serving = serving_merchant.set(None if bot is None else bot.merchant_id)
        try:
            await self._note_started(bot, update)
            await self._in_turn(_chat_key(update), coroutine)
        finally:
            serving_merchant.reset(serving)
            current_bot.reset(through)
            commit_attempted.reset(fresh)
        if isinstance(update, Update):
            self._handled.append((key, update.update_id))
        # Its effects (a customer's notice) reached the dispatcher when they were committed:
        # the outbox log hands it the rows it may send at once and wakes it for the others.

    async def _note_started(self, bot: ServingBot | None, update: object) -> None:
        """Someone wrote to a café's bot: from now on it may write to them too."""
        if bot is None or bot.is_platform or not isinstance(update, Update):
            return
        user, chat = update.effective_user, update.effective_chat
        runtime = None if self._application is None else self._application.bot_data.started
        if runtime is None or user is None or chat is None or chat.type != "private":
            return
        await runtime.infra.bots.record_started(bot.key, user.id)

    async def _in_turn(self, key: tuple[int, int] | None, coroutine: Awaitable[Any]) -> None:
        if key is None:
            await coroutine
            return
        turn = self._chats.setdefault(key, _ChatTurn())
        turn.users += 1
        try:
            async with turn.lock, self._across_workers(key):
                await coroutine
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._chats[key]  # idle chats take no memory

    def _across_workers(self, key: tuple[int, int]) -> contextlib.AbstractAsyncContextManager[None]:
        runtime = None if self._application is None else self._application.bot_data.started
        if runtime is None:
            return contextlib.nullcontext()
        bot_id, chat_id = key
        return runtime.infra.locks.chat(chat_id, bot_id)

    async def flush(self) -> None:
        """Record handled updates; a crash before this only means a harmless re-delivery."""
        if self._application is None:
            return
        runtime = self._application.bot_data.started
        if runtime is None:
            return
        infra = runtime.infra
        batch, self._handled = self._handled, []
        try:
            await infra.inbox.mark_processed(batch)
        except BaseException:  # also on cancellation: the batch must be marked some day
            self._handled.extend(batch)
            raise

    async def _flush_forever(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), MARK_INTERVAL_SECONDS)
            try:
                await self.flush()
            except Exception:
                log.exception("could not mark updates as handled; will retry")


class DurablePoller:
    """Long polling of one bot that confirms updates to Telegram only once they are in the
    inbox table. Each hosted bot has its own poller; their updates meet in the application's
    queue, each carrying the bot it came through."""

    def __init__(
        self,
        application: LoyaltyApplication,
        bot: ServingBot | None = None,
        *,
        timeout: int = 10,
        on_refused: Callable[[], object] | None = None,
        requeue: bool = True,
    ) -> None:
        """`on_refused` is called when Telegram refuses the bot's token (a café bot is then
        paused); without it the poller stops and `wait` returns (the platform bot: exit)."""
        self._application = application
        self._on_refused = on_refused
        # Only a process that just started takes back stored, unhandled updates: a bot served
        # again later in the same process (a new token) has its earlier updates in flight here.
        self._requeue = requeue
        served = bot if bot is not None else application.bot
        assert isinstance(served, ServingBot)
        self.bot: ServingBot = served
        self._timeout = timeout
        self._task: asyncio.Task[None] | None = None
        self._queued: set[int] = set()

    async def start(self) -> None:
        if self._requeue:
            await self._requeue_pending()
        self._task = asyncio.create_task(self._poll_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def wait(self) -> None:
        """Return when polling has stopped by itself: Telegram refused the bot token."""
        assert self._task is not None
        await asyncio.shield(self._task)

    async def _requeue_pending(self) -> None:
        """Updates stored but not handled before the last stop (a crash): handle them first."""
        infra = self._application.bot_data.runtime.infra
        for update_id, payload in await infra.inbox.pending(self.bot.key):
            update = Update.de_json(json.loads(payload), self.bot)
            self._queued.add(update_id)
            await self._application.update_queue.put(update)
        if self._queued:
            log.info("handling %d updates received before the last stop", len(self._queued))

    async def _poll_forever(self) -> None:
        offset: int | None = None
        failures = 0
        while True:
            try:
                await self._gather()
                batch = await self._fetch(offset)
                updates, next_offset = self._read(batch)
                if updates:
                    await self._store_and_queue(updates)
                if next_offset is not None:
                    offset = next_offset
                    # Telegram never re-delivers below the offset: only newer ids need remembering.
                    self._queued = {i for i in self._queued if i >= offset}
                failures = 0
            except InvalidToken:
                if self._on_refused is not None:
                    log.warning("Telegram refused the token of café bot %s", self.bot.key)
                    self._on_refused()
                else:
                    log.critical("Telegram refused the bot token; polling stops")
                return
            except RetryAfter as wait:
                await asyncio.sleep(retry_after_seconds(wait))
            except TimedOut:
                continue
            except (Conflict, NetworkError, OSError) as problem:
                failures += 1
                delay = min(30.0, 0.5 * 2**failures)
                log.warning("polling failed (%s); retrying in %.1f s", problem, delay)
                await asyncio.sleep(delay)
            except Exception:
                # The database may be unreachable: do not confirm anything, try again.
                failures += 1
                log.exception("could not store incoming updates")
                await asyncio.sleep(min(30.0, 0.5 * 2**failures))

    async def _gather(self) -> None:
        pause = gathering_pause(self.bot.rate_limiter)
        if pause > 0:
            await asyncio.sleep(pause)

    async def _fetch(self, offset: int | None) -> list[object]:
        """getUpdates as raw JSON. bot.get_updates parses the whole batch at once, so a single
        update the library cannot read would fail every batch, for every chat, for ever."""
        batch = await self.bot._post(
            "getUpdates",
            {"offset": offset, "timeout": self._timeout, "allowed_updates": Update.ALL_TYPES},
            read_timeout=self._timeout + READ_TIMEOUT_SLACK_SECONDS,
        )
        return list(batch) if isinstance(batch, list) else []

    def _read(self, batch: list[object]) -> tuple[list[tuple[Update, object]], int | None]:
        """The readable updates, each with its raw JSON, and the offset that confirms the whole
        batch: unreadable updates are set aside (logged by id and counted), never retried."""
        updates: list[tuple[Update, object]] = []
        last_id: int | None = None
        for data in batch:
            with contextlib.suppress(UnreadableUpdate):
                last_id = max(update_id_of(data), last_id or 0)
            try:
                updates.append((read_update(data, self.bot), data))
            except UnreadableUpdate as problem:
                self._application.bot_data.poison_updates += 1
                log.error("set aside update %s: %s", id_for_log(data), problem)
        return updates, None if last_id is None else last_id + 1

    async def _store_and_queue(self, updates: list[tuple[Update, object]]) -> None:
        infra = self._application.bot_data.runtime.infra
        # Stored as Telegram sent it: dumping the JSON again costs a fraction of to_json().
        stored = ((update.update_id, json.dumps(data)) for update, data in updates)
        needed = set(await infra.inbox.receive(self.bot.key, stored))
        for update, _ in updates:
            if update.update_id in needed and update.update_id not in self._queued:
                self._queued.add(update.update_id)
                await self._application.update_queue.put(update)
