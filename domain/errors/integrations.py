"""Refusals met by a till or a café's tools: API keys, receipts, cursors and webhooks."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors.base import DomainError


class ApiKeyRefused(DomainError):
    """No key, an unknown one or a revoked one: the request is not anybody's."""


@dataclass(eq=False)
class ApiKeyScopeMissing(DomainError):
    """The key was not given the scope the request needs."""

    scope: str


@dataclass(eq=False)
class InvalidApiKeyName(DomainError):
    """A key's name: 1 to `max_length` letters, digits, '.', '_' or '-' (no spaces)."""

    max_length: int


@dataclass(eq=False)
class InvalidApiKeyScopes(DomainError):
    """A scope that does not exist."""

    allowed: tuple[str, ...]


@dataclass(eq=False)
class DuplicateApiKeyName(DomainError):
    """The merchant already has a key of that name (revoke it first)."""

    name: str


@dataclass(eq=False)
class ApiKeyNotFound(DomainError):
    """No key of the merchant has that name (or it was revoked)."""

    name: str


@dataclass(eq=False)
class ReceiptAlreadyUsed(DomainError):
    """The till's receipt id has already earned on a card of this merchant."""

    receipt: str


@dataclass(eq=False)
class ReceiptNotFound(DomainError):
    """No earning of this merchant (within the key's store) has that receipt id."""

    receipt: str


@dataclass(eq=False)
class ReceiptRefunded(DomainError):
    """The receipt's earning was refunded before: a receipt is refunded once."""

    receipt: str


@dataclass(eq=False)
class ReceiptOfOtherStore(DomainError):
    """A store's key refunds only what was earned at its store."""

    receipt: str
    store_name: str


@dataclass(eq=False)
class InvalidCursor(DomainError):
    """The `after` of an operations listing is not one the listing gave."""


class InvalidWebhookUrl(DomainError):
    """Not a URL an event could be posted to (no host, spaces, credentials, too long...)."""


class WebhookNeedsHttps(DomainError):
    """Events go out over HTTPS only (plain http only to this machine, when the operator
    allows it for tests)."""


@dataclass(eq=False)
class WebhookHostUnknown(DomainError):
    """The URL's host name resolves to no address."""

    host: str


@dataclass(eq=False)
class WebhookAddressRefused(DomainError):
    """The URL's host is on a private, loopback or link-local network: events are not sent
    inside the server's own network unless the operator allows it."""

    host: str


@dataclass(eq=False)
class TooManyWebhooks(DomainError):
    """The merchant has as many endpoints as allowed."""

    limit: int


@dataclass(eq=False)
class DuplicateWebhook(DomainError):
    """That URL is registered already."""

    url: str


@dataclass(eq=False)
class WebhookNotFound(DomainError):
    """No endpoint has that number in the owner's list."""

    number: int


@dataclass(eq=False)
class WebhookRemoved(DomainError):
    """A button names an endpoint the owner no longer has (removed since, or never theirs)."""


@dataclass(eq=False)
class WebhookNotDisabled(DomainError):
    """Re-enabling an endpoint that is working."""

    url: str
