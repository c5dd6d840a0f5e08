"""The deliveries' bookkeeping on both engines: workers claiming at once never hold the same
delivery, a claim lapses with its lease, nothing is written for a café without endpoints, and
delivered events are forgotten after a while."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import event, func, select

from domain.clock import ManualClock
from domain.db.tables import WebhookDelivery, WebhookEvent
from domain.service import LoyaltyService
from domain.webhooks import WebhookPolicy
from infra.dns import resolve_host
from tests.support.scenario import Shop, new_profile, open_shop

LOCAL = WebhookPolicy(allow_http=True)
LEASE = timedelta(seconds=30)


async def _cafe(service: LoyaltyService, customers: int) -> tuple[Shop, list[str]]:
    shop = await open_shop(service, cooldown="0", daily_limit="0")
    cards = []
    for _ in range(customers):
        enrolled = await service.customers.enrol(new_profile("Clara"), shop.first_store.code)
        cards.append(enrolled.card.number)
    return shop, cards


async def _count(service: LoyaltyService, table: type[WebhookEvent | WebhookDelivery]) -> int:
    async with service.database.read() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def test_no_endpoint_no_event(service: LoyaltyService) -> None:
    shop, (card,) = await _cafe(service, 1)
    await service.counter.stamp(shop.owner.user_id, card)
    assert await _count(service, WebhookEvent) == 0


async def test_a_poll_with_nothing_due_reads_once_and_writes_nothing(
    service: LoyaltyService,
) -> None:
    """Every worker polls twice a second, most cafés have no endpoint: an empty poll must not
    take SQLite's one write lock, which the counter's writes would wait behind."""
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    engine = service.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert await service.webhooks.claim_deliveries(LEASE, 50) == []
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements == ["SELECT"]


async def test_workers_claiming_at_once_never_hold_the_same_delivery(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cards = await _cafe(service, 12)
    await service.webhooks.add_endpoint(
        shop.owner.user_id, "http://127.0.0.1:9/hook", LOCAL, resolve_host
    )
    for card in cards:
        await service.counter.stamp(shop.owner.user_id, card)
        await service.counter.stamp(shop.owner.user_id, card)  # waits behind the first
    claims = await asyncio.gather(*(service.webhooks.claim_deliveries(LEASE, 5) for _ in range(4)))
    held = [d.id for batch in claims for d in batch]
    assert len(held) == len(set(held)) == len(cards)  # each card's first event, once
    # Held for the lease: nobody else gets them until it runs out.
    assert await service.webhooks.claim_deliveries(LEASE, 50) == []
    clock.advance(LEASE + timedelta(seconds=1))
    again = await service.webhooks.claim_deliveries(LEASE, 50)
    assert sorted(d.id for d in again) == sorted(held)
    assert {d.attempts for d in again} == {2}
    assert {d.event_id for d in again} == {d.event_id for batch in claims for d in batch}


async def test_delivered_events_are_forgotten_after_thirty_days(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, (first, second) = await _cafe(service, 2)
    await service.webhooks.add_endpoint(
        shop.owner.user_id, "http://127.0.0.1:9/hook", LOCAL, resolve_host
    )
    await service.counter.stamp(shop.owner.user_id, first)
    await service.counter.stamp(shop.owner.user_id, second)
    one, other = await service.webhooks.claim_deliveries(LEASE, 10)
    await service.webhooks.delivered(one, 200)
    await service.webhooks.failed(other, 500, "Internal Server Error")
    clock.advance(timedelta(days=29))
    assert await service.webhooks.prune() == 0
    clock.advance(timedelta(days=2))
    assert await service.webhooks.prune() == 1
    assert await _count(service, WebhookEvent) == 1  # the one still waiting stays
    (endpoint,) = await service.webhooks.endpoints(shop.owner.user_id)
    assert [d.event_id for d in endpoint.recent] == [other.event_id]
