"""Webhooks' events, written with the operations that caused them (a second outbox, beside
infra/outbox.py's messages), each with a delivery for every enabled endpoint of the merchant.
The endpoints and the deliveries' bookkeeping are in domain/db/webhook_deliveries.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from domain.db.rewards import RewardRepository, reward_value
from domain.db.tables import (
    Card,
    LedgerEntry,
    Store,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from domain.model import RewardUnit, format_card_number, rewards_reached
from domain.webhooks import EventType, event_body, new_event_id

# What this transaction has read already about merchants' endpoints (in the session's `info`):
# the counter reads it with everything else in one statement, so an operation of a café without
# webhooks costs no statement more than before.
_KNOWN = "webhooks:merchants_with_endpoints"


def has_endpoints(merchant_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """Whether the merchant has an enabled endpoint: a column for a read of its own."""
    return exists().where(
        WebhookEndpoint.merchant_id == merchant_id, WebhookEndpoint.disabled_at.is_(None)
    )


def remember_endpoints(session: AsyncSession, merchant_id: int, exist: bool) -> None:
    session.info.setdefault(_KNOWN, {})[merchant_id] = exist


async def _enabled_endpoints(session: AsyncSession, merchant_id: int) -> list[int]:
    if session.info.get(_KNOWN, {}).get(merchant_id) is False:
        return []
    query = select(WebhookEndpoint.id).where(
        WebhookEndpoint.merchant_id == merchant_id, WebhookEndpoint.disabled_at.is_(None)
    )
    return list((await session.execute(query)).scalars())


async def record_event(
    session: AsyncSession,
    *,
    merchant_id: int,
    card_id: int | None,
    event_type: EventType,
    data: dict[str, Any],
    now: datetime,
) -> str | None:
    """THE event writer: one event, with a delivery for each of the merchant's enabled
    endpoints, in the caller's transaction (so it exists if and only if its cause committed).
    Nothing is written for a merchant without endpoints. The event's public id, or None."""
    endpoint_ids = await _enabled_endpoints(session, merchant_id)
    if not endpoint_ids:
        return None
    return await _write_event(session, endpoint_ids, merchant_id, card_id, event_type, data, now)


async def _write_event(
    session: AsyncSession,
    endpoint_ids: list[int],
    merchant_id: int,
    card_id: int | None,
    event_type: EventType,
    data: dict[str, Any],
    now: datetime,
) -> str:
    public_id = new_event_id()
    event = WebhookEvent(
        public_id=public_id,
        merchant_id=merchant_id,
        card_id=card_id,
        type=event_type.value,
        body=event_body(public_id, event_type, now, merchant_id, data),
        created_at=now,
    )
    session.add(event)
    await session.flush()
    session.add_all(
        WebhookDelivery(
            event_id=event.id,
            endpoint_id=endpoint_id,
            card_id=card_id,
            available_at=now,
            attempts=0,
        )
        for endpoint_id in endpoint_ids
    )
    await session.flush()
    return public_id


def _time(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


async def _store(session: AsyncSession, store_id: int) -> dict[str, Any]:
    # The operation has loaded its store in this session already: no statement of its own.
    store = await session.get(Store, store_id)
    return {"id": store_id, "name": None if store is None else store.name}


async def record_operation(session: AsyncSession, entry: LedgerEntry, card: Card) -> None:
    """`operation.created` for a ledger row: what changed on which card, where and when; never
    who (no name, no Telegram id, not even the cashier's)."""
    endpoint_ids = await _enabled_endpoints(session, entry.merchant_id)
    if not endpoint_ids:
        return
    data = {
        "operation": entry.id,
        "kind": entry.kind,
        "card": format_card_number(card.number),
        "stamps": entry.stamps_delta,
        "points": entry.points_delta,
        "balance": {"stamps": entry.stamp_balance_after, "points": entry.points_balance_after},
        "amount": None if entry.amount is None else f"{entry.amount:.2f}",
        "receipt": entry.receipt,
        "reward": entry.reward_id,
        "reverses": entry.reverses_entry_id,
        "store": await _store(session, entry.store_id),
        "created_at": _time(entry.created_at),
    }
    await _write_event(
        session,
        endpoint_ids,
        entry.merchant_id,
        card.id,
        EventType.OPERATION_CREATED,
        data,
        entry.created_at,
    )
    await _record_rewards_ready(session, endpoint_ids, entry, card)


async def _record_rewards_ready(
    session: AsyncSession, endpoint_ids: list[int], entry: LedgerEntry, card: Card
) -> None:
    """`reward.ready` for each reward the entry took the card to (the moment its holder is told
    "your reward is ready"), after the entry's own event. The ladder is the one the operation
    read already in this transaction."""
    units = (
        (RewardUnit.STAMPS, entry.stamps_delta, entry.stamp_balance_after),
        (RewardUnit.POINTS, entry.points_delta, entry.points_balance_after),
    )
    if all(delta <= 0 for _, delta, _ in units):
        return
    rungs = [reward_value(r) for r in await RewardRepository(session).rungs(entry.merchant_id)]
    for unit, delta, after in units:
        if delta <= 0:
            continue
        for reward in rewards_reached((r for r in rungs if r.unit is unit), after - delta, after):
            data = {
                "card": format_card_number(card.number),
                "reward": {
                    "id": reward.reward_id,
                    "name": reward.name,
                    "unit": unit.value,
                    "cost": reward.cost,
                },
                "balance": {
                    "stamps": entry.stamp_balance_after,
                    "points": entry.points_balance_after,
                },
                "operation": entry.id,
                "created_at": _time(entry.created_at),
            }
            await _write_event(
                session,
                endpoint_ids,
                entry.merchant_id,
                card.id,
                EventType.REWARD_READY,
                data,
                entry.created_at,
            )


async def record_card_forgotten(session: AsyncSession, card: Card, now: datetime) -> None:
    """`customer.forgotten`: the holder of this card used /forget. Only the card's number, so
    that a tool can forget what it keeps about it; never who it was."""
    await record_event(
        session,
        merchant_id=card.merchant_id,
        card_id=card.id,
        event_type=EventType.CUSTOMER_FORGOTTEN,
        data={"card": format_card_number(card.number)},
        now=now,
    )


async def record_card_created(session: AsyncSession, card: Card) -> None:
    """`card.created`: a card's number, store and time (no holder)."""
    endpoint_ids = await _enabled_endpoints(session, card.merchant_id)
    if not endpoint_ids:
        return
    data = {
        "card": format_card_number(card.number),
        "store": await _store(session, card.store_id),
        "created_at": _time(card.created_at),
    }
    await _write_event(
        session,
        endpoint_ids,
        card.merchant_id,
        card.id,
        EventType.CARD_CREATED,
        data,
        card.created_at,
    )
