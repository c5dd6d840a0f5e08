"""What hosting one more idle bot costs a worker, for the two ways of hosting many bots:

- `shared`: one Application (handlers, job queue, update processor) for every bot; a café bot is
  a ServingBot with its rate limiter, sharing the worker's HTTP connection pools (our design);
- `application_per_bot`: one PTB Application per bot, as PTB builds it by default (its own
  bot, HTTP pools, job queue, update processor and a copy of every handler).

Each variant runs in a fresh interpreter (`python -m benchmarks.hosting_cost VARIANT N`), builds
and initialises N bots with no network (their identity is given, as the registry gives it) and
prints the RSS it grew by and how long it took. Used by `python -m benchmarks --only many_bots`.
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import time
from typing import Any

from benchmarks.procs import PROJECT_ROOT

BASE_URL = "http://127.0.0.1:9/bot"


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def _shared(count: int) -> list[Any]:
    from telegram import User
    from telegram.request import HTTPXRequest

    from bot.ratelimit import CounterFirstRateLimiter
    from bot.serving import ServingBot

    requests = HTTPXRequest(connection_pool_size=256)
    polls = HTTPXRequest(connection_pool_size=1024)
    bots = []
    for number in range(count):
        bot_id = 5_000_000 + number
        bot = ServingBot(
            f"{bot_id}:hosting-cost-secret",
            key=bot_id,
            merchant_id=number + 1,
            base_url=BASE_URL,
            base_file_url=BASE_URL,
            request=requests,
            get_updates_request=polls,
            rate_limiter=CounterFirstRateLimiter(30),
            identity=User(bot_id, f"Cafe {number}", is_bot=True, username=f"cafe_{number}_bot"),
        )
        await bot.initialize()
        bots.append(bot)
    return bots


async def _application_per_bot(count: int) -> list[Any]:
    from telegram import User
    from telegram.ext import ApplicationBuilder

    from bot.ratelimit import CounterFirstRateLimiter
    from bot.routing import register_handlers  # the same handlers, copied per application
    from bot.serving import ServingBot

    applications = []
    for number in range(count):
        bot_id = 5_000_000 + number
        from telegram.request import HTTPXRequest

        bot = ServingBot(
            f"{bot_id}:hosting-cost-secret",
            key=bot_id,
            merchant_id=number + 1,
            base_url=BASE_URL,
            base_file_url=BASE_URL,
            request=HTTPXRequest(connection_pool_size=256),
            get_updates_request=HTTPXRequest(connection_pool_size=1),
            rate_limiter=CounterFirstRateLimiter(30),
            identity=User(bot_id, f"Cafe {number}", is_bot=True, username=f"cafe_{number}_bot"),
        )
        application = ApplicationBuilder().bot(bot).updater(None).build()
        register_handlers(application)
        await application.initialize()
        applications.append(application)
    return applications


async def _measure(variant: str, count: int) -> dict[str, float]:
    # Everything a worker imports anyway, before the baseline.
    import app.application  # noqa: F401

    await {"shared": _shared, "application_per_bot": _application_per_bot}[variant](0)
    gc.collect()
    before = _rss_mib()
    started = time.perf_counter()
    kept = await {"shared": _shared, "application_per_bot": _application_per_bot}[variant](count)
    seconds = time.perf_counter() - started
    gc.collect()
    grown = _rss_mib() - before
    assert len(kept) == count
    return {"bots": count, "rss_growth_mib": round(grown, 2), "build_s": round(seconds, 3)}


def hosting_cost(variant: str, count: int) -> dict[str, float]:
    """Run one measurement in a fresh interpreter; its figures."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.hosting_cost", variant, str(count)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_measure(sys.argv[1], int(sys.argv[2])))))
