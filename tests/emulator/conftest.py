"""Fixtures for the Bot API emulator's own tests: an emulator and a real PTB Bot on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest
from telegram import Bot

if TYPE_CHECKING:
    from emulator import BotApiEmulator, EmulatedUser

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
async def tg() -> AsyncIterator[BotApiEmulator]:
    from emulator import BotApiEmulator

    async with BotApiEmulator(TOKEN, "loyalty_test_bot", webhook_retry_delay=0.05) as emulator:
        yield emulator


@pytest.fixture
async def bot(tg: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=tg.base_url, base_file_url=tg.base_file_url) as real_bot:
        yield real_bot


@pytest.fixture
def alice(tg: BotApiEmulator) -> EmulatedUser:
    """A user who has talked to the bot before (so the bot may write to her)."""
    return tg.user(1001, "Alice", language_code="lb", username="alice", started=True)


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta durations: without it, every RetryAfter PTB builds emits a
    PTBDeprecationWarning, which filterwarnings=error turns into a failure."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
