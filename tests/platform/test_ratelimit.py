"""The outgoing-message budget: replies before notices, notices never starved, 429s retried."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.ratelimit import WINDOW_SECONDS, CounterFirstRateLimiter, SendPriority
from infra import BudgetSpent, background_share

RATE = 10.0  # messages a second
JITTER = 0.05  # seconds a callback may run after its message was let go, on a loaded machine


class Recorder:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, limiter: CounterFirstRateLimiter, name: str, priority: SendPriority) -> Any:
        async def callback() -> dict[str, Any]:
            self.sent.append(name)
            return {"ok": True}

        return limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": 1}, priority)


async def _spend_the_burst(limiter: CounterFirstRateLimiter, recorder: Recorder) -> None:
    burst = [recorder.send(limiter, f"burst{i}", SendPriority.COUNTER) for i in range(int(RATE))]
    await asyncio.gather(*burst)


async def test_replies_go_before_notices_that_wait_for_the_budget() -> None:
    limiter = CounterFirstRateLimiter(RATE, background_slack=5.0)
    recorder = Recorder()
    await _spend_the_burst(limiter, recorder)
    notices = [
        asyncio.create_task(recorder.send(limiter, f"notice{i}", SendPriority.BACKGROUND))
        for i in range(3)
    ]
    await asyncio.sleep(0)  # the notices queue first
    replies = [
        asyncio.create_task(recorder.send(limiter, f"reply{i}", SendPriority.COUNTER))
        for i in range(3)
    ]
    await asyncio.gather(*notices, *replies)
    after_burst = recorder.sent[int(RATE) :]
    assert after_burst == ["reply0", "reply1", "reply2", "notice0", "notice1", "notice2"]
    await limiter.shutdown()


async def test_a_notice_waits_no_longer_than_its_slack() -> None:
    limiter = CounterFirstRateLimiter(RATE, background_slack=0.3)
    recorder = Recorder()
    await _spend_the_burst(limiter, recorder)
    notice = asyncio.create_task(recorder.send(limiter, "notice", SendPriority.BACKGROUND))
    await asyncio.sleep(0)
    early = [recorder.send(limiter, f"early{i}", SendPriority.COUNTER) for i in range(8)]
    early_tasks = [asyncio.create_task(reply) for reply in early]
    await asyncio.sleep(0.4)  # past the notice's deadline, while the early replies still wait
    late = [
        asyncio.create_task(recorder.send(limiter, f"late{i}", SendPriority.COUNTER))
        for i in range(3)
    ]
    await asyncio.gather(notice, *early_tasks, *late)
    after_burst = recorder.sent[int(RATE) :]
    assert after_burst.index("notice") < after_burst.index("late0")
    assert after_burst.index("notice") > after_burst.index("early0")
    await limiter.shutdown()


async def test_the_budget_holds_the_rate() -> None:
    limiter = CounterFirstRateLimiter(RATE)
    recorder = Recorder()
    started = time.monotonic()
    await asyncio.gather(
        *(recorder.send(limiter, str(i), SendPriority.COUNTER) for i in range(int(RATE) + 5))
    )
    # the bucket's small burst, then the rest at RATE a second
    assert time.monotonic() - started >= 5 / RATE * 0.9
    assert len(recorder.sent) == int(RATE) + 5
    await limiter.shutdown()


async def test_never_more_than_the_rate_within_any_one_second() -> None:
    """Telegram's rule: the bucket alone lets its burst through on top of its rate."""
    limiter = CounterFirstRateLimiter(RATE)
    times: list[float] = []

    async def callback() -> dict[str, Any]:
        times.append(time.monotonic())
        return {"ok": True}

    def send() -> Any:
        data = {"chat_id": 1}
        return limiter.process_request(callback, (), {}, "sendMessage", data, None)

    await asyncio.gather(*(send() for _ in range(int(RATE) // 2)))
    await asyncio.sleep(0.6)  # the bucket drains: its burst and its rate are both open
    await asyncio.gather(*(send() for _ in range(2 * int(RATE))))
    assert len(times) == 5 * int(RATE) // 2
    gaps = [later - first for first, later in zip(times, times[int(RATE) :], strict=False)]
    # The window counts the moments messages are let go; a callback runs a scheduling step
    # after that, up to tens of milliseconds later on a loaded machine, not equally late for
    # all (without the window, the bucket's burst comes on top of its rate: gaps of 0.8 s).
    assert min(gaps) >= WINDOW_SECONDS - JITTER
    # Let go a little more than a second apart: what arrives late by up to that margin still
    # keeps to Telegram's one second.
    assert WINDOW_SECONDS - 1.0 >= JITTER
    await limiter.shutdown()


async def test_notices_leave_room_in_the_second_for_a_reply_that_comes() -> None:
    """Notices may fill the sliding second only up to their share: a reply that arrives while
    many wait takes the bucket's next unit and goes, instead of waiting for the window."""
    limiter = CounterFirstRateLimiter(RATE)
    sent: list[tuple[str, float]] = []

    def send(name: str, priority: SendPriority) -> Any:
        async def callback() -> dict[str, Any]:
            sent.append((name, time.monotonic()))
            return {"ok": True}

        return limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": 1}, priority)

    notices = [asyncio.create_task(send(f"n{i}", SendPriority.BACKGROUND)) for i in range(40)]
    await asyncio.sleep(2.5)  # the notices use all they may, window after window
    asked = time.monotonic()
    await send("reply", SendPriority.COUNTER)
    assert sent[-1][1] - asked < 2 / RATE  # at most the bucket's spacing, not the window's
    times = [at for _, at in sent]
    in_any_second = max(sum(1 for t in times if s <= t < s + 1.0) for s in times)
    assert in_any_second <= background_share(int(RATE)) + 1  # the share, and the one reply
    for notice in notices:
        notice.cancel()
    await asyncio.gather(*notices, return_exceptions=True)
    await limiter.shutdown()


async def test_no_limit_sends_at_once_and_calls_without_a_chat_spend_nothing() -> None:
    unlimited = CounterFirstRateLimiter(0)
    recorder = Recorder()
    started = time.monotonic()
    await asyncio.gather(
        *(recorder.send(unlimited, str(i), SendPriority.BACKGROUND) for i in range(200))
    )
    assert len(recorder.sent) == 200 and time.monotonic() - started < 1.0

    limited = CounterFirstRateLimiter(RATE)
    calls = 0

    async def get_updates() -> list[Any]:
        nonlocal calls
        calls += 1
        return []

    started = time.monotonic()
    for _ in range(50):
        await limited.process_request(get_updates, (), {}, "getUpdates", {"timeout": 0}, None)
    assert calls == 50 and time.monotonic() - started < 1.0


async def test_a_429_pauses_and_retries_then_gives_up_after_max_retries() -> None:
    limiter = CounterFirstRateLimiter(RATE, max_retries=2)
    attempts = 0

    async def flooded_once() -> bool:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise RetryAfter(1)
        return True

    started = time.monotonic()
    assert await limiter.process_request(flooded_once, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert attempts == 2 and time.monotonic() - started >= 1.0

    async def always_flooded() -> bool:
        raise RetryAfter(0)

    with pytest.raises(RetryAfter):
        await limiter.process_request(always_flooded, (), {}, "sendMessage", {"chat_id": 1}, None)
    await limiter.shutdown()


class SlowSharedBudget:
    """Stands in for the workers' budget in the database: a grant takes a moment (a round
    trip), background messages are refused while `busy`, and pauses are recorded."""

    def __init__(self, *, busy: bool = False, broken: bool = False, cap: int = 1000) -> None:
        self.busy = busy
        self.broken = broken
        self.pauses: list[float] = []
        self.cap = cap
        self.asked = 0

    async def grant(self, *, background: bool) -> None:
        self.asked += 1
        await self._grant(background=background)

    async def _grant(self, *, background: bool) -> None:
        await asyncio.sleep(0.05)
        if self.broken:
            raise ConnectionError("the database is down")
        if background and self.busy:
            raise BudgetSpent(0.2)

    async def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)


@pytest.mark.parametrize("busy", [False, True])
async def test_a_reply_arriving_while_a_notice_asks_the_shared_budget_goes_first(
    busy: bool,
) -> None:
    shared = SlowSharedBudget(busy=busy)
    limiter = CounterFirstRateLimiter(RATE, shared=shared)
    recorder = Recorder()
    notice = asyncio.create_task(recorder.send(limiter, "notice", SendPriority.BACKGROUND))
    await asyncio.sleep(0.02)  # the dispatcher is asking for the notice's grant now
    reply = asyncio.create_task(recorder.send(limiter, "reply", SendPriority.COUNTER))
    await asyncio.wait_for(reply, 2)  # the reply is neither lost nor behind the notice
    assert recorder.sent == ["reply"]
    shared.busy = False
    await asyncio.wait_for(notice, 2)
    assert recorder.sent == ["reply", "notice"]
    await limiter.shutdown()


async def test_a_429_pauses_the_other_workers_and_a_broken_shared_budget_stops_nothing() -> None:
    shared = SlowSharedBudget()
    limiter = CounterFirstRateLimiter(RATE, shared=shared)
    attempts = 0

    async def flooded_once() -> bool:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise RetryAfter(1)
        return True

    assert await limiter.process_request(flooded_once, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert shared.pauses == [pytest.approx(1.1)]
    shared.broken = True
    recorder = Recorder()
    await asyncio.wait_for(recorder.send(limiter, "reply", SendPriority.COUNTER), 2)
    assert recorder.sent == ["reply"]
    await limiter.shutdown()


async def test_a_worker_keeps_to_the_shared_budgets_cap_and_asks_for_no_grant_it_cannot_have() -> (
    None
):
    """The workers' budget grants one message fewer than Telegram's rate (its margin): the
    worker's own window keeps to that, so a worker alone is never refused a grant, each refusal
    being a round trip to the database for nothing."""
    shared = SlowSharedBudget(cap=5)
    limiter = CounterFirstRateLimiter(RATE, shared=shared)
    times: list[float] = []

    async def callback() -> dict[str, Any]:
        times.append(time.monotonic())
        return {"ok": True}

    def send() -> Any:
        return limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": 1}, None)

    await asyncio.gather(*(send() for _ in range(7)))
    assert shared.asked == 7  # one grant per message
    assert times[5] - times[0] >= WINDOW_SECONDS - JITTER  # the sixth waited for the window
    limiter.share(None)  # no shared budget (any more): the worker's own rate again
    started = time.monotonic()
    await asyncio.gather(*(send() for _ in range(4)))
    assert time.monotonic() - started < 0.5 * WINDOW_SECONDS
    await limiter.shutdown()
