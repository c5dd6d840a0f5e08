"""The update inbox: stored before confirmation, handled once, found again after a crash."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from domain.clock import ManualClock
from domain.db.uow import Database
from infra import Infrastructure
from infra.inbox import PrunedUpdates
from infra.tables import InboundUpdate


async def test_received_updates_are_pending_until_processed(infra: Infrastructure) -> None:
    assert await infra.inbox.receive(0, [(1, '{"update_id": 1}'), (2, '{"update_id": 2}')]) == [
        1,
        2,
    ]
    assert await infra.inbox.pending(0) == [(1, '{"update_id": 1}'), (2, '{"update_id": 2}')]
    await infra.inbox.mark_processed([(0, 1)])
    assert await infra.inbox.is_processed(0, 1) and not await infra.inbox.is_processed(0, 2)
    assert [update_id for update_id, _ in await infra.inbox.pending(0)] == [2]


async def test_a_redelivered_update_is_skipped_once_processed(infra: Infrastructure) -> None:
    await infra.inbox.receive(0, [(7, "{}")])
    assert await infra.inbox.receive(0, [(7, "{}")]) == [7]  # stored, not handled yet: still needed
    await infra.inbox.mark_processed([(0, 7)])
    assert await infra.inbox.receive(0, [(7, "{}"), (8, "{}")]) == [8]


async def test_concurrent_receipts_of_the_same_batch_store_it_once(infra: Infrastructure) -> None:
    batch = [(i, "{}") for i in range(100, 120)]
    results = await asyncio.gather(*(infra.inbox.receive(0, batch) for _ in range(5)))
    assert all(result == [i for i, _ in batch] for result in results)
    assert len(await infra.inbox.pending(0)) == 20


async def test_old_handled_updates_are_pruned(infra: Infrastructure, clock: ManualClock) -> None:
    await infra.inbox.receive(0, [(1, "{}"), (2, "{}")])
    await infra.inbox.mark_processed([(0, 1)])
    clock.advance(timedelta(days=3))
    assert (await infra.inbox.prune()).handled == 1
    assert [update_id for update_id, _ in await infra.inbox.pending(0)] == [2]


async def test_updates_never_handled_are_dropped_after_a_week(
    infra: Infrastructure, clock: ManualClock, database: Database
) -> None:
    payload = '{"update_id": 1, "message": {"from": {"first_name": "Marie"}, "text": "/forget"}}'
    await infra.inbox.receive(0, [(1, payload), (3, "{}")])
    await infra.inbox.mark_processed([(0, 3)])
    clock.advance(timedelta(days=6))
    await infra.inbox.receive(0, [(2, "{}")])
    clock.advance(timedelta(days=1))
    assert await infra.inbox.prune() == PrunedUpdates(handled=1, unhandled=0)
    clock.advance(timedelta(seconds=1))  # update 1 is now more than a week old
    assert await infra.inbox.prune() == PrunedUpdates(handled=0, unhandled=1)
    assert await infra.inbox.pending(0) == [(2, "{}")]
    async with database.read() as session:
        stored = (await session.scalars(select(InboundUpdate.update_id))).all()
    assert stored == [2]
