"""Stopping the bot while handled updates are being marked must not forget any of them.

A forgotten mark means the update is handled a second time after the restart (an owner who
set up a business would be told "You already run …"). The marks are written every 0.2 s by a
background flush; this stops the processor in the middle of one.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

import pytest
from telegram import Update

from bot.updates import PerChatOrderedProcessor
from domain.clock import ManualClock
from domain.db.uow import Database
from infra import Infrastructure


def _message_update(update_id: int, chat_id: int) -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": chat_id, "is_bot": False, "first_name": "Ann"},
                "text": "/card",
            },
        },
        None,
    )


async def _handled() -> None:
    await asyncio.sleep(0)


async def test_a_stop_during_a_slow_mark_still_records_every_handled_update(
    infra: Infrastructure,
) -> None:
    await infra.inbox.receive(0, [(1, "{}"), (2, "{}")])
    mark_started = asyncio.Event()
    really_mark = infra.inbox.mark_processed

    async def slow_mark(update_ids: Any) -> None:
        ids = list(update_ids)
        if ids:
            mark_started.set()
            await asyncio.sleep(0.3)  # a busy database
        await really_mark(ids)

    infra.inbox.mark_processed = slow_mark  # type: ignore[method-assign]
    processor = PerChatOrderedProcessor(4)
    processor.bind(_application(infra))
    await processor.initialize()

    await processor.do_process_update(_message_update(1, 10), _handled())
    await asyncio.wait_for(mark_started.wait(), timeout=2)  # the background flush holds update 1
    await processor.do_process_update(_message_update(2, 11), _handled())
    await processor.shutdown()

    assert await infra.inbox.is_processed(0, 1)
    assert await infra.inbox.is_processed(0, 2)
    assert await infra.inbox.pending(0) == []


async def test_two_workers_handle_one_chat_one_update_at_a_time(
    database: Database, clock: ManualClock, engine_name: str
) -> None:
    """Two processors (as two worker processes would) on one database: updates of the same chat
    never run at once, updates of different chats do."""
    if engine_name == "sqlite":
        pytest.skip("SQLite deployments run one process; the lock is in-process there")
    workers = []
    for _ in range(2):
        infra = Infrastructure(database, clock, chat_locks=4)
        processor = PerChatOrderedProcessor(4)
        processor.bind(_application(infra))
        await processor.initialize()
        workers.append((processor, infra))
    running: list[int] = []
    overlaps: list[tuple[int, ...]] = []

    async def work(chat_id: int) -> None:
        running.append(chat_id)
        overlaps.append(tuple(sorted(running)))
        await asyncio.sleep(0.2)
        running.remove(chat_id)

    (first, _), (second, _) = workers
    await asyncio.gather(
        first.do_process_update(_message_update(1, 30), work(30)),
        second.do_process_update(_message_update(2, 30), work(30)),
        second.do_process_update(_message_update(3, 31), work(31)),
    )
    assert all(o.count(30) <= 1 for o in overlaps), overlaps
    assert any(o == (30, 31) for o in overlaps), overlaps  # other chats do not wait
    for processor, infra in workers:
        await processor.shutdown()
        await infra.dispose()


def _application(infra: Infrastructure) -> Any:
    """What the processor reads of an application: its started runtime's inbox, locks and
    dispatcher (which has nothing to deliver here)."""
    runtime = SimpleNamespace(infra=infra, dispatcher=SimpleNamespace(wake=lambda: None))
    return cast(Any, SimpleNamespace(bot_data=SimpleNamespace(started=runtime, runtime=runtime)))
