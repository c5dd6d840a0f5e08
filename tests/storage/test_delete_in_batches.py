"""The daily clean-ups delete in batches (Database.delete_in_batches): every row that meets the
condition goes and no other, whether the table's key is one column or two, and on SQLite a
writer that queues meanwhile (a cashier's stamp) goes between two batches instead of waiting
for them all."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from domain.db.uow import Database
from infra.tables import InboundUpdate, OutboxMessage

NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)


async def _updates(database: Database, bot_id: int, count: int, received_at: datetime) -> None:
    rows = [
        {"bot_id": bot_id, "update_id": i, "payload": "{}", "received_at": received_at}
        for i in range(1, count + 1)
    ]
    async with database.write() as session:
        await session.execute(insert(InboundUpdate), rows)


async def _left(database: Database) -> dict[int, int]:
    async with database.read() as session:
        rows = await session.execute(
            select(InboundUpdate.bot_id, func.count()).group_by(InboundUpdate.bot_id)
        )
        return {int(bot_id): int(count) for bot_id, count in rows}


async def test_every_row_that_meets_the_condition_goes_by_a_key_of_two_columns(
    database: Database,
) -> None:
    await _updates(database, 1, 250, NOW - timedelta(days=9))
    await _updates(database, 2, 30, NOW)  # same update ids, another bot: kept
    key = (InboundUpdate.bot_id, InboundUpdate.update_id)
    old = InboundUpdate.received_at < NOW - timedelta(days=1)
    assert await database.delete_in_batches(key, old, batch=100) == 250
    assert await _left(database) == {2: 30}
    assert await database.delete_in_batches(key, old, batch=100) == 0


async def test_a_batch_exactly_full_is_followed_by_an_empty_one(database: Database) -> None:
    rows = [
        {
            "kind": "notice",
            "key": f"k{i}",
            "recipient_id": 1,
            "payload": "{}",
            "created_at": NOW,
            "available_at": NOW,
            "done_at": NOW - timedelta(days=8) if i < 40 else None,
        }
        for i in range(50)
    ]
    async with database.write() as session:
        await session.execute(insert(OutboxMessage), rows)
    done_long_ago = OutboxMessage.done_at < NOW - timedelta(days=7)
    assert await database.delete_in_batches((OutboxMessage.id,), done_long_ago, batch=20) == 40
    async with database.read() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 10


async def test_a_writer_queued_meanwhile_goes_between_two_batches(database: Database) -> None:
    await _updates(database, 1, 500, NOW - timedelta(days=9))
    key = (InboundUpdate.bot_id, InboundUpdate.update_id)
    old = InboundUpdate.received_at < NOW - timedelta(days=1)
    seen_by_writer: list[int] = []

    async def cashier() -> None:
        async with database.write() as session:
            left = await session.scalar(
                select(func.count()).select_from(InboundUpdate).where(InboundUpdate.bot_id == 1)
            )
            seen_by_writer.append(int(left or 0))
            await session.execute(
                insert(InboundUpdate),
                [{"bot_id": 3, "update_id": 1, "payload": "{}", "received_at": NOW}],
            )

    pruning = asyncio.create_task(database.delete_in_batches(key, old, batch=50))
    await asyncio.sleep(0)  # the clean-up has its turn to write
    await cashier()
    assert await pruning == 500
    assert await _left(database) == {3: 1}
    if database.dialect.is_sqlite:
        # One writer at a time: the cashier's transaction came after the first batch and long
        # before the tenth.
        assert 0 < 500 - seen_by_writer[0] < 500, seen_by_writer
