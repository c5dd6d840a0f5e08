"""Webhooks' tables: the owner's endpoints, the events written with the operations that caused
them (a second outbox, beside infra/outbox.py's messages) and their deliveries, claimed for a
lease by whichever worker is free, in order per card and endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from domain.db.dialect import Dialect
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


@dataclass(frozen=True)
class ClaimedDelivery:
    id: int
    endpoint_id: int
    url: str
    secret: str
    event_id: str
    body: str
    attempts: int  # including this one


class WebhookRepository:
    def __init__(self, session: AsyncSession, dialect: Dialect) -> None:
        self.session = session
        self.dialect = dialect

    # --- the owner's endpoints ----------------------------------------------------------------

    async def endpoints(self, merchant_id: int) -> list[WebhookEndpoint]:
        """The merchant's endpoints in the order they were added (their numbers in /webhooks)."""
        query = (
            select(WebhookEndpoint)
            .where(WebhookEndpoint.merchant_id == merchant_id)
            .order_by(WebhookEndpoint.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def add(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        self.session.add(endpoint)
        await self.session.flush()
        return endpoint

    async def remove(self, endpoint_id: int) -> None:
        """The endpoint and its deliveries (events stay: other endpoints may share them)."""
        await self.session.execute(
            delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        )
        await self.session.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))

    async def recent(
        self, endpoint_ids: Sequence[int], per_endpoint: int
    ) -> dict[int, list[tuple[WebhookDelivery, WebhookEvent]]]:
        """Each endpoint's latest deliveries, newest first."""
        found: dict[int, list[tuple[WebhookDelivery, WebhookEvent]]] = {}
        for endpoint_id in endpoint_ids:
            query = (
                select(WebhookDelivery, WebhookEvent)
                .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
                .where(WebhookDelivery.endpoint_id == endpoint_id)
                .order_by(WebhookDelivery.id.desc())
                .limit(per_endpoint)
            )
            found[endpoint_id] = [(d, e) for d, e in (await self.session.execute(query)).all()]
        return found

    # --- deliveries ---------------------------------------------------------------------------

    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[ClaimedDelivery]:
        """Due deliveries to enabled endpoints that nobody holds, oldest first, each held by
        the caller for the lease. One waits while an older undelivered one of the same card
        and endpoint exists, so a card's events arrive in order even with many workers."""
        older = aliased(WebhookDelivery)
        due = (
            select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.delivered_at.is_(None),
                WebhookDelivery.available_at <= now,
                (WebhookDelivery.claimed_until.is_(None)) | (WebhookDelivery.claimed_until < now),
                WebhookEndpoint.disabled_at.is_(None),
                ~exists().where(
                    and_(
                        older.endpoint_id == WebhookDelivery.endpoint_id,
                        older.card_id == WebhookDelivery.card_id,
                        older.id < WebhookDelivery.id,
                        older.delivered_at.is_(None),
                    )
                ),
            )
            .order_by(WebhookDelivery.id)
            .limit(limit)
        )
        if self.dialect.locks_rows:
            due = due.with_for_update(of=WebhookDelivery, skip_locked=True)
        claimed = await self.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(due.scalar_subquery()))
            .values(claimed_until=now + lease, attempts=WebhookDelivery.attempts + 1)
            .returning(WebhookDelivery.id, WebhookDelivery.attempts)
            .execution_options(synchronize_session=False)
        )
        attempts: dict[int, int] = {row[0]: row[1] for row in claimed.all()}
        if not attempts:
            return []
        rows = await self.session.execute(
            select(
                WebhookDelivery.id,
                WebhookEndpoint.id,
                WebhookEndpoint.url,
                WebhookEndpoint.secret,
                WebhookEvent.public_id,
                WebhookEvent.body,
            )
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.id.in_(list(attempts)))
            .order_by(WebhookDelivery.id)
        )
        return [
            ClaimedDelivery(d_id, e_id, url, secret, public_id, body, attempts[d_id])
            for d_id, e_id, url, secret, public_id, body in rows.all()
        ]

    async def delivered(
        self, delivery_id: int, endpoint_id: int, now: datetime, status: int
    ) -> None:
        await self.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(
                delivered_at=now,
                claimed_until=None,
                last_tried_at=now,
                last_status=status,
                last_error=None,
            )
        )
        await self.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_not(None))
            .values(failing_since=None)
        )

    async def failed(
        self,
        delivery_id: int,
        endpoint_id: int,
        now: datetime,
        retry_at: datetime,
        status: int | None,
        error: str,
    ) -> datetime:
        """A failed try, retried at `retry_at`; when the endpoint started failing."""
        await self.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(
                available_at=retry_at,
                claimed_until=None,
                last_tried_at=now,
                last_status=status,
                last_error=error[:200],
            )
        )
        since = await self.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(failing_since=func.coalesce(WebhookEndpoint.failing_since, now))
            .returning(WebhookEndpoint.failing_since)
        )
        return since.scalar_one_or_none() or now

    async def disable(self, endpoint_id: int, now: datetime) -> tuple[int, str] | None:
        """Disable an enabled endpoint; (its merchant, its URL), or None if it already was."""
        result = await self.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.disabled_at.is_(None))
            .values(disabled_at=now)
            .returning(WebhookEndpoint.merchant_id, WebhookEndpoint.url)
        )
        row = result.one_or_none()
        return None if row is None else (row[0], row[1])

    async def waiting(self, endpoint_id: int) -> int:
        """The endpoint's deliveries not delivered yet."""
        query = select(func.count()).where(
            WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.delivered_at.is_(None)
        )
        return int((await self.session.execute(query)).scalar_one())

    async def enable(self, endpoint_id: int, now: datetime) -> None:
        """Enable a disabled endpoint, not failing any more; its waiting deliveries due now."""
        await self.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(disabled_at=None, failing_since=None)
        )
        await self.session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.delivered_at.is_(None)
            )
            .values(available_at=now, claimed_until=None)
        )

    async def release_claims(self) -> None:
        await self.session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.delivered_at.is_(None), WebhookDelivery.claimed_until.is_not(None)
            )
            .values(claimed_until=None)
        )

    async def renew(self, delivery_ids: Sequence[int], until: datetime) -> None:
        await self.session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id.in_(list(delivery_ids)), WebhookDelivery.delivered_at.is_(None)
            )
            .values(claimed_until=until)
        )

    async def prune(self, cutoff: datetime) -> int:
        """Forget deliveries done before `cutoff` (and those of endpoints disabled by then),
        then events older than it that nobody waits for any more; how many events went."""
        disabled = select(WebhookEndpoint.id).where(WebhookEndpoint.disabled_at < cutoff)
        await self.session.execute(
            delete(WebhookDelivery).where(
                (WebhookDelivery.delivered_at < cutoff)
                | WebhookDelivery.endpoint_id.in_(disabled.scalar_subquery())
            )
        )
        waited_for = select(WebhookDelivery.id).where(WebhookDelivery.event_id == WebhookEvent.id)
        result = await self.session.execute(
            delete(WebhookEvent).where(WebhookEvent.created_at < cutoff, ~waited_for.exists())
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
