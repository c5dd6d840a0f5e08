"""Webhooks for tills and tools (PRODUCT.md §12): which URLs an owner may register, what an
event's body holds, how it is signed, and how long failures are retried.

Pure rules; the SQL is in domain/db/webhooks.py (events) and domain/db/webhook_deliveries.py
(endpoints, deliveries), the use cases in domain/service/webhooks.py, and the HTTP requests in
app/outgoing_webhooks.py.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from domain import errors

SIGNATURE_HEADER = "Loyalty-Signature"
SECRET_PREFIX = "whsec_"
MAX_URL_LENGTH = 400
MAX_ENDPOINTS = 5  # per merchant: each one is a copy of every event
# An endpoint that has failed for this long is disabled (and its owner told).
RETRY_WINDOW = timedelta(days=3)
FIRST_RETRY_SECONDS = 15.0
MAX_BACKOFF_SECONDS = 3600.0  # at most an hour between two tries: ~75 tries in three days


class EventType(StrEnum):
    """The event catalogue (docs/api.md, "Events")."""

    CARD_CREATED = "card.created"
    OPERATION_CREATED = "operation.created"
    REWARD_READY = "reward.ready"
    CUSTOMER_FORGOTTEN = "customer.forgotten"


@dataclass(frozen=True)
class WebhookPolicy:
    """What the operator allows besides public HTTPS URLs.

    `allow_http` (ALLOW_HTTP_WEBHOOKS): plain http to a loopback address, and loopback
    addresses at all, for local tests and the playground. `allow_private`
    (ALLOW_PRIVATE_WEBHOOKS): addresses of a private network (a till on the café's LAN), and
    loopback ones. Link-local addresses (169.254.x.x, fe80::) are never allowed.
    """

    allow_http: bool = False
    allow_private: bool = False


@dataclass(frozen=True)
class WebhookUrl:
    url: str
    scheme: str
    host: str


def parse_url(url: str, policy: WebhookPolicy) -> WebhookUrl:
    """The URL's parts, or a refusal when it cannot be an endpoint whatever it resolves to."""
    cleaned = url.strip()
    if not cleaned or len(cleaned) > MAX_URL_LENGTH or any(c.isspace() for c in cleaned):
        raise errors.InvalidWebhookUrl()
    try:
        parts = urlsplit(cleaned)
        port = parts.port  # raises on a port that is not a number or out of range
    except ValueError:
        raise errors.InvalidWebhookUrl() from None
    del port
    scheme = parts.scheme.casefold()
    host = (parts.hostname or "").casefold()
    if not host or parts.username is not None or parts.password is not None:
        raise errors.InvalidWebhookUrl()
    if scheme == "http" and not policy.allow_http:
        raise errors.WebhookNeedsHttps()
    if scheme not in ("https", "http"):
        raise errors.InvalidWebhookUrl()
    return WebhookUrl(url=cleaned, scheme=scheme, host=host)


def check_addresses(url: WebhookUrl, addresses: Sequence[str], policy: WebhookPolicy) -> None:
    """Refuse a URL whose host resolves (now) to an address the policy does not allow: every
    address is checked, since a client may use any of them."""
    if not addresses:
        raise errors.WebhookHostUnknown(host=url.host)
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # an IPv6 scope is no part of it
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address.is_loopback:
            allowed = policy.allow_http or policy.allow_private
        elif url.scheme == "http":
            raise errors.WebhookNeedsHttps()  # plain http only ever to this machine
        elif address.is_link_local:  # a cloud's metadata service lives there: never
            allowed = False
        elif not address.is_global:  # private, shared, reserved, multicast...
            allowed = policy.allow_private and address.is_private
        else:
            allowed = True
        if not allowed:
            raise errors.WebhookAddressRefused(host=url.host)


def new_endpoint_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def new_event_id() -> str:
    return "evt_" + secrets.token_hex(12)


def event_body(
    event_id: str, event_type: EventType, created_at: datetime, merchant_id: int, data: Any
) -> str:
    """The exact bytes (as text) sent on every try: fixed when the event is recorded."""
    return json.dumps(
        {
            "id": event_id,
            "type": event_type.value,
            "created_at": created_at.isoformat().replace("+00:00", "Z"),
            "merchant": merchant_id,
            "data": data,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def signature(secret: str, timestamp: int, body: str) -> str:
    """The header's value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def backoff(attempts: int) -> timedelta:
    """How long to wait after `attempts` failed tries of one delivery."""
    exponent = min(max(attempts - 1, 0), 20)
    return timedelta(seconds=min(MAX_BACKOFF_SECONDS, FIRST_RETRY_SECONDS * 2.0**exponent))


@dataclass(frozen=True)
class DeliveryView:
    """A recent delivery as the owner sees it."""

    event_type: str
    event_id: str
    created_at: datetime
    attempts: int
    delivered_at: datetime | None
    last_status: int | None
    last_error: str | None


@dataclass(frozen=True)
class EndpointView:
    endpoint_id: int  # what its buttons carry (its number changes when another is removed)
    number: int  # its place in the owner's list (what /webhooks remove takes)
    url: str
    created_at: datetime
    disabled_at: datetime | None
    failing_since: datetime | None
    recent: tuple[DeliveryView, ...]


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: EndpointView
    secret: str  # shown once


@dataclass(frozen=True)
class DisabledEndpoint:
    """A disabled endpoint as its owner re-enables it: the deliveries that were waiting when it
    was disabled are kept (until KEPT), and sent first, in order, once it is enabled again."""

    endpoint_id: int
    url: str
    waiting: int
