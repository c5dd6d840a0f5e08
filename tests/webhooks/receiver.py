"""A till's webhook receiver for tests: a real HTTP server on loopback that records every
request and answers each with the status its script says (200 unless told otherwise)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.servers import serving


@dataclass(frozen=True)
class Received:
    signature: str
    body: bytes
    status: int  # what the receiver answered

    @property
    def event(self) -> dict[str, Any]:
        value = json.loads(self.body)
        assert isinstance(value, dict)
        return value


def verified(secret: str, received: Received) -> bool:
    """The check docs/api.md shows integrators, written out independently of the sender."""
    parts = dict(part.split("=", 1) for part in received.signature.split(","))
    signed = parts["t"].encode() + b"." + received.body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


@dataclass
class Receiver:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    # The status for the next request, given the event it carries (200 when None).
    answer: Callable[[dict[str, Any]], int] | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    # While set and closed, requests are held unanswered (their bodies kept in `held`).
    gate: asyncio.Event | None = None
    held: list[bytes] = field(default_factory=list)

    def events(self, status: int | None = 200) -> list[dict[str, Any]]:
        """The events received (and answered with `status`; None: all of them), in order."""
        return [r.event for r in self.received if status is None or r.status == status]

    async def wait_for(self, count: int, status: int | None = 200, wait: float = 15.0) -> None:
        """Until `count` requests answered with `status` arrived."""
        async with asyncio.timeout(wait):
            while len(self.events(status)) < count:
                self.arrived.clear()
                await self.arrived.wait()

    async def _hook(self, request: Request) -> Response:
        body = await request.body()
        if self.gate is not None and not self.gate.is_set():
            self.held.append(body)
            self.arrived.set()
            await self.gate.wait()
            return Response(status_code=504)  # nobody is listening any more
        event = json.loads(body)
        status = 200 if self.answer is None else self.answer(event)
        self.received.append(Received(request.headers.get("Loyalty-Signature", ""), body, status))
        self.arrived.set()
        return Response(status_code=status)


@asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = Starlette(routes=[Route("/hook", receiver._hook, methods=["POST"])])
    async with serving(app) as base_url:
        receiver.url = f"{base_url}/hook"
        yield receiver
