"""Pending steps: bound to their chat and object, superseded by newer ones, closed once."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from domain.clock import ManualClock
from domain.db.uow import Database
from infra import Infrastructure
from infra.steps import KNOWN_CHATS, Step, UnclosedSteps
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


async def test_sqlite_reads_a_chats_unclosed_steps_once_and_keeps_them_up_to_date(
    infra: Infrastructure, database: Database, clock: ManualClock
) -> None:
    """One process writes every step on SQLite, so a chat's unclosed steps are read once and
    then known: which is open, this step, whether an opening has anything to supersede.
    PostgreSQL's workers cannot know, and ask every time."""
    steps, sqlite = infra.steps, database.dialect.single_process
    kinds = ("amount", "card")
    with counting(database) as first:
        assert await steps.latest_open(100, kinds) is None
    with counting(database) as again:
        assert await steps.latest_open(100, kinds) is None
        assert await steps.latest_open(100, ("forget",)) is None
    assert _selects(first) == 1
    assert _selects(again) == (0 if sqlite else 2)
    with counting(database) as opening:  # nothing open to supersede: no UPDATE on SQLite
        asked = await steps.open(100, "card", subject_id=5, ttl=TTL, supersedes=kinds)
    assert opening.count("UPDATE") == (0 if sqlite else 1)
    await steps.add_prompt(asked.id, 41)
    with counting(database) as known:
        newest = await steps.latest_open(100, kinds)
        same = await steps.get(100, asked.id)
    assert newest == same == replace(asked, prompt_ids=(41,))
    assert _selects(known) == (0 if sqlite else 2)
    with counting(database) as superseding:  # one open: it is closed
        amount = await steps.open(100, "amount", subject_id=5, ttl=TTL, supersedes=kinds)
    assert superseding.count("UPDATE") == 1
    now = clock.now()
    assert (await steps.get(100, asked.id)).state(now) == "superseded"  # type: ignore[union-attr]
    assert (await steps.latest_open(100, kinds)) == amount
    assert await steps.close(amount.id)
    assert await steps.latest_open(100, kinds) is None
    assert (await steps.get(100, amount.id)).state(now) == "done"  # type: ignore[union-attr]
    assert await steps.latest_open(101, kinds) is None  # another chat


async def test_an_expired_step_is_still_closed_by_a_newer_one(
    infra: Infrastructure, clock: ManualClock
) -> None:
    """Expired unanswered, a step is not closed: a newer one closes it as superseded, as it
    did before anything was remembered."""
    steps = infra.steps
    old = await steps.open(100, "amount", ttl=TTL)
    assert (await steps.latest_open(100, ("amount",))) == old
    clock.advance(TTL + timedelta(seconds=1))
    assert await steps.latest_open(100, ("amount",)) is None
    await steps.open(100, "amount", ttl=TTL, supersedes=("amount",))
    now = clock.now()
    assert (await steps.get(100, old.id)).state(now) == "superseded"  # type: ignore[union-attr]


async def test_forgetting_a_chat_leaves_no_step_known(infra: Infrastructure) -> None:
    steps = infra.steps
    asked = await steps.open(100, "amount", ttl=TTL)
    assert (await steps.latest_open(100, ("amount",))) == asked
    assert await steps.forget_chat(100) == 1
    assert await steps.latest_open(100, ("amount",)) is None
    assert await steps.get(100, asked.id) is None


def _step(step_id: int, kind: str = "amount") -> Step:
    return Step(step_id, 100, kind, None, None, (), datetime(2030, 1, 1, tzinfo=UTC), None)


def test_a_read_that_a_write_overlapped_is_not_remembered() -> None:
    known, chat = UnclosedSteps(), (0, 100)
    since = known.version
    with known.writing():  # any chat's: the read may have missed it whichever it was
        pass
    known.remember(chat, [], since)
    assert known.of(chat) is None
    known.remember(chat, [_step(1)], known.version)
    assert known.of(chat) == {1: _step(1)}


def test_a_writes_changes_are_made_when_it_ends_even_on_a_read_made_meanwhile() -> None:
    """A read begun while a write is under way is remembered if it ends first; the write's
    changes then bring it up to date, whether or not the read saw the write's statements."""
    known, chat = UnclosedSteps(), (0, 100)
    with known.writing() as changes:
        since = known.version
        changes.append(partial(known.closed_kinds, chat, ("amount",)))
        changes.append(partial(known.opened, chat, _step(2, "card")))
        known.remember(chat, [_step(1)], since)  # read before the write's statements ran
        assert known.of(chat) == {1: _step(1)}
    assert known.of(chat) == {2: _step(2, "card")}
    with known.writing() as changes:
        since = known.version
        changes.append(partial(known.closed, 2))
        known.remember(chat, [], since)  # read after the write's statement ran
    assert known.of(chat) == {}


def test_a_write_that_fails_forgets_what_was_known() -> None:
    known, chat = UnclosedSteps(), (0, 100)
    known.remember(chat, [_step(1)], known.version)
    with pytest.raises(RuntimeError), known.writing() as changes:
        changes.append(partial(known.closed, 1))
        raise RuntimeError("the database failed")
    assert known.of(chat) is None


def test_the_chats_remembered_are_bounded() -> None:
    known = UnclosedSteps()
    for chat_id in range(KNOWN_CHATS + 1):
        known.remember((0, chat_id), [], known.version)
    assert known.of((0, KNOWN_CHATS)) == {}
    assert known.of((0, 0)) is None  # started afresh once full


def _selects(statements: list[str]) -> int:
    return sum(1 for statement in statements if statement == "SELECT")
