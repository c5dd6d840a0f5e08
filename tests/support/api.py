"""The till API served over real HTTP by the real, running bot, on both database engines: the
`api` fixture, its client and `open_cafe`."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from api import standalone_app
from domain.apikeys import ALL_SCOPES, Scope
from domain.model import CardView, UserProfile
from domain.service import LoyaltyService
from tests.support.running_bot import Running
from tests.support.scenario import Shop, new_profile, open_shop
from tests.support.servers import serving


@dataclass
class ApiClient:
    """Calls the API as a till would: its key in the Authorization header."""

    base_url: str
    running: Running
    http: httpx.AsyncClient

    @property
    def service(self) -> LoyaltyService:
        return self.running.service

    async def get(self, path: str, secret: str | None, **kw: Any) -> httpx.Response:
        return await self.http.get(f"{self.base_url}/api/v1{path}", headers=_auth(secret), **kw)

    async def post(
        self,
        path: str,
        secret: str | None,
        body: object,
        idempotency_key: str | None = "fresh",
        **kw: Any,
    ) -> httpx.Response:
        headers = _auth(secret)
        if idempotency_key is not None:
            headers["Idempotency-Key"] = (
                uuid.uuid4().hex if idempotency_key == "fresh" else idempotency_key
            )
        headers.update(kw.pop("headers", {}))
        return await self.http.post(
            f"{self.base_url}/api/v1{path}", json=body, headers=headers, **kw
        )


def _auth(secret: str | None) -> dict[str, str]:
    return {} if secret is None else {"Authorization": f"Bearer {secret}"}


@pytest.fixture
async def api(bot: Running) -> AsyncIterator[ApiClient]:
    async with (
        serving(standalone_app(bot.application)) as base_url,
        httpx.AsyncClient(timeout=20) as http,
    ):
        yield ApiClient(base_url=base_url, running=bot, http=http)


@dataclass
class Cafe:
    shop: Shop
    customer: UserProfile
    card: CardView
    secret: str  # a key with every scope


async def open_cafe(
    client: ApiClient,
    name: str = "Café Lux",
    scopes: frozenset[Scope] = ALL_SCOPES,
    **settings: str,
) -> Cafe:
    service = client.service
    shop = await open_shop(service, name, **settings)
    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    new = await service.api_keys.create_key(shop.owner.user_id, "till", scopes)
    return Cafe(shop=shop, customer=customer, card=card, secret=new.secret)
