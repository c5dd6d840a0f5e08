"""The real application, polling a local Bot API emulator over HTTP, on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.application import LoyaltyApplication, build_application
from bot.config import Settings
from bot.runner import running
from domain.clock import ManualClock
from domain.service import LoyaltyService
from emulator.driver import BotApiEmulator

TOKEN = "123456:TEST-TOKEN-abcdefgh"
BOT_USERNAME = "loyalty_test_bot"


@dataclass
class Running:
    tg: BotApiEmulator
    application: LoyaltyApplication
    clock: ManualClock

    @property
    def service(self) -> LoyaltyService:
        service = self.application.bot_data.service
        assert service is not None
        return service


@pytest.fixture
async def tg() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as emulator:
        yield emulator


@pytest.fixture
async def bot(tg: BotApiEmulator, database_url: str, clock: ManualClock) -> AsyncIterator[Running]:
    settings = Settings(token=TOKEN, database_url=database_url, api_base_url=tg.base_url)
    application = build_application(settings, clock=clock)
    async with running(application):
        yield Running(tg=tg, application=application, clock=clock)
