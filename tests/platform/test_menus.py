"""A failing setMyCommands at start-up does not keep the bot from starting; the menus are set
by a retry once Telegram answers again."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.runner import running
from bot.i18n import LANGUAGES
from domain.clock import ManualClock
from emulator.driver import BotApiEmulator
from tests.support.chat import say
from tests.support.reliability import api_calls, until
from tests.support.running_bot import new_application


@pytest.fixture
def engine_name() -> str:
    return "sqlite"  # menus do not touch the database


def _server_error(tg: BotApiEmulator) -> None:
    tg.fail_next("setMyCommands", 500, times=10_000)


def _timeout(tg: BotApiEmulator) -> None:
    tg.set_delay("setMyCommands", 30)  # beyond the bot's read timeout


def _flood_control(tg: BotApiEmulator) -> None:
    tg.fail_next("setMyCommands", 429, retry_after=1, times=10_000)  # beyond the bot's retries


def _menus_everywhere(tg: BotApiEmulator) -> bool:
    scope = "all_private_chats"
    return bool(tg.commands(scope)) and all(tg.commands(scope, code) for code in LANGUAGES)


@pytest.mark.parametrize(
    "fault", [_server_error, _timeout, _flood_control], ids=["500", "timeout", "429"]
)
async def test_the_bot_starts_without_menus_and_sets_them_once_telegram_recovers(
    tg: BotApiEmulator,
    database_url: str,
    clock: ManualClock,
    fault: Callable[[BotApiEmulator], None],
) -> None:
    fault(tg)
    application = new_application(tg, database_url, clock)
    async with running(application):
        customer = tg.user(701, "Ann", language_code="en")
        assert "/card" in (await say(customer, "/help", wait=20)).content
        assert not _menus_everywhere(tg)
        tg.clear_faults()
        await until(lambda: _menus_everywhere(tg), wait=20, what="the menus being set")
        assert api_calls(tg, "setMyCommands", 200)
