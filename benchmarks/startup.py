"""Start-up: from `python -m bot` being started until it has answered a /start through the
emulator, on a new database (migrations included) and on an existing one; and idle RSS."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from benchmarks.procs import BOT_USERNAME, TOKEN, bot_env, rss_mib, spawn
from benchmarks.stats import median
from emulator.client import spawn_emulator
from emulator.remote_user import RemoteUser

IDLE_SETTLE_SECONDS = 1.0


async def startup(
    new_database: Callable[[int], Awaitable[str]], repeat: int, workdir: Path
) -> dict[str, Any]:
    """`repeat` cold starts (each on a new database) and as many restarts on the same one."""
    cold: list[float] = []
    warm: list[float] = []
    idle: list[float] = []
    async with spawn_emulator(token=TOKEN, bot_username=BOT_USERNAME) as client:
        client.include_files = False
        for attempt in range(repeat):
            url = await new_database(attempt)
            user = await client.user(8_000_000 + attempt, "Starter", language_code="en")
            for times in (cold, warm):
                seconds, rss = await _one_start(client.base_url, url, user, workdir)
                times.append(seconds)
                idle.append(rss)
    return {
        "first_start_s": median(cold),
        "restart_s": median(warm),
        "idle_rss_mib": median(idle),
        "first_start_runs": cold,
        "restart_runs": warm,
        "idle_rss_runs": idle,
    }


async def _one_start(
    api_base_url: str, url: str, user: RemoteUser, workdir: Path
) -> tuple[float, float]:
    """Seconds from exec to the answer of a /start sent just after, and RSS once idle."""
    async with spawn("bot", bot_env(url, api_base_url), workdir / "startup.log") as bot:
        await user.send("/start")
        await user.next_message(timeout=60)
        seconds = time.monotonic() - bot.started_at
        await asyncio.sleep(IDLE_SETTLE_SECONDS)
        return seconds, rss_mib(bot.pid)
