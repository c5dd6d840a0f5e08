"""Polling survives an update the library cannot read, and stops the process (exit status 3)
when Telegram refuses the bot token."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from emulator.driver import BotApiEmulator
from tests.support.chat import say
from tests.support.databases import sqlite_url
from tests.support.processes import TOKEN, bot_environment, finish, start_bot
from tests.support.running_bot import Running

PRIVATE = "Private words of a customer"


async def test_an_unreadable_update_is_set_aside_and_polling_goes_on(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    tg = bot.tg
    before = tg.user(601, "Before", language_code="en")
    assert await say(before, "/help")
    # A message without chat or date: Update.de_json fails on it.
    poison = tg.inject_raw_update("message", {"message_id": 1, "text": PRIVATE})
    after = tg.user(602, "After", language_code="en")
    assert await say(after, "/help")  # every chat goes on
    await tg.wait_idle()
    assert tg.pending_updates == 0  # the offset went past the unreadable one too
    assert bot.application.bot_data.poison_updates == 1
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.updates"]
    assert lines == [f"set aside update {poison}: the library cannot read it (KeyError)"]
    assert PRIVATE not in caplog.text


@pytest.mark.parametrize("body", [PRIVATE, [1, 2]], ids=["string", "array"])
async def test_an_update_of_the_wrong_shape_is_set_aside(bot: Running, body: object) -> None:
    tg = bot.tg
    tg.inject_raw_update("message", body)
    user = tg.user(603, "After", language_code="en")
    assert await say(user, "/help")
    await tg.wait_idle()
    assert bot.application.bot_data.poison_updates == 1


@pytest.mark.workers
async def test_a_token_refused_at_start_ends_the_process_with_status_3(tmp_path: Path) -> None:
    async with BotApiEmulator(token="654321:another-bots-token") as tg:
        env = bot_environment(sqlite_url(tmp_path), TELEGRAM_API_BASE_URL=tg.base_url)
        finished = await finish(await start_bot("run", env=env), wait=60)
    assert finished.returncode == 3, finished.stderr
    assert "Telegram refused the bot token" in finished.stderr
    assert "Traceback" not in finished.stderr


@pytest.mark.workers
async def test_a_token_refused_while_polling_ends_the_process_with_status_3(
    tmp_path: Path,
) -> None:
    async with BotApiEmulator(token=TOKEN) as tg:
        tg.fail_next("getUpdates", 401, description="Unauthorized", times=1000)
        env = bot_environment(sqlite_url(tmp_path), TELEGRAM_API_BASE_URL=tg.base_url)
        finished = await finish(await start_bot("run", env=env), wait=60)
    assert finished.returncode == 3, finished.stderr
    assert "polling stops" in finished.stderr
    assert any(call.method == "getUpdates" and call.status == 401 for call in tg.calls)
