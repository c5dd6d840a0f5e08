"""Telegram's message budget, spent on the counter first.

Telegram lets a bot send about 30 messages a second in all. During a rush that budget goes to
two kinds of message: the cashier's confirmation, which someone at the till is waiting for, and
the customer's notice (or a reminder, or a daily summary), which can follow a few seconds later.
PTB's AIORateLimiter serves them in arrival order, so a cashier's reply waited behind the
notices of every operation before it. This limiter serves the earliest deadline first: a
reply's deadline is the moment it was asked for, a background message's is
`background_slack` seconds later. So during a rush the counter gets the whole budget and
notices follow in the gaps; a notice waits at most the slack, so they cannot starve.

The slack is a minute: long enough for a lunch rush to keep every till moving (a shorter one
hands the budget back to notices in the middle of the rush and every reply waits again), short
enough that a customer still hears about the stamp before leaving. Past that, under a rush
longer than a minute, the budget is shared again in arrival order: Telegram's limit is the
limit.

Several workers on one PostgreSQL are one bot to Telegram, so there each message also needs a
grant of the budget they share (infra.SharedSendBudget): the local unit first, which keeps the
order within the process, then the shared grant at the message's priority (a notice past its
slack asks as a reply does, so it cannot starve either). A 429 pauses every worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import heapq
import itertools
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from infra import TELEGRAM_WINDOW, BudgetSpent, background_share

log = logging.getLogger(__name__)

TELEGRAM_MESSAGES_PER_SECOND = 30.0
BACKGROUND_SLACK_SECONDS = 60.0
# Telegram counts messages within any one second; the window is a little longer, for the spread
# of the messages' way to Telegram (infra.send_budget.WINDOW). With exactly one second, 30 let
# go within it once arrived as 31 within one: a 429 while an offer went to 2,000 customers.
WINDOW_SECONDS = TELEGRAM_WINDOW.total_seconds()
# How many messages may leave back to back after a quiet moment, before the bucket spaces them
# 1/rate apart: enough for the few tills that answer at once. A full second's worth (the
# bucket's usual size) fills the sliding second at once, stops every message for the rest of
# it, and comes back as the same burst a second later, again and again.
BURST_SECONDS = 1 / 6


class TokenBucket:
    """Refills at `rate` a second and holds `burst` units: after a quiet moment `burst`
    messages may go back to back, then they are spaced 1/rate apart.

    It says how long until the next unit instead of making the caller wait for it, so that the
    dispatcher needs one timer for the bucket and the window together (aiolimiter's bucket,
    used before, cost a future, a timer and two wake-ups of the loop per message)."""

    def __init__(self, rate: float, burst: float) -> None:
        self._rate = rate
        self._burst = burst
        self._units = burst
        self._filled_at: float | None = None

    def wait(self) -> float:
        """Seconds until a unit is there (0: now)."""
        now = asyncio.get_running_loop().time()
        if self._filled_at is not None:
            self._units = min(self._burst, self._units + (now - self._filled_at) * self._rate)
        self._filled_at = now
        return 0.0 if self._units >= 1 else (1 - self._units) / self._rate

    def take(self) -> None:
        self._units -= 1


class SlidingSecond:
    """At most so many messages let go within any one window: Telegram's own rule.

    The bucket spreads messages out, but after a quiet moment its burst comes on
    top of its rate, so within one second it could let nearly twice the rate through: with
    offers' copies at 70 % of the budget, the counter's replies and notices sent the moment
    they are recorded, that is a 429 now and then. This is the cap on top.

    Background messages may only fill the window up to `background_most`: the rest is kept for
    replies, so a cashier's reply goes at once even while notices use all they may. Without
    that, notices kept the window full and each reply waited for its oldest message to expire
    (up to a second, and 160 ms at p95 at 10 operations a second on SQLite)."""

    def __init__(self, per_second: float, window: float = WINDOW_SECONDS) -> None:
        self._own_most = max(1, int(per_second))
        self.most = self._own_most
        self.background_most = background_share(self.most)
        self._window = window
        self._sent: deque[float] = deque()  # when the messages of the last window were let go

    def wait(self, *, background: bool) -> float:
        """Seconds until a message of this kind may go (0: now)."""
        now = asyncio.get_running_loop().time()
        while self._sent and self._sent[0] + self._window <= now:
            self._sent.popleft()
        most = self.background_most if background else self.most
        if len(self._sent) < most:
            return 0.0
        # The window has room again once all but `most` - 1 of its messages have expired.
        return self._sent[len(self._sent) - most] + self._window - now

    def record(self) -> None:
        self._sent.append(asyncio.get_running_loop().time())

    def keep_to(self, most: int | None) -> None:
        """Let go no more than `most` in a window (None: this window's own rate), nor more
        background messages than their share of that."""
        self.most = self._own_most if most is None else max(1, min(self._own_most, most))
        self.background_most = background_share(self.most)


class SendPriority(enum.Enum):
    COUNTER = "counter"  # a reply to whoever is writing to the bot (the default)
    BACKGROUND = "background"  # customer notices, reminders, scheduled summaries


class SharedBudget(Protocol):
    """The budget all workers share: `grant` raises BudgetSpent when there is no room."""

    # The most grants it gives in a window: the in-process window keeps to it, so a worker
    # alone never asks for a grant (a round trip to the database) that must be refused.
    @property
    def cap(self) -> int: ...

    async def grant(self, *, background: bool) -> None: ...

    async def pause(self, seconds: float) -> None: ...


class CounterFirstRateLimiter(BaseRateLimiter[SendPriority]):
    """An overall budget of `messages_per_second` (0: no limit), earliest deadline first.

    Like AIORateLimiter with `max_retries`, a 429 from Telegram pauses every request for the
    time Telegram asks and the request is tried again. Group chats get no separate limit: the
    bot talks in private chats only.
    """

    def __init__(
        self,
        messages_per_second: float = TELEGRAM_MESSAGES_PER_SECOND,
        *,
        background_slack: float = BACKGROUND_SLACK_SECONDS,
        max_retries: int = 3,
        shared: SharedBudget | None = None,
    ) -> None:
        self._rate = messages_per_second
        self._budget = _bucket(messages_per_second) if messages_per_second > 0 else None
        self._window = SlidingSecond(messages_per_second) if messages_per_second > 0 else None
        self._shared: SharedBudget | None = None
        self.share(shared)
        self._shared_failing = False
        # Set while the dispatcher waits for room for a notice: a reply that arrives then may
        # have room at once (replies may fill more of the window), so it wakes the dispatcher.
        self._wake_on_arrival: asyncio.Future[None] | None = None
        self._background_slack = background_slack
        self._max_retries = max_retries
        self._waiting: list[tuple[float, int, asyncio.Future[None]]] = []  # a heap by deadline
        self._replies_waiting = 0  # of them, replies (notices give way to them)
        self._arrivals = itertools.count()  # equal deadlines: first come, first served
        self._dispatcher: asyncio.Task[None] | None = None
        self._not_paused = asyncio.Event()
        self._not_paused.set()

    async def initialize(self) -> None:
        pass

    def backlog(self) -> float:
        """Seconds of the budget the replies waiting now need: a reply asked for now goes out
        no sooner (0 without a budget)."""
        return self._replies_waiting / self._rate if self._budget is not None else 0.0

    def share(self, budget: SharedBudget | None) -> None:
        """Spend the budget of every worker too (given once the database is open)."""
        self._shared = budget
        if self._window is not None:
            self._window.keep_to(None if budget is None else budget.cap)

    async def shutdown(self) -> None:
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher
            self._dispatcher = None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: SendPriority | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        priority = rate_limit_args or SendPriority.COUNTER
        # Only messages spend the budget; getUpdates, answerCallbackQuery and the like do not.
        spends_budget = data.get("chat_id") is not None
        attempt = 0
        while True:
            if spends_budget:
                await self._turn(priority)
            await self._not_paused.wait()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as refusal:
                if attempt == self._max_retries:
                    log.warning("Telegram still asks to slow down after %d retries", attempt)
                    raise
                attempt += 1
                await self._pause(refusal)

    async def _pause(self, refusal: RetryAfter) -> None:
        seconds = retry_after_seconds(refusal) + 0.1
        log.info("Telegram asks to slow down: pausing sends for %.1f s", seconds)
        self._not_paused.clear()
        if self._shared is not None:
            try:
                await self._shared.pause(seconds)
            except Exception:
                log.exception("could not pause the other workers; pausing this one")
        try:
            await asyncio.sleep(seconds)
        finally:
            self._not_paused.set()

    async def _turn(self, priority: SendPriority) -> None:
        """Wait until this message may spend one unit of the budget."""
        if self._budget is None:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time()
        if priority is SendPriority.BACKGROUND:
            deadline += self._background_slack
        turn: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._waiting, (deadline, next(self._arrivals), turn))
        _resolve(self._wake_on_arrival)
        if self._dispatcher is None or self._dispatcher.done():
            assert self._window is not None  # made with the budget
            self._dispatcher = asyncio.create_task(self._dispatch(self._budget, self._window))
        if priority is SendPriority.BACKGROUND:
            await turn
            return
        self._replies_waiting += 1
        try:
            await turn
        finally:
            self._replies_waiting -= 1

    async def _dispatch(self, bucket: TokenBucket, window: SlidingSecond) -> None:
        # The unit goes to whoever is most urgent at the moment it is there, so a reply that
        # arrives while a notice waits for room still goes first.
        loop = asyncio.get_running_loop()
        while self._waiting:
            deadline, _, turn = self._waiting[0]
            if turn.done():  # a cancelled sender hands its unit to the next one
                heapq.heappop(self._waiting)
                continue
            background = deadline > loop.time()
            wait = max(bucket.wait(), window.wait(background=background))
            if wait == 0:
                wait = await self._shared_wait(background=background)
            if wait > 0:
                if background:  # past its deadline a notice asks as a reply does
                    wait = min(wait, deadline - loop.time())
                await self._sleep(max(wait, 0.0), wake_on_arrival=background)
                continue
            bucket.take()
            window.record()
            self._hand_out()

    async def _sleep(self, seconds: float, *, wake_on_arrival: bool) -> None:
        """Until there is room, or (`wake_on_arrival`) until a more urgent message arrives:
        one future and one timer, where asyncio.wait_for would also make a task."""
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()
        timer = loop.call_later(seconds, _resolve, woken)
        if wake_on_arrival:
            self._wake_on_arrival = woken
        try:
            await woken
        finally:
            timer.cancel()
            self._wake_on_arrival = None

    def _hand_out(self) -> None:
        """The unit goes to the most urgent sender now: a reply may have arrived meanwhile."""
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(None)
                return

    async def _shared_wait(self, *, background: bool) -> float:
        """Seconds until the shared budget may have room; 0 once it granted this message."""
        if self._shared is None:
            return 0.0
        try:
            await self._shared.grant(background=background)
        except BudgetSpent as spent:
            return spent.retry_in
        except Exception:
            # The database is the bot's own failure: the reply that says so must still go
            # out, under this process's budget, and Telegram's 429s are still obeyed.
            if not self._shared_failing:
                log.exception("the shared message budget is unavailable; using this worker's")
            self._shared_failing = True
            return 0.0
        if self._shared_failing:
            log.warning("the shared message budget is available again")
            self._shared_failing = False
        return 0.0


def _bucket(messages_per_second: float) -> TokenBucket:
    """A token bucket that refills at `messages_per_second` and holds BURST_SECONDS' worth."""
    return TokenBucket(messages_per_second, max(1.0, round(messages_per_second * BURST_SECONDS)))


def _resolve(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


def retry_after_seconds(refusal: RetryAfter) -> float:
    """Telegram's `retry_after` in seconds (PTB gives an int or a timedelta, by setting)."""
    value: object = refusal.retry_after
    total_seconds = getattr(value, "total_seconds", None)
    return float(total_seconds()) if callable(total_seconds) else float(value)  # type: ignore[arg-type]
