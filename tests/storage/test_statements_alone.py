"""The inbox's, the outbox's and the steps' bookkeeping writes are one statement each, sent
without BEGIN or COMMIT (Database.each_statement_alone): what they write must still be
committed, for every other connection and process to see at once. What every update reads first
(Database.read_rows) is one statement too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.clock import SystemClock
from domain.db.uow import Database
from domain.service import LoyaltyService
from infra import Infrastructure, PendingSteps, StepState
from infra.db.engine import create_engine
from infra.tables import InboundUpdate, OutboxMessage
from tests.storage.test_round_trips import counting
from tests.support.scenario import new_profile, open_shop


@pytest.fixture
async def elsewhere(database_url: str) -> AsyncIterator[Database]:
    """The same database through an engine of its own, as another worker sees it."""
    other = Database(create_engine(database_url))
    yield other
    await other.dispose()


async def test_updates_stored_and_marked_are_committed_without_a_transaction(
    database: Database, infra: Infrastructure, elsewhere: Database
) -> None:
    with counting(database) as sent:
        assert await infra.inbox.receive(7, [(1, "{}"), (2, "{}")]) == [1, 2]
        await infra.inbox.mark_processed([(7, 1)])
    assert [s for s in sent if s != "ROLLBACK"] == ["INSERT", "UPDATE"], sent
    async with elsewhere.read() as session:
        rows = await session.execute(
            select(InboundUpdate.update_id, InboundUpdate.processed_at.is_not(None))
            .where(InboundUpdate.bot_id == 7)
            .order_by(InboundUpdate.update_id)
        )
        assert [tuple(row) for row in rows] == [(1, True), (2, False)]
    assert await infra.inbox.receive(7, [(1, "{}"), (2, "{}")]) == [2]  # 1 was handled


async def test_a_message_marked_sent_is_committed_without_a_transaction(
    database: Database, infra: Infrastructure, service: LoyaltyService, elsewhere: Database
) -> None:
    shop = await open_shop(service)
    cashier = await shop.hire("Cashier")
    card = (await service.customers.enrol(new_profile("C"), shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, card.number)
    items = await infra.outbox.claim()
    assert items
    with counting(database) as sent:
        await infra.outbox.done_many({item.id: "sent" for item in items})
    assert [s for s in sent if s != "ROLLBACK"] == ["UPDATE"], sent
    async with elsewhere.read() as session:
        outcomes = await session.execute(
            select(OutboxMessage.outcome).where(OutboxMessage.id.in_([i.id for i in items]))
        )
        assert set(outcomes.scalars()) == {"sent"}
    done = {item.id for item in items}
    assert not done & {item.id for item in await infra.outbox.claim()}  # never sent again


async def test_a_step_closed_is_committed_without_a_transaction(
    database: Database, infra: Infrastructure, elsewhere: Database
) -> None:
    step = await infra.steps.open(42, "amount", ttl=timedelta(minutes=5), subject_id=9)
    with counting(database) as sent:
        assert await infra.steps.close(step.id)
    assert [s for s in sent if s != "ROLLBACK"] == ["UPDATE"], sent
    seen = await PendingSteps(elsewhere, SystemClock()).get(42, step.id)
    assert seen is not None and seen.closed_as is StepState.DONE
    assert not await infra.steps.close(step.id)  # closed once: a second tap does nothing


async def test_who_writes_and_their_open_step_are_read_in_a_statement_each(
    database: Database, infra: Infrastructure, service: LoyaltyService
) -> None:
    """Read on every update, on a bare connection: a SELECT each, no BEGIN, no ROLLBACK."""
    shop = await open_shop(service)
    cashier = await shop.hire("Cashier")
    await infra.steps.open(cashier.user_id, "amount", ttl=timedelta(minutes=5), subject_id=9)
    with counting(database) as sent:
        identity = await service.staff.identity(cashier.user_id)
        step = await infra.steps.latest_open(cashier.user_id, ["amount"])
    assert [s for s in sent if s != "ROLLBACK"] == ["SELECT", "SELECT"], sent
    assert identity.is_staff and step is not None and step.subject_id == 9
