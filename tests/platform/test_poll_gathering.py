"""The poller asks for updates less often while replies queue for the budget
(bot.updates.gathering_pause): a rush costs fewer getUpdates and inbox transactions, a calm
bot answers at once."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.ratelimit import CounterFirstRateLimiter, SendPriority
from bot.updates import GATHER_FROM_SECONDS, GATHER_MOST_SECONDS, gathering_pause

RATE = 30.0  # Telegram's
BURST = 5  # what the limiter lets go back to back after a quiet moment, at RATE


def _send(limiter: CounterFirstRateLimiter, priority: SendPriority) -> asyncio.Task[Any]:
    async def callback() -> dict[str, Any]:
        return {"ok": True}

    data = {"chat_id": 1}
    request = limiter.process_request(callback, (), {}, "sendMessage", data, priority)
    return asyncio.ensure_future(request)


async def test_a_queue_of_replies_makes_the_poller_wait_and_a_calm_bot_fetches_at_once() -> None:
    limiter = CounterFirstRateLimiter(RATE)
    assert gathering_pause(limiter) == 0
    await asyncio.gather(*(_send(limiter, SendPriority.COUNTER) for _ in range(BURST)))

    # Notices give way to replies: however many wait, a reply asked for now goes first.
    notices = [_send(limiter, SendPriority.BACKGROUND) for _ in range(20)]
    await asyncio.sleep(0)
    assert limiter.backlog() == 0 and gathering_pause(limiter) == 0

    # A reply or two waiting for their turn is no rush.
    few = [_send(limiter, SendPriority.COUNTER) for _ in range(2)]
    await asyncio.sleep(0)
    assert 0 < limiter.backlog() < GATHER_FROM_SECONDS
    assert gathering_pause(limiter) == 0

    # Ten more: 0.4 s of the budget is spoken for; the poller waits half of it, and the queue
    # still holds replies to send when its next updates come.
    many = [_send(limiter, SendPriority.COUNTER) for _ in range(10)]
    await asyncio.sleep(0)
    assert limiter.backlog() == 12 / RATE
    assert gathering_pause(limiter) == 6 / RATE

    # A longer queue (many tills at once): the poller never waits longer than its most.
    crowd = [_send(limiter, SendPriority.COUNTER) for _ in range(30)]
    await asyncio.sleep(0)
    assert limiter.backlog() == 42 / RATE
    assert gathering_pause(limiter) == GATHER_MOST_SECONDS
    for reply in crowd:
        reply.cancel()
    await asyncio.gather(*crowd, return_exceptions=True)

    # A reply whose sender gave up leaves the queue.
    many[-1].cancel()
    await asyncio.sleep(0)
    assert limiter.backlog() == 11 / RATE

    await asyncio.gather(*few, *many[:-1])
    assert limiter.backlog() == 0 and gathering_pause(limiter) == 0
    for notice in notices:
        notice.cancel()
    await asyncio.gather(*notices, *many[-1:], return_exceptions=True)
    await limiter.shutdown()


async def test_without_a_budget_there_is_nothing_to_wait_for() -> None:
    unlimited = CounterFirstRateLimiter(0)
    replies = [_send(unlimited, SendPriority.COUNTER) for _ in range(50)]
    assert unlimited.backlog() == 0 and gathering_pause(unlimited) == 0
    await asyncio.gather(*replies)
    assert gathering_pause(None) == 0  # a bot made without a limiter (tests, tools)
