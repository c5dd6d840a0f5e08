"""SIGTERM lets the bot finish what it started; the rest is handled after the restart."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from domain.db.tables import LedgerEntry
from emulator.driver import BotApiEmulator
from infra.db.engine import create_engine
from tests.support.chat import card_number_in, join_staff, link_in, say

pytestmark = pytest.mark.workers

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-TOKEN-shutdown"
STAMPS = 40


@pytest.fixture
def engine_name() -> str:
    return "sqlite"


async def _start(tg: BotApiEmulator, database_url: str, log: Path) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": database_url,
        "TELEGRAM_API_BASE_URL": tg.base_url,
        "LOG_LEVEL": "WARNING",
    }
    with log.open("ab") as output:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=str(ROOT), env=env, stdout=output, stderr=output
        )


async def test_sigterm_finishes_in_flight_work_and_loses_nothing(
    database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    async with BotApiEmulator(token=TOKEN, bot_username="loyalty_test_bot") as tg:
        bot = await _start(tg, database_url, log)
        try:
            owner = tg.user(800, "Owner", language_code="en")
            join = link_in(await say(owner, "/setup Café", wait=20), "join_")
            for setting in ("cooldown 0", "daily_limit 0", "stamps_target 50"):
                await say(owner, f"/program set {setting}")
            cashier = tg.user(801, "Cashier", language_code="en")
            await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
            customer = tg.user(802, "Customer", language_code="en")
            await customer.open_link(join)
            await customer.next_message()
            number = card_number_in(await customer.next_message())

            for _ in range(STAMPS):  # a burst, then SIGTERM in the middle of it
                await cashier.send(f"/stamp {number}")
            await asyncio.sleep(0.3)
            bot.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(bot.wait(), timeout=30) == 0
            answered_before_restart = len(cashier.messages)

            bot = await _start(tg, database_url, log)
            await tg.wait_idle(timeout=30, quiet=1.0)
        finally:
            if bot.returncode is None:
                bot.terminate()
                await bot.wait()
    stamp_replies = [m for m in cashier.messages if m.content.startswith("✅")]
    assert len(stamp_replies) == STAMPS, log.read_text()
    assert answered_before_restart > 1
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = (
                await connection.execute(select(func.count()).select_from(LedgerEntry))
            ).scalar()
    finally:
        await engine.dispose()
    assert rows == STAMPS
