"""The message budget every worker shares on PostgreSQL: never more than the cap in any one
second, replies always find room, and a pause one worker asks for holds for all of them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from domain.db.uow import Database
from infra import BudgetSpent, SharedSendBudget
from infra.tables import MessageGrant
from tests.support.databases import migrated_database, migrated_postgres_url
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.postgres

RATE = 30.0


@pytest.fixture
async def database(postgres_server: PostgresServer) -> AsyncIterator[Database]:
    db = await migrated_database(await migrated_postgres_url(postgres_server))
    yield db
    await db.dispose()


@pytest.fixture
async def workers(database: Database) -> AsyncIterator[list[SharedSendBudget]]:
    """One budget object per worker process, each with its own pool, as in the bot."""
    budgets = [SharedSendBudget(database, RATE) for _ in range(4)]
    yield budgets
    for budget in budgets:
        await budget.dispose()


async def _take(budget: SharedSendBudget, *, background: bool) -> int:
    """Grants taken one after another until the first refusal."""
    taken = 0
    while True:
        try:
            await budget.grant(background=background)
        except BudgetSpent:
            return taken
        taken += 1


def _most_in_one_second(times: list[datetime]) -> int:
    """The most grants within any closed one-second interval."""
    ordered = sorted(times)
    most, start = 0, 0
    for end, moment in enumerate(ordered):
        while ordered[start] < moment - timedelta(seconds=1):
            start += 1
        most = max(most, end - start + 1)
    return most


async def test_concurrent_workers_never_exceed_the_cap_in_any_second(
    database: Database, workers: list[SharedSendBudget]
) -> None:
    cap = workers[0].cap
    assert cap == 29  # one below Telegram's 30: a margin for the way to Telegram
    stop_at = time.monotonic() + 3.0

    async def sender(budget: SharedSendBudget, background: bool) -> int:
        sent = 0
        while time.monotonic() < stop_at:
            try:
                await budget.grant(background=background)
            except BudgetSpent as spent:
                await asyncio.sleep(spent.retry_in)
            else:
                sent += 1
        return sent

    # Two senders per worker (a worker's limiter asks for one grant at a time, but a pause and
    # a grant may overlap), replies and notices mixed.
    sent = await asyncio.gather(
        *(sender(budget, background=n % 2 == 1) for budget in workers for n in range(2))
    )
    async with database.read() as session:
        granted = list((await session.execute(select(MessageGrant.granted_at))).scalars())
    assert len(granted) == sum(sent)
    assert _most_in_one_second(granted) <= cap
    # ... and the budget is used, not merely refused: close to the cap every second.
    assert sum(sent) >= 2.5 * cap


async def test_background_messages_leave_room_for_replies_of_any_worker(
    workers: list[SharedSendBudget],
) -> None:
    notices, counter = workers[0], workers[1]
    assert await _take(notices, background=True) == notices.background_cap == 23
    with pytest.raises(BudgetSpent) as refused:
        await notices.grant(background=True)
    assert 0 < refused.value.retry_in <= 1.05
    assert await _take(counter, background=False) == counter.cap - counter.background_cap
    # The first grants leave the window after a second: a reply is granted again.
    await asyncio.sleep(1.1)
    await counter.grant(background=False)


async def test_a_pause_asked_by_one_worker_holds_for_the_others(
    workers: list[SharedSendBudget],
) -> None:
    flooded, other = workers[0], workers[1]
    await flooded.pause(0.6)
    with pytest.raises(BudgetSpent) as refused:
        await other.grant(background=False)
    assert 0.3 < refused.value.retry_in <= 0.6
    await flooded.pause(0.1)  # a shorter pause asked later does not shorten it
    with pytest.raises(BudgetSpent):
        await other.grant(background=False)
    await asyncio.sleep(refused.value.retry_in + 0.05)
    await other.grant(background=False)
