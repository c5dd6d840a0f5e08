"""Sends the events of the owners' webhook endpoints (PRODUCT.md §12); every worker runs one.

It claims due deliveries for a lease (a card's events to an endpoint one at a time, in order;
two workers never hold the same delivery), posts each event's fixed body signed with its
endpoint's secret, and records the answer: a 2xx is delivered; anything else (an error status,
a redirect, a timeout, a refused address) is tried again after a back-off, by whichever worker
is free, until the endpoint has failed for three days. A worker that dies mid-request leaves
its deliveries to be claimed again when the lease runs out: delivered at least once, with the
same event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from urllib.parse import urlsplit

import httpx

from domain import errors
from domain.clock import Clock
from domain.db.webhook_deliveries import ClaimedDelivery
from domain.service.webhooks import WebhookService
from domain.webhooks import SIGNATURE_HEADER, WebhookPolicy, check_addresses, parse_url, signature
from infra.dns import resolve_host

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
POLL_SECONDS = 0.5
BATCH = 20
# Short: a slow receiver delays its own events only, and a try always ends within the lease.
TIMEOUT = httpx.Timeout(5.0, connect=3.0)
USER_AGENT = "loyalty-bot-webhooks/1"


class WebhookSender:
    def __init__(
        self,
        service: WebhookService,
        clock: Clock,
        policy: WebhookPolicy,
        *,
        lease: timedelta = LEASE,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._service = service
        self._clock = clock
        self._policy = policy
        self._lease = lease
        self._poll = poll_seconds
        self._http = httpx.AsyncClient(
            timeout=TIMEOUT,
            follow_redirects=False,  # a redirect could lead anywhere: it counts as a failure
            headers={"User-Agent": USER_AGENT},
        )
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._renewer: asyncio.Task[None] | None = None
        self._holding: set[int] = set()

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run())
        self._renewer = asyncio.create_task(self._renew_forever())

    async def stop(self) -> None:
        """Finish the batch in hand, then stop."""
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer
            self._renewer = None
        await self._http.aclose()

    async def deliver_due(self) -> int:
        """Try one batch of due deliveries; how many were claimed."""
        claimed = await self._service.claim_deliveries(self._lease, BATCH)
        if claimed:
            await asyncio.gather(*(self._deliver(d) for d in claimed))
        return len(claimed)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                if await self.deliver_due():
                    continue
            except Exception:
                log.exception("could not claim webhook deliveries; will retry")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._poll)

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 3)
            try:
                await self._service.renew_claims(sorted(self._holding), self._lease)
            except Exception:
                log.exception("could not renew the claims of webhook deliveries")

    async def _deliver(self, delivery: ClaimedDelivery) -> None:
        self._holding.add(delivery.id)
        try:
            status, error = await self._post(delivery)
            if status is not None and 200 <= status < 300:
                await self._service.delivered(delivery, status)
            elif await self._service.failed(delivery, status, error):
                log.warning(
                    "webhook endpoint %s failed for the whole retry window; disabled",
                    _host(delivery.url),
                )
        except Exception:
            # The database: the claim runs out and the delivery is tried again.
            log.exception("could not record a webhook delivery's outcome")
        finally:
            self._holding.discard(delivery.id)

    async def _post(self, delivery: ClaimedDelivery) -> tuple[int | None, str]:
        """The receiver's status (None: no answer) and what went wrong, if anything."""
        try:
            # Checked again at each try: a name can come to point inside our network later.
            url = parse_url(delivery.url, self._policy)
            check_addresses(url, await resolve_host(url.host), self._policy)
        except errors.DomainError as refused:
            return None, type(refused).__name__
        stamp = int(self._clock.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(delivery.secret, stamp, delivery.body),
            "Loyalty-Event-Id": delivery.event_id,
        }
        try:
            response = await self._http.post(
                delivery.url, content=delivery.body.encode(), headers=headers
            )
        except httpx.TimeoutException:
            return None, "timeout"
        except httpx.HTTPError as failure:
            return None, f"{type(failure).__name__}: {failure}"[:200]
        if response.is_redirect:
            return response.status_code, "redirect not followed"
        return response.status_code, "" if response.is_success else response.reason_phrase


def _host(url: str) -> str:
    return urlsplit(url).hostname or "?"
