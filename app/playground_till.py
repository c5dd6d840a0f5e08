"""The playground's till (`:till`): an API key for the café, a one-line `curl` that earns on a
customer's card through the API, and a local receiver of the café's webhooks that the
playground prints as they come — what a till and a spreadsheet tool would see.

The API and the receiver are served beside the Mini App, on the playground's local web server;
the bot posts webhooks to plain http on this machine because the playground allows it
(ALLOW_HTTP_WEBHOOKS, as in tests).
"""

from __future__ import annotations

import hmac
import json
import shlex
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain import errors
from domain.apikeys import ALL_SCOPES
from domain.model import CardView
from domain.service import LoyaltyService
from domain.webhooks import SIGNATURE_HEADER, WebhookPolicy, signature
from infra.dns import resolve_host

RECEIVER_PATH = "/playground/webhooks"
KEY_NAME = "playground-till"
POLICY = WebhookPolicy(allow_http=True)


@dataclass
class Till:
    base_url: str = ""  # the local web server's, once it runs
    secret: str | None = None  # the receiver's endpoint secret, to check signatures
    news: list[str] = field(default_factory=list)  # webhooks received, still to print

    @property
    def receiver_url(self) -> str:
        return f"{self.base_url}{RECEIVER_PATH}"

    def route(self) -> Route:
        return Route(RECEIVER_PATH, self._receive, methods=["POST"])

    async def _receive(self, request: Request) -> Response:
        body = await request.body()
        try:
            event = json.loads(body)
        except ValueError:
            event = {}
        self.news.append(
            describe(event, self._checked(request.headers.get(SIGNATURE_HEADER), body))
        )
        return Response(status_code=204)

    def _checked(self, header: str | None, body: bytes) -> str:
        if self.secret is None or not header:
            return "signature not checked"
        try:
            fields = dict(part.split("=", 1) for part in header.split(","))
            expected = signature(self.secret, int(fields["t"]), body.decode())
        except (KeyError, ValueError):
            return "signature ✗"
        return "signature ✓" if hmac.compare_digest(expected, header) else "signature ✗"

    async def set_up(
        self, service: LoyaltyService, owner_id: int, customer_ids: list[int]
    ) -> list[str]:
        """A fresh key and this session's receiver for the owner's café; the lines to print."""
        try:
            stores = await service.merchants.stores(owner_id)
        except errors.NotOwner:
            return ["Set up the café first: as the owner, /setup Café Demo."]
        try:
            new = await service.api_keys.create_key(owner_id, KEY_NAME, ALL_SCOPES)
        except errors.DuplicateApiKeyName:  # its secret was shown once: make another
            await service.api_keys.revoke_key(owner_id, KEY_NAME)
            new = await service.api_keys.create_key(owner_id, KEY_NAME, ALL_SCOPES)
        # An earlier session's receiver listened on another port: only this one hears.
        for endpoint in reversed(await service.webhooks.endpoints(owner_id)):
            if endpoint.url.endswith(RECEIVER_PATH):
                await service.webhooks.remove_endpoint(owner_id, endpoint.number)
        added = await service.webhooks.add_endpoint(
            owner_id, self.receiver_url, POLICY, resolve_host
        )
        self.secret = added.secret
        lines = [f"Your till's API key (shown once; /apikeys lists it): {new.secret}"]
        card = await _a_card(service, stores[0].merchant_id, customer_ids)
        if card is None:
            lines.append(
                "No customer has a card yet: one joins (:as customer, :open N), then :till."
            )
        else:
            lines.append(f"Earn on {card.display_number} from another terminal:")
            lines.append(curl_line(self.base_url, new.secret, card))
            lines.append(
                "The same line again is answered the same, and earns once (Idempotency-Key):"
                " change the key for another purchase."
            )
        lines.append(f"Webhooks go to {self.receiver_url} and are shown here as they come.")
        return lines


async def _a_card(
    service: LoyaltyService, merchant_id: int, customer_ids: list[int]
) -> CardView | None:
    for customer_id in customer_ids:
        for card in await service.customers.cards(customer_id):
            if card.merchant_id == merchant_id:
                return card
    return None


def curl_line(base_url: str, secret: str, card: CardView) -> str:
    """One shell line that earns on the card as a till would: points for a purchase, or a
    stamp where the programme has no points."""
    body = {"amount": "12.50"} if card.program_type.has_points else {"stamps": 1}
    parts = [
        "curl",
        "-s",
        "-X",
        "POST",
        f"{base_url}/api/v1/cards/{card.number}/earn",
        "-H",
        f"Authorization: Bearer {secret}",
        "-H",
        f"Idempotency-Key: {uuid.uuid4().hex}",
        "-H",
        "Content-Type: application/json",
        "-d",
        json.dumps(body),
    ]
    return " ".join(shlex.quote(part) for part in parts)


def describe(event: dict[str, Any], checked: str) -> str:
    """A webhook in one line: its type and id, what happened, whether its signature holds."""
    data = event.get("data") or {}
    what = ", ".join(
        f"{name} {data[name]}"
        for name in ("card", "kind", "stamps", "points", "amount", "receipt")
        if data.get(name) not in (None, "")
    )
    return f"📨 webhook {event.get('type', '?')} {event.get('id', '?')}: {what} ({checked})"
