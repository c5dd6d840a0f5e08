"""Pending steps: bound to their chat and object, superseded by newer ones, closed once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.clock import ManualClock
from infra import Infrastructure

TTL = timedelta(minutes=10)


async def test_a_step_is_found_by_its_prompts_and_only_in_its_chat(infra: Infrastructure) -> None:
    steps = infra.steps
    asked = await steps.open(100, "amount", subject_id=7, payload="123456789012", ttl=TTL)
    await steps.add_prompt(asked.id, 41)
    await steps.add_prompt(asked.id, 45)  # asked again after a wrong answer
    assert (await steps.answered_by_reply(100, 41)).id == asked.id  # type: ignore[union-attr]
    assert (await steps.answered_by_reply(100, 45)).id == asked.id  # type: ignore[union-attr]
    assert await steps.answered_by_reply(100, 42) is None
    assert await steps.answered_by_reply(200, 41) is None  # another chat: no such step
    assert await steps.get(200, asked.id) is None


async def test_a_newer_step_supersedes_the_older_ones_it_names(
    infra: Infrastructure, clock: ManualClock
) -> None:
    steps = infra.steps
    for_a = await steps.open(100, "amount", subject_id=1, ttl=TTL)
    other_chat = await steps.open(101, "amount", subject_id=3, ttl=TTL)
    await steps.open(100, "card", subject_id=2, ttl=TTL, supersedes=("amount", "card"))
    now = clock.now()
    assert (await steps.get(100, for_a.id)).state(now) == "superseded"  # type: ignore[union-attr]
    assert (await steps.get(101, other_chat.id)).state(now) == "open"  # type: ignore[union-attr]
    assert await steps.latest_open(100, ("amount",)) is None


async def test_a_step_closes_once_and_expires(infra: Infrastructure, clock: ManualClock) -> None:
    steps = infra.steps
    step = await steps.open(100, "forget", ttl=TTL)
    results = await asyncio.gather(*(steps.close(step.id) for _ in range(5)))
    assert sorted(results) == [False] * 4 + [True]
    late = await steps.open(100, "forget", ttl=TTL)
    clock.advance(TTL + timedelta(seconds=1))
    assert (await steps.get(100, late.id)).state(clock.now()) == "expired"  # type: ignore[union-attr]
    assert not await steps.close(late.id)
    clock.advance(timedelta(days=2))
    assert await steps.prune() == 2
