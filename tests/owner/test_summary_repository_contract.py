"""One contract, three implementations: the summary schedule's ports (domain/summary_schedule.py)
behave the same in memory (tests/support/fake_uow.py) and in SQL on SQLite and PostgreSQL, so
the use-case tests that run on the fake (tests/owner/test_summaries_on_fake.py) say something
about the real thing."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

import pytest

from domain.clock import ManualClock
from domain.db.summaries import SqlSummaryUnitOfWork
from domain.effects import SendSummary
from domain.service import LoyaltyService
from domain.service.summaries import SummarySchedule
from domain.summary_schedule import ScheduledSummary, SummaryAlreadyClaimed, SummaryUnitOfWork
from infra import Infrastructure
from tests.support.fake_uow import FakeUnitOfWork
from tests.support.scenario import open_shop

JOINED = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # 09:00 in Luxembourg


class World(Protocol):
    """A unit of work, and the businesses that other use cases would have stored under it."""

    uow: SummaryUnitOfWork

    async def open_cafe(self, summary: str | None = ...) -> int:
        """A business joining now, with the default programme or another summary time ("HH:MM",
        None: off); its merchant id."""
        ...

    def owner(self, merchant_id: int) -> int: ...

    async def effects_recorded(self) -> int: ...


class InMemoryWorld:
    def __init__(self, clock: ManualClock) -> None:
        self.fake = FakeUnitOfWork()
        self.uow: SummaryUnitOfWork = self.fake
        self._clock = clock

    async def open_cafe(self, summary: str | None = "default") -> int:
        return self.fake.open_cafe(self._clock.now(), summary=summary)

    def owner(self, merchant_id: int) -> int:
        return self.fake.state.owners[merchant_id]

    async def effects_recorded(self) -> int:
        return len(self.fake.state.effects)


class SqlWorld:
    def __init__(self, service: LoyaltyService, infra: Infrastructure) -> None:
        self.uow: SummaryUnitOfWork = SqlSummaryUnitOfWork(service.database, infra.outbox.log)
        self._service = service
        self._infra = infra
        self._owners: dict[int, int] = {}

    async def open_cafe(self, summary: str | None = "default") -> int:
        settings = {} if summary == "default" else {"summary": summary or "off"}
        shop = await open_shop(self._service, f"Café {len(self._owners)}", **settings)
        membership = await self._service.staff.membership(shop.owner.user_id)
        assert membership is not None
        merchant_id = membership.merchant_id
        self._owners[merchant_id] = shop.owner.user_id
        return merchant_id

    def owner(self, merchant_id: int) -> int:
        return self._owners[merchant_id]

    async def effects_recorded(self) -> int:
        return await self._infra.outbox.undelivered()


@pytest.fixture(
    params=["in_memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def engine_name(request: pytest.FixtureRequest) -> str:
    """The conftest's engines, and memory beside them."""
    return str(request.param)


@pytest.fixture
def world(engine_name: str, clock: ManualClock, request: pytest.FixtureRequest) -> World:
    clock.set(JOINED)
    if engine_name == "in_memory":
        return InMemoryWorld(clock)
    return SqlWorld(request.getfixturevalue("service"), request.getfixturevalue("infra"))


async def test_the_schedule_lists_every_programme_with_a_summary_time_by_merchant(
    world: World, clock: ManualClock
) -> None:
    first = await world.open_cafe()
    clock.advance(timedelta(hours=1))
    silent = await world.open_cafe(summary=None)
    second = await world.open_cafe(summary="07:30")
    later = JOINED + timedelta(hours=1)
    async with world.uow.read() as work:
        assert await work.summaries.scheduled() == [
            ScheduledSummary(first, "Europe/Luxembourg", "21:00", JOINED, JOINED),
            ScheduledSummary(second, "Europe/Luxembourg", "07:30", later, later),
        ]
        assert silent not in {s.merchant_id for s in await work.summaries.scheduled()}
        assert await work.summaries.owner_of(second) == world.owner(second)


async def test_a_day_is_claimed_once_and_claims_are_read_from_a_day_on(world: World) -> None:
    one, two = await world.open_cafe(), await world.open_cafe()
    days = [date(2026, 1, 5), date(2026, 1, 6)]
    for merchant_id in (one, two):
        for day in days:
            async with world.uow.write() as work:
                await work.summaries.claim(merchant_id, day, JOINED)
    with pytest.raises(SummaryAlreadyClaimed):
        async with world.uow.write() as work:
            await work.summaries.claim(two, days[0], JOINED)
    async with world.uow.read() as work:
        assert await work.summaries.claimed_since(days[1]) == {(one, days[1]), (two, days[1])}
        assert len(await work.summaries.claimed_since(days[0])) == 4
        assert await work.summaries.claimed_since(days[1] + timedelta(days=1)) == set()


async def test_a_claim_and_its_effect_commit_together_or_not_at_all(world: World) -> None:
    merchant_id = await world.open_cafe()
    day = date(2026, 1, 5)
    effect = SendSummary(merchant_id=merchant_id, day=day, owner_user_id=world.owner(merchant_id))
    before = await world.effects_recorded()

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted):
        async with world.uow.write() as work:
            await work.summaries.claim(merchant_id, day, JOINED)
            await work.record([effect])
            raise Interrupted
    async with world.uow.read() as work:
        assert await work.summaries.claimed_since(day) == set()
    assert await world.effects_recorded() == before

    async with world.uow.write() as work:
        await work.summaries.claim(merchant_id, day, JOINED)
        await work.record([effect])
    async with world.uow.read() as work:
        assert await work.summaries.claimed_since(day) == {(merchant_id, day)}
    assert await world.effects_recorded() == before + 1


async def test_two_workers_queuing_the_same_summary_at_once_queue_it_once(
    world: World, clock: ManualClock
) -> None:
    merchant_id = await world.open_cafe()
    clock.set(datetime(2026, 1, 5, 20, 0, tzinfo=UTC))  # 21:00 in Luxembourg
    schedules = [SummarySchedule(world.uow, clock) for _ in range(2)]  # one per worker
    assert await schedules[0].due_summaries() == [(merchant_id, date(2026, 1, 5))]
    before = await world.effects_recorded()
    queued = await asyncio.gather(
        *(schedule.queue_summary(merchant_id, date(2026, 1, 5)) for schedule in schedules)
    )
    assert sorted(queued) == [False, True]
    assert await world.effects_recorded() == before + 1
    assert await schedules[1].due_summaries() == []
