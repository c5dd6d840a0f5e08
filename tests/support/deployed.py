"""The real bot behind the webhook app (`app.webhook`) over HTTP, with an emulator of its own:
the `deployed` fixture, and the token and secret the webhook workers are started with too
(tests/support/processes.py). The polling bot in the test's process is `bot`
(tests/support/running_bot.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from app.webhook import create_app
from bot.config import Settings
from emulator.driver import BotApiEmulator
from tests.support.servers import free_port, serving

TOKEN = "123456:TEST-TOKEN-webhook"
SECRET = "s3cret_Token-1"


@dataclass
class Deployed:
    tg: BotApiEmulator
    url: str


@pytest.fixture
async def deployed(database_url: str) -> AsyncIterator[Deployed]:
    async with BotApiEmulator(token=TOKEN, bot_username="loyalty_test_bot") as tg:
        port = free_port()
        settings = Settings(
            token=TOKEN,
            database_url=database_url,
            api_base_url=tg.base_url,
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            webhook_secret=SECRET,
            port=port,
        )
        async with serving(create_app(settings), port=port) as url:
            yield Deployed(tg, url)
