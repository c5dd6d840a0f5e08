"""Pending steps: bound to their chat and object, superseded by newer ones, closed once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.clock import ManualClock
from domain.db.uow import Database
from infra import Infrastructure
from infra.steps import NONE_OPEN_CHATS, NoneOpen
from tests.storage.test_round_trips import counting

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


async def test_sqlite_asks_once_whether_a_chat_has_a_step_open_until_one_opens(
    infra: Infrastructure, database: Database
) -> None:
    """One process opens every step on SQLite, so "none open" is remembered until it opens
    one in the chat; PostgreSQL's workers cannot know, and ask every time."""
    steps = infra.steps
    kinds = ("amount", "card")
    with counting(database) as first:
        assert await steps.latest_open(100, kinds) is None
    with counting(database) as again:
        assert await steps.latest_open(100, kinds) is None
        assert await steps.latest_open(100, kinds) is None
    assert _selects(first) == 1
    assert _selects(again) == (0 if database.dialect.single_process else 2)
    assert await steps.latest_open(100, ("forget",)) is None  # other kinds: asked for
    asked = await steps.open(100, "card", subject_id=5, ttl=TTL, supersedes=kinds)
    again_asked = await steps.latest_open(100, kinds)  # the chat is asked about again
    assert again_asked is not None and again_asked.id == asked.id
    assert await steps.close(asked.id)
    assert await steps.latest_open(101, kinds) is None  # another chat


def test_a_read_under_way_while_a_step_opens_is_not_remembered() -> None:
    chats, chat, kinds = NoneOpen(), (0, 100), frozenset({"amount"})
    since = chats.reading()
    chats.opened((0, 999))  # any chat: the read may have missed it whichever it was
    chats.found_none(chat, kinds, since)
    assert not chats.known(chat, kinds)
    chats.found_none(chat, kinds, chats.reading())
    assert chats.known(chat, kinds)
    chats.opened(chat)
    assert not chats.known(chat, kinds)


def test_the_chats_remembered_are_bounded() -> None:
    chats, kinds = NoneOpen(), frozenset({"amount"})
    for chat_id in range(NONE_OPEN_CHATS + 1):
        chats.found_none((0, chat_id), kinds, chats.reading())
    assert chats.known((0, NONE_OPEN_CHATS), kinds)
    assert not chats.known((0, 0), kinds)  # started afresh once full


def _selects(statements: list[str]) -> int:
    return sum(1 for statement in statements if statement == "SELECT")
