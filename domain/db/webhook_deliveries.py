"""Webhooks' endpoints and deliveries: the owner's endpoints, and the deliveries claimed for a
lease by whichever worker is free, in order per card and endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, and_, bindparam, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.db.dialect import Dialect
from domain.db.tables import WebhookDelivery, WebhookEndpoint, WebhookEvent
from domain.db.uow import Database


def _claimable(now: datetime | BindParameter[datetime]) -> tuple[Any, ...]:
    """A delivery anyone may claim at `now`: not delivered, due, and nobody's lease on it."""
    return (
        WebhookDelivery.delivered_at.is_(None),
        WebhookDelivery.available_at <= now,
        (WebhookDelivery.claimed_until.is_(None)) | (WebhookDelivery.claimed_until < now),
    )


_ANYTHING_CLAIMABLE = select(WebhookDelivery.id).where(*_claimable(bindparam("now"))).limit(1)


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

    async def anything_claimable(self, now: datetime) -> bool:
        """Whether a claim at `now` could find a delivery: one cheap read, so that an idle
        worker's poll opens no write transaction (on SQLite, the one writer's lock)."""
        found = await self.session.execute(_ANYTHING_CLAIMABLE, {"now": now})
        return found.first() is not None

    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[ClaimedDelivery]:
        """Due deliveries to enabled endpoints that nobody holds, oldest first, each held by
        the caller for the lease. One waits while an older undelivered one of the same card
        and endpoint exists, so a card's events arrive in order even with many workers."""
        older = aliased(WebhookDelivery)
        due = (
            select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                *_claimable(now),
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


async def prune_webhooks(db: Database, cutoff: datetime) -> int:
    """Forget deliveries done before `cutoff` (and those of endpoints disabled by then), then
    events older than it that nobody waits for any more; how many events went."""
    disabled = select(WebhookEndpoint.id).where(WebhookEndpoint.disabled_at < cutoff)
    await db.delete_in_batches(
        (WebhookDelivery.id,),
        (WebhookDelivery.delivered_at < cutoff)
        | WebhookDelivery.endpoint_id.in_(disabled.scalar_subquery()),
    )
    waited_for = select(WebhookDelivery.id).where(WebhookDelivery.event_id == WebhookEvent.id)
    return await db.delete_in_batches(
        (WebhookEvent.id,), (WebhookEvent.created_at < cutoff) & ~waited_for.exists()
    )
