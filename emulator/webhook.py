"""Webhook delivery: POST each pending update to the bot until it answers 2xx.

Like Telegram, updates of one chat are delivered strictly in order (the next one only after
the previous was acknowledged) while different chats are delivered concurrently, up to the
webhook's ``max_connections``. A failed delivery is retried after ``retry_delay`` seconds.
With several targets (the standard setWebhook URL plus any added by tests for scale-out),
every delivery attempt goes to the next target round-robin, so a dead worker's updates end
up at a live one.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter, deque

import aiohttp

from emulator.records import PendingUpdate, Signal
from emulator.state import EmulatorState


class WebhookDispatcher:
    """Pushes the state's pending updates to the webhook targets while any is set."""

    def __init__(
        self, state: EmulatorState, *, retry_delay: float = 0.1, timeout: float = 10.0
    ) -> None:
        self.accepted_by: Counter[str] = Counter()  # 2xx answers per target URL
        self.state = state
        self.retry_delay = retry_delay
        self.timeout = timeout
        self.deliveries = 0  # POSTs attempted, for tests and stats
        self._queues: dict[int | None, deque[PendingUpdate]] = {}
        self._workers: dict[int | None, asyncio.Task[None]] = {}
        self._robin = itertools.count()
        self._active = False
        self._in_flight = 0
        self._slot_freed = Signal()
        self._retry_now = Signal()
        self._session: aiohttp.ClientSession | None = None
        self._own_session: aiohttp.ClientSession | None = None
        self._watcher: asyncio.Task[None] | None = None

    def attach(self, session: aiohttp.ClientSession) -> None:
        """Deliver with ``session`` (shared by all bots) from now on. No task runs until the
        bot has a webhook target: an idle bot costs nothing."""
        self._session = session
        self.state.on_enqueue = self._on_enqueue
        self.state.on_webhook_change = self._webhook_changed
        self._webhook_changed()

    async def start(self) -> None:
        """Deliver with a session of this dispatcher's own (closed by :meth:`stop`)."""
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        self._own_session = aiohttp.ClientSession(timeout=timeout)
        self.attach(self._own_session)

    def _webhook_changed(self) -> None:
        if self._watcher is None and self._session is not None and self.state.webhook.targets:
            self._watcher = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        self.state.on_enqueue = None
        self.state.on_webhook_change = None
        tasks = [*self._workers.values(), *([self._watcher] if self._watcher else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._workers.clear()
        self._watcher = None
        self._session = None
        if self._own_session is not None:
            await self._own_session.close()
            self._own_session = None

    def retry_now(self) -> None:
        """Skip the back-off of failed deliveries and retry them at once."""
        self._retry_now.notify()

    def _on_enqueue(self, update: PendingUpdate) -> None:
        if not self.state.webhook.targets:
            self._active = False  # re-scan the backlog when a webhook is set again
        elif self._active:
            self._queue(update)

    async def _watch(self) -> None:
        """Notice setWebhook: the backlog then goes out by webhook, like on Telegram."""
        while True:
            active = bool(self.state.webhook.targets)
            if active and not self._active:
                for queue in self._queues.values():
                    queue.clear()
                for update in list(self.state.pending.values()):
                    self._queue(update)
            self._active = active
            await self.state.updates_changed.wait(3600)

    def _queue(self, update: PendingUpdate) -> None:
        self._queues.setdefault(update.chat_id, deque()).append(update)
        if update.chat_id not in self._workers:
            task = asyncio.create_task(self._deliver_chat(update.chat_id))
            self._workers[update.chat_id] = task

    async def _deliver_chat(self, chat_id: int | None) -> None:
        try:
            queue = self._queues[chat_id]
            while queue and self.state.webhook.targets:
                update = queue[0]
                if update.confirmed:
                    queue.popleft()
                elif update.kind not in self.state.allowed_updates or await self._post(update):
                    self.state.confirm(update)
                else:
                    await self._retry_now.wait(self.retry_delay)
        finally:
            self._workers.pop(chat_id, None)

    async def _post(self, update: PendingUpdate) -> bool:
        """One delivery attempt; records Telegram's last_error_* on failure."""
        while self._in_flight >= self.state.webhook.max_connections:
            await self._slot_freed.wait(1.0)
        targets = self.state.webhook.targets
        if not targets or self._session is None:
            return False
        url, secret = targets[next(self._robin) % len(targets)]
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        self._in_flight += 1
        self.deliveries += 1
        update.delivered = True
        try:
            async with self._session.post(url, json=update.payload, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    self.accepted_by[url] += 1
                    return True
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        finally:
            self._in_flight -= 1
            self._slot_freed.notify()
        self.state.webhook.last_error_date = int(self.state.clock())
        self.state.webhook.last_error_message = error
        return False
