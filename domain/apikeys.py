"""API keys for tills and tools: their scopes, their secrets and what a key may do (PRODUCT.md §12).

A key acts for its merchant (or one of its stores) at the counter, as a staff member would,
through the same use cases; it is no person, so it has no user id.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from domain import errors

SECRET_PREFIX = "lk_"
NAME_MAX_LENGTH = 32
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
# How often a key's last use is written: a till calling every second needs no row update each
# time to show "last used" in minutes.
LAST_USE_PRECISION_SECONDS = 60
# Requests a key may make in a minute, across every worker (API_REQUESTS_PER_MINUTE): a till
# asks once or twice per sale; a script gone round in a loop is stopped before it costs others.
DEFAULT_REQUESTS_PER_MINUTE = 120


class Scope(enum.StrEnum):
    READ = "read"
    EARN = "earn"
    REDEEM = "redeem"


ALL_SCOPES = frozenset(Scope)


@dataclass(frozen=True)
class ApiKeyActor:
    """An authenticated key, as the use cases see it: for whom it acts and what it may do."""

    key_id: int
    merchant_id: int
    store_id: int | None  # None: every store of the merchant
    scopes: frozenset[Scope]

    def require(self, scope: Scope) -> None:
        if scope not in self.scopes:
            raise errors.ApiKeyScopeMissing(scope=scope.value)


@dataclass(frozen=True)
class ApiKeyView:
    """A key as its owner sees it listed: never its secret."""

    name: str
    scopes: frozenset[Scope]
    store_name: str | None
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class NewApiKey:
    """A key just made: the secret is shown this once and never stored."""

    key: ApiKeyView
    secret: str


def new_secret() -> str:
    """A long random token (256 bits): guessing one is out of reach."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """What is stored of a secret. A plain SHA-256 is enough here, unlike for passwords: the
    secrets are 256 random bits, so there is no dictionary to try and nothing a slow hash (or a
    salt) would protect; and a fast, deterministic hash lets the key be found by an index."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Constant-time comparison, so the time taken says nothing about how much matched."""
    return hmac.compare_digest(secret_hash(secret), stored_hash)


def looks_like_secret(text: str) -> bool:
    return text.startswith(SECRET_PREFIX) and 16 <= len(text) <= 128 and text.isascii()


def check_key_name(name: str) -> str:
    cleaned = name.strip()
    if not (1 <= len(cleaned) <= NAME_MAX_LENGTH) or not _NAME.match(cleaned):
        raise errors.InvalidApiKeyName(max_length=NAME_MAX_LENGTH)
    return cleaned


def parse_scopes(words: list[str]) -> frozenset[Scope]:
    """Scopes named by the owner (`read,earn` or `read earn`); all three when none is named."""
    names = [w for word in words for w in word.replace(",", " ").split()]
    if not names:
        return ALL_SCOPES
    try:
        return frozenset(Scope(name.casefold()) for name in names)
    except ValueError:
        raise errors.InvalidApiKeyScopes(allowed=tuple(s.value for s in Scope)) from None


def scopes_text(scopes: frozenset[Scope]) -> str:
    """Scopes as stored and shown: in their fixed order, comma-separated."""
    return ",".join(s.value for s in Scope if s in scopes)


def scopes_of(text: str) -> frozenset[Scope]:
    return frozenset(Scope(name) for name in text.split(",") if name)
