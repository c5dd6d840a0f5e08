"""What an API route is, declared once for the server and the OpenAPI document: its method and
path, the scope a key needs, its body and answer models, and the handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pydantic import BaseModel
from starlette.responses import Response

from domain.apikeys import ApiKeyActor, Scope
from domain.service import LoyaltyService
from domain.service.counter_operations import ApiRequest

PREFIX = "/api/v1"


@dataclass(frozen=True)
class Call:
    """One authenticated request, as a handler reads it."""

    key: ApiKeyActor
    ref: str
    body: BaseModel | None
    idempotency: ApiRequest | None
    idempotency_key: str | None  # the ledger's: the header's, within this API key's own
    query: BaseModel | None = None
    # The language the till asked for (Accept-Language), on routes that name rewards.
    language: str | None = None


Handler = Callable[[LoyaltyService, Call], Awaitable[Response]]


@dataclass(frozen=True)
class Endpoint:
    """A route and what the OpenAPI document says of it, declared once."""

    method: str
    path: str  # as OpenAPI writes it: /cards/{ref}
    summary: str
    scope: Scope  # what the key must be allowed
    answer: type[BaseModel]
    handler: Handler
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None  # what the query string may hold
    refusals: tuple[int, ...] = ()
    localised: bool = False  # its answer names rewards, in the Accept-Language asked for

    @property
    def route_path(self) -> str:
        # A card reference may be a whole t.me link, percent-encoded: its slashes arrive decoded.
        return self.path.replace("{ref}", "{ref:path}")
