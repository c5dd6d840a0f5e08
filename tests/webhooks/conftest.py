"""The real, running bot (allowed to post events to loopback, as in the playground) on both
database engines, and a local receiver of its webhooks."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.runner import running
from domain.clock import ManualClock
from domain.webhooks import WebhookPolicy
from emulator.driver import BotApiEmulator
from tests.support.running_bot import Running, new_application
from tests.webhooks.receiver import Receiver, receiving


@pytest.fixture
async def bot(
    tg: BotApiEmulator,
    database_url: str,
    clock: ManualClock,
) -> AsyncIterator[Running]:
    application = new_application(
        tg, database_url, clock, webhook_policy=WebhookPolicy(allow_http=True)
    )
    async with running(application):
        yield Running(tg=tg, application=application, clock=clock)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as found:
        yield found
