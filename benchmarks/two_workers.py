"""The rush on two webhook workers (`python -m bot webhook` twice on one PostgreSQL), with the
emulator enforcing Telegram's bot-wide limit: the two share one budget of 30 messages a second.

Figures: the messages both sent per second together, the most the emulator saw within one
second, its 429 answers, the cashiers' reply latency and how late customers' notices came.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from pathlib import Path
from typing import Any

import httpx

from benchmarks.load import closed_loop, pumping
from benchmarks.procs import BOT_USERNAME, TOKEN, bot_env, child_pid, spawn
from benchmarks.rush import Counter, RushConfig, closed_operations, register_users
from benchmarks.seed import seed_rush
from benchmarks.stats import latency_ms
from emulator.client import spawn_emulator
from tests.support.databases import migrated_database
from tests.support.servers import free_port

TELEGRAM_LIMIT = 30
SECRET = "bench-secret"


async def healthy(port: int, within: float = 30.0) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(int(within / 0.1)):
            with contextlib.suppress(httpx.TransportError):
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the webhook worker on port {port} did not start")


async def run_two_workers(url: str, config: RushConfig, workdir: Path) -> dict[str, Any]:
    """Seed, start the emulator and two workers, warm up, one closed-loop run; its figures."""
    database = await migrated_database(url)
    fixture = await seed_rush(database, config.shops, config.staff, config.cards, random.Random(1))
    await database.dispose()
    limit = ("--bot-wide-limit", str(TELEGRAM_LIMIT))
    async with spawn_emulator(token=TOKEN, bot_username=BOT_USERNAME, extra_args=limit) as client:
        client.include_files = False
        await register_users(client, fixture)
        ports = [free_port(), free_port()]
        env = bot_env(url, client.base_url, WEBHOOK_SECRET=SECRET)
        env["WEBHOOK_URL"] = f"http://127.0.0.1:{ports[0]}/telegram"
        async with contextlib.AsyncExitStack() as stack:
            workers = [
                await stack.enter_async_context(
                    spawn("bot", env | {"PORT": str(port)}, workdir / f"worker{n}.log", "webhook")
                )
                for n, port in enumerate(ports)
            ]
            for port in ports:
                await healthy(port)
            await client.add_webhook_target(f"http://127.0.0.1:{ports[1]}/telegram", SECRET)
            # CPU figures are the first worker's (uvicorn's parent process for one worker).
            pids = {"bot": workers[0].pid, "emulator": child_pid("-m emulator"), "loadgen": 0}
            async with pumping(client) as pump:
                operations = closed_operations(client, pump, fixture, config.senders, Counter())
                await closed_loop(client, operations, config.warmup_seconds, pids)
                run = await closed_loop(client, operations, config.seconds, pids)
                sent = await client.stats()
                drain_s = await pump.notices_drained(config.drain_seconds)
                after = await client.stats()
            if not all(worker.alive() for worker in workers):
                raise RuntimeError("a webhook worker died")
    return {
        "workers": 2,
        "closed": run,
        "messages_per_s": sent["messages_sent"] / run["seconds"],
        "most_messages_in_one_second": after["most_messages_in_one_second"],
        "answers_429": after["answers_429"],
        "notices": {
            **latency_ms(pump.notice_lags),
            "outstanding": pump.notices_outstanding,
            "drain_s": drain_s,
        },
    }
