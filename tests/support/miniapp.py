"""The Mini App served over real HTTP by the real, running bot, on both database engines: the
`miniapp` fixture (loaded for the whole suite by tests/conftest.py) and its client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from domain.model import UserProfile
from tests.support.running_bot import TOKEN, Running
from tests.support.servers import serving
from webapp import WebAppConfig, standalone_app
from webapp.initdata import signed_for


@dataclass
class MiniAppClient:
    """Calls the Mini App's API as a Telegram client would: initData in the header."""

    base_url: str
    running: Running
    http: httpx.AsyncClient

    def init_data(self, person: UserProfile) -> str:
        return signed_for(
            person.user_id,
            TOKEN,
            now=self.running.clock.now(),
            first_name=person.first_name or "",
            username=person.username,
            language_code=person.telegram_language,
        )

    async def call(
        self, name: str, person: UserProfile | None, body: dict[str, Any] | None = None, **kw: Any
    ) -> httpx.Response:
        headers = {} if person is None else {"Authorization": f"tma {self.init_data(person)}"}
        headers.update(kw.pop("headers", {}))
        return await self.http.post(
            f"{self.base_url}/app/api/{name}", json=body or {}, headers=headers
        )


@pytest.fixture
async def miniapp(bot: Running) -> AsyncIterator[MiniAppClient]:
    app = standalone_app(bot.application, WebAppConfig(token=TOKEN))
    async with serving(app) as base_url, httpx.AsyncClient(timeout=20) as http:
        yield MiniAppClient(base_url=base_url, running=bot, http=http)
