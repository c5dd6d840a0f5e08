"""The real application, polling a local Bot API emulator over HTTP, on a real database: the
`tg` (emulator) and `bot` (running application) fixtures every story folder uses, loaded for the
whole suite by tests/conftest.py, and the names the stories build their own bots from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from app.application import build_application
from app.runner import running
from bot.config import Settings
from bot.context import LoyaltyApplication
from domain.clock import ManualClock
from domain.service import LoyaltyService
from emulator.driver import BotApiEmulator
from infra import Infrastructure
from infra.bots import TokenCipher

TOKEN = "123456:TEST-TOKEN-abcdefgh"
BOT_USERNAME = "loyalty_test_bot"
# Café bots' tokens are stored encrypted under this key (BOT_TOKEN_KEY); one per test run.
BOT_TOKEN_KEY = TokenCipher.new_key()


@dataclass
class Running:
    tg: BotApiEmulator
    application: LoyaltyApplication
    clock: ManualClock

    @property
    def service(self) -> LoyaltyService:
        service = self.application.bot_data.runtime.service
        assert service is not None
        return service

    @property
    def infra(self) -> Infrastructure:
        infra = self.application.bot_data.runtime.infra
        assert infra is not None
        return infra


@pytest.fixture
async def tg() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as emulator:
        yield emulator


# Scheduled jobs run 100 times as often as in production: the summary check every 0.6 s.
JOB_INTERVAL_SCALE = 0.01
# For a job a test runs once by hand: APScheduler skips a run that starts more than a second
# late (its default grace time), which a loaded machine's event loop sometimes is.
RUN_HOWEVER_LATE: dict[str, Any] = {"misfire_grace_time": None}


def new_application(
    tg: BotApiEmulator, database_url: str, clock: ManualClock, **settings_given: Any
) -> LoyaltyApplication:
    """`settings_given`: Settings fields besides the emulator's (a webhook policy...)."""
    settings = Settings(
        token=TOKEN,
        database_url=database_url,
        api_base_url=tg.base_url,
        bot_token_key=BOT_TOKEN_KEY,
        job_interval_scale=JOB_INTERVAL_SCALE,
        **settings_given,
    )
    return build_application(settings, clock=clock, job_interval_scale=JOB_INTERVAL_SCALE)


@pytest.fixture
async def bot(tg: BotApiEmulator, database_url: str, clock: ManualClock) -> AsyncIterator[Running]:
    application = new_application(tg, database_url, clock)
    async with running(application):
        yield Running(tg=tg, application=application, clock=clock)
