"""Webhooks: the owner's endpoints (added, listed with their recent deliveries, removed), and
the bookkeeping of their deliveries for the workers that send them (app/outgoing_webhooks.py):
claimed for a lease, delivered, or retried with back-off until the endpoint has failed for the
whole retry window, when it is disabled and the owner told."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from domain import errors
from domain.db.tables import WebhookDelivery, WebhookEndpoint, WebhookEvent
from domain.db.uow import Session
from domain.db.webhook_deliveries import ClaimedDelivery, WebhookRepository, prune_webhooks
from domain.effects import WebhookDisabled
from domain.service.base import ServiceBase, require_owner
from domain.webhooks import (
    MAX_ENDPOINTS,
    RETRY_WINDOW,
    DeliveryView,
    DisabledEndpoint,
    EndpointView,
    NewEndpoint,
    WebhookPolicy,
    backoff,
    check_addresses,
    new_endpoint_secret,
    parse_url,
)

RECENT_DELIVERIES = 5
KEPT = timedelta(days=30)  # events and their deliveries, once delivered

# A host's addresses as the server would reach them (DNS): injected, the domain does no I/O.
Resolver = Callable[[str], Awaitable[Sequence[str]]]


def _delivery_view(delivery: WebhookDelivery, event: WebhookEvent) -> DeliveryView:
    return DeliveryView(
        event_type=event.type,
        event_id=event.public_id,
        created_at=event.created_at,
        attempts=delivery.attempts,
        delivered_at=delivery.delivered_at,
        last_status=delivery.last_status,
        last_error=delivery.last_error,
    )


def _endpoint_view(
    number: int,
    endpoint: WebhookEndpoint,
    recent: Sequence[tuple[WebhookDelivery, WebhookEvent]] = (),
) -> EndpointView:
    return EndpointView(
        endpoint_id=endpoint.id,
        number=number,
        url=endpoint.url,
        created_at=endpoint.created_at,
        disabled_at=endpoint.disabled_at,
        failing_since=endpoint.failing_since,
        recent=tuple(_delivery_view(d, e) for d, e in recent),
    )


class WebhookService(ServiceBase):
    # --- the owner ----------------------------------------------------------------------------

    async def add_endpoint(
        self, owner_id: int, url: str, policy: WebhookPolicy, resolve: Resolver
    ) -> NewEndpoint:
        """Register a URL for the merchant's events; its signing secret is in the answer and
        shown nowhere else."""
        parsed = parse_url(url, policy)
        async with self._db.read() as session:
            await require_owner(self._directory(session), owner_id)
        check_addresses(parsed, await resolve(parsed.host), policy)
        now = self._clock.now()
        async with self._db.write() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            repository = WebhookRepository(session, self._dialect)
            existing = await repository.endpoints(merchant.id)
            if any(e.url == parsed.url for e in existing):
                raise errors.DuplicateWebhook(url=parsed.url)
            if len(existing) >= MAX_ENDPOINTS:
                raise errors.TooManyWebhooks(limit=MAX_ENDPOINTS)
            secret = new_endpoint_secret()
            endpoint = await repository.add(
                WebhookEndpoint(
                    merchant_id=merchant.id,
                    url=parsed.url,
                    secret=secret,
                    created_by_user_id=owner_id,
                    created_at=now,
                )
            )
            return NewEndpoint(_endpoint_view(len(existing) + 1, endpoint), secret)

    async def endpoints(self, owner_id: int) -> list[EndpointView]:
        """The merchant's endpoints, numbered, each with its latest deliveries."""
        async with self._db.read() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            repository = WebhookRepository(session, self._dialect)
            endpoints = await repository.endpoints(merchant.id)
            recent = await repository.recent([e.id for e in endpoints], RECENT_DELIVERIES)
            return [
                _endpoint_view(number, e, recent[e.id])
                for number, e in enumerate(endpoints, start=1)
            ]

    async def remove_endpoint(self, owner_id: int, number: int) -> str:
        """Remove the endpoint of that number in the owner's list; its URL. Nothing more is
        sent to it, not even what was still waiting."""
        async with self._db.write() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            repository = WebhookRepository(session, self._dialect)
            endpoints = await repository.endpoints(merchant.id)
            if not 1 <= number <= len(endpoints):
                raise errors.WebhookNotFound(number=number)
            endpoint = endpoints[number - 1]
            await repository.remove(endpoint.id)
            return endpoint.url

    async def disabled_endpoint(self, owner_id: int, endpoint_id: int) -> DisabledEndpoint:
        """A disabled endpoint of the owner's and what waits for it: what re-enabling it does."""
        async with self._db.read() as session:
            return await self._disabled(session, owner_id, endpoint_id)

    async def enable_endpoint(self, owner_id: int, endpoint_id: int) -> DisabledEndpoint:
        """Enable a disabled endpoint again: new events go to it, and the deliveries that were
        waiting when it was disabled are sent first, at once, in each card's order. Events of
        the time it was disabled were written for no endpoint of it: they are not sent. It has
        the whole retry window again before it can be disabled anew."""
        async with self._db.write() as session:
            found = await self._disabled(session, owner_id, endpoint_id)
            await WebhookRepository(session, self._dialect).enable(endpoint_id, self._clock.now())
            return found

    async def _disabled(
        self, session: Session, owner_id: int, endpoint_id: int
    ) -> DisabledEndpoint:
        merchant = await require_owner(self._directory(session), owner_id)
        repository = WebhookRepository(session, self._dialect)
        endpoint = next(
            (e for e in await repository.endpoints(merchant.id) if e.id == endpoint_id), None
        )
        if endpoint is None:
            raise errors.WebhookRemoved()
        if endpoint.disabled_at is None:
            raise errors.WebhookNotDisabled(url=endpoint.url)
        waiting = await repository.waiting(endpoint_id)
        return DisabledEndpoint(endpoint_id=endpoint_id, url=endpoint.url, waiting=waiting)

    # --- the workers that send ----------------------------------------------------------------

    async def claim_deliveries(self, lease: timedelta, limit: int) -> list[ClaimedDelivery]:
        now = self._clock.now()
        async with self._db.read() as session:
            if not await WebhookRepository(session, self._dialect).anything_claimable(now):
                return []
        async with self._db.write() as session:
            return await WebhookRepository(session, self._dialect).claim(now, lease, limit)

    async def renew_claims(self, delivery_ids: Sequence[int], lease: timedelta) -> None:
        if not delivery_ids:
            return
        async with self._db.write() as session:
            await WebhookRepository(session, self._dialect).renew(
                delivery_ids, self._clock.now() + lease
            )

    async def release_claims(self) -> None:
        """For the only process (SQLite) as it starts: claims left are its previous life's."""
        async with self._db.write() as session:
            await WebhookRepository(session, self._dialect).release_claims()

    async def delivered(self, delivery: ClaimedDelivery, status: int) -> None:
        async with self._db.write() as session:
            await WebhookRepository(session, self._dialect).delivered(
                delivery.id, delivery.endpoint_id, self._clock.now(), status
            )

    async def failed(self, delivery: ClaimedDelivery, status: int | None, error: str) -> bool:
        """A failed try: tried again after a back-off, unless its endpoint has now failed for
        the whole retry window; then the endpoint is disabled and its owner told (True)."""
        now = self._clock.now()
        async with self._db.write() as session:
            repository = WebhookRepository(session, self._dialect)
            failing_since = await repository.failed(
                delivery.id,
                delivery.endpoint_id,
                now,
                now + backoff(delivery.attempts),
                status,
                error,
            )
            if now - failing_since < RETRY_WINDOW:
                return False
            disabled = await repository.disable(delivery.endpoint_id, now)
            if disabled is None:
                return False
            merchant_id, url = disabled
            merchant = await self._directory(session).merchant(merchant_id)
            notice = WebhookDisabled(
                endpoint_id=delivery.endpoint_id,
                merchant_id=merchant_id,
                owner_user_id=merchant.owner_user_id,
                url=url,
            )
            await self._effects.record(session, [notice])
            return True

    async def prune(self) -> int:
        """Forget what was delivered a while ago (it stays listed in /webhooks until then)."""
        cutoff = self._clock.now() - KEPT
        return await prune_webhooks(self._db, cutoff)
