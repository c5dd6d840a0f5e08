"""The in-process bot against the emulator (as in tests/e2e), for the Telegram fault tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.runner import running
from domain.clock import ManualClock
from emulator.driver import BotApiEmulator
from tests.e2e.conftest import BOT_USERNAME, TOKEN, Running, new_application


@pytest.fixture
async def tg() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as emulator:
        yield emulator


@pytest.fixture
async def bot(tg: BotApiEmulator, database_url: str, clock: ManualClock) -> AsyncIterator[Running]:
    application = new_application(tg, database_url, clock)
    async with running(application):
        yield Running(tg=tg, application=application, clock=clock)
