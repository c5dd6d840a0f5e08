"""The real bot against the emulator: the webhook app over HTTP (as in tests/webhook), or
polling in this process (as in tests/e2e)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from app.runner import running
from app.webhook import create_app
from bot.config import Settings
from domain.clock import ManualClock
from emulator.driver import BotApiEmulator
from tests.e2e.conftest import BOT_USERNAME, TOKEN, Running, new_application
from tests.support.servers import free_port, serving

WEBHOOK_TOKEN = "123456:TEST-TOKEN-hardening-webhook"
SECRET = "s3cret_Token-hardening"


@dataclass
class Deployed:
    tg: BotApiEmulator
    url: str


@pytest.fixture
async def deployed(database_url: str) -> AsyncIterator[Deployed]:
    async with BotApiEmulator(token=WEBHOOK_TOKEN, bot_username="loyalty_test_bot") as tg:
        port = free_port()
        settings = Settings(
            token=WEBHOOK_TOKEN,
            database_url=database_url,
            api_base_url=tg.base_url,
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            webhook_secret=SECRET,
            port=port,
        )
        async with serving(create_app(settings), port=port) as url:
            yield Deployed(tg, url)


@pytest.fixture
async def tg() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as emulator:
        yield emulator


@pytest.fixture
async def bot(tg: BotApiEmulator, database_url: str, clock: ManualClock) -> AsyncIterator[Running]:
    """The real bot, polling the emulator in this process (as in tests/e2e)."""
    application = new_application(tg, database_url, clock)
    async with running(application):
        yield Running(tg=tg, application=application, clock=clock)
