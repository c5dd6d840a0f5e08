"""Many bots on one platform (issue 20): `python -m benchmarks --only many_bots`.

(a) Idle: what hosting 1, 100 and 1,000 idle café bots adds to a worker, and how long building
    them takes (benchmarks/hosting_cost.py, each count in a fresh interpreter, no network).
(b) Rush over café bots: `cafes` merchants, each with its own bot (a `hosted_bots` row, its token
    encrypted, its profile already set up, every customer and cashier having started it), on two
    `python -m bot webhook` workers sharing one PostgreSQL; the emulator limits every bot to 30
    messages within any one second (429 above), as Telegram does, each bot on its own. Cashiers
    stamp, add points and redeem in their café's bot in closed loops (the rush's mix); customers'
    notices come from the café's bot. Figures: updates/s for the whole platform, the cashiers'
    reply latency, the most messages any one bot sent within a second, 429s, and the workers'
    CPU per update.
(c) The echo bot (benchmarks/echo_bot.py) under the same load generator in the same run: the
    bots' CPU per update against the smallest PTB bot's.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.webhook import bot_secret
from benchmarks.ceilings import echo_ceiling
from benchmarks.dataset import insert_rows, insert_users
from benchmarks.hosting_cost import hosting_cost
from benchmarks.load import EventPump, Operation, closed_loop
from benchmarks.procs import (
    BOT_USERNAME,
    TOKEN,
    bot_env,
    child_pid,
    cpu_seconds,
    rss_mib,
    spawn,
)
from benchmarks.rush import Counter, counter_operation, ledger_rows_since
from benchmarks.seed import RushFixture, seed_rush
from benchmarks.stats import latency_ms, ratio
from benchmarks.two_workers import SECRET, TELEGRAM_LIMIT, healthy
from domain.clock import SystemClock
from domain.db.tables import Merchant
from emulator.client import EmulatorClient, spawn_emulator
from emulator.remote_bots import RemoteBot
from emulator.remote_user import RemoteUser
from infra.bots import BotRegistry, TokenCipher
from infra.tables import BotUser, HostedBot
from tests.support.databases import migrated_database
from tests.support.servers import free_port, free_ports

CAFES = 10
IDLE_OWNERS = 6_000_000
IDLE_MERCHANTS = 100_000
_STARTED = time.monotonic()


def _progress(message: str) -> None:
    print(
        f"[many bots {time.monotonic() - _STARTED:6.1f} s] {message}", file=sys.stderr, flush=True
    )


IDLE_COUNTS = (1, 100, 1000)


@dataclass(frozen=True)
class ManyBotsConfig:
    cafes: int = CAFES
    idle_counts: tuple[int, ...] = IDLE_COUNTS
    senders: int = 40  # 4 cashiers per café, each in a closed loop
    staff: int = 40
    cards: int = 2000
    seconds: float = 10.0
    warmup_seconds: float = 2.0
    idle_seconds: float = 5.0  # the workers left alone before the rush: their idle CPU
    drain_seconds: float = 90.0
    echo_repeat: int = 1


# --quick: one small idle count (each count is a fresh interpreter), three cafés, one second.
QUICK = ManyBotsConfig(
    cafes=3,
    idle_counts=(10,),
    senders=6,
    staff=6,
    cards=60,
    seconds=1.0,
    warmup_seconds=0.3,
    idle_seconds=0.5,
)


def idle_bots(counts: tuple[int, ...]) -> list[dict[str, float]]:
    """RSS growth and build time of `count` idle café bots hosted the platform's way."""
    return [hosting_cost("shared", count) for count in counts]


async def _add_idle_cafes(
    client: EmulatorClient, url: str, cipher: TokenCipher, have: int, want: int
) -> None:
    """Cafés `have`+1 … `want`, each with its bot (in the emulator and in `hosted_bots`, its
    profile set up, no webhook yet), inserted in bulk: only the hosting is measured."""
    bots = await client.create_bots(want - have, prefix="idle")
    now = datetime.now(UTC)
    owners = [IDLE_OWNERS + n for n in range(have, want)]
    merchants = [
        {"id": IDLE_MERCHANTS + n, "name": f"Idle {n}", "owner_user_id": owner, "created_at": now}
        for n, owner in zip(range(have, want), owners, strict=True)
    ]
    hosted = [
        {
            "id": bot.id,
            "merchant_id": merchant["id"],
            "username": bot.username,
            "name": bot.name,
            "token": cipher.encrypt(bot.token),
            "state": "active",
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "profile_set_at": now,
        }
        for bot, merchant in zip(bots, merchants, strict=True)
    ]
    database = await migrated_database(url)
    try:
        async with database.engine.begin() as connection:
            await insert_users(connection, owners, now)
            await insert_rows(connection, Merchant.__table__, merchants)  # type: ignore[arg-type]
            await insert_rows(connection, HostedBot.__table__, hosted)  # type: ignore[arg-type]
    finally:
        await database.dispose()


async def _worker_start(env: dict[str, str], log: Path) -> tuple[float, float]:
    """Seconds from exec until a webhook worker answers /healthz (it has read every hosted
    bot, built them and registered the routes they lack), and its RSS 1 s later."""
    port = free_port()
    async with spawn("bot", env | {"PORT": str(port)}, log, "webhook") as worker:
        await healthy(port, within=300)
        seconds = time.monotonic() - worker.started_at
        await asyncio.sleep(1.0)
        return seconds, rss_mib(worker.pid)


async def worker_startups(url: str, counts: tuple[int, ...], workdir: Path) -> list[dict[str, Any]]:
    """A webhook worker started with 1, 100, 1,000 … idle café bots in the database: the first
    start (each bot's route registered with Telegram, `REGISTER_AT_ONCE` at a time) and a
    restart (nothing to register), and the idle worker's RSS."""
    key = TokenCipher.new_key()
    cipher = TokenCipher(key)
    found = []
    async with spawn_emulator(token=TOKEN, bot_username=BOT_USERNAME) as client:
        env = bot_env(url, client.base_url, WEBHOOK_SECRET=SECRET, BOT_TOKEN_KEY=key)
        env["WEBHOOK_URL"] = "http://127.0.0.1:9/telegram"  # Telegram never posts: idle
        have = 0
        for count in counts:
            await _add_idle_cafes(client, url, cipher, have, count)
            have = count
            first_s, _ = await _worker_start(env, workdir / f"idle{count}.log")
            restart_s, rss = await _worker_start(env, workdir / f"idle{count}.log")
            found.append(
                {
                    "bots": count,
                    "first_start_s": first_s,
                    "restart_s": restart_s,
                    "idle_rss_mib": rss,
                }
            )
    return found


async def _cafe_bots(
    client: EmulatorClient, url: str, fixture: RushFixture, key: str
) -> list[RemoteBot]:
    """One bot per café in the emulator (30 messages a second each) and in `hosted_bots`, as a
    café has it once set up: active, its profile set, started by its customers and cashiers."""
    bots = []
    for n in range(len(fixture.shops)):
        bot = await client.create_bot(username=f"cafe{n}_bench_bot", name=f"Shop {n}")
        await client.set_rate_limits(bot_wide=TELEGRAM_LIMIT, bot=bot)
        bots.append(bot)
    database = await migrated_database(url)
    registry = BotRegistry(database, SystemClock(), TokenCipher(key))
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    pairs: list[tuple[RemoteBot, int]] = []
    try:
        for bot, shop, cards in zip(bots, fixture.shops, fixture.cards, strict=True):
            await registry.adopt(shop.merchant_id, bot.id, bot.username, bot.name, bot.token)
            await registry.mark_profile_set(bot.id)
            people = [*shop.staff_ids, *(card.customer_id for card in cards)]
            rows += [{"bot_id": bot.id, "user_id": p, "started_at": now} for p in people]
            pairs += [(bot, p) for p in people]
        async with database.engine.begin() as connection:
            await insert_rows(connection, BotUser.__table__, rows)  # type: ignore[arg-type]
    finally:
        await database.dispose()
    gate = asyncio.Semaphore(16)

    async def started(bot: RemoteBot, user_id: int) -> None:
        async with gate:
            await client.user(user_id, f"User {user_id}", language_code="en", started=True, bot=bot)

    await asyncio.gather(*(started(bot, user_id) for bot, user_id in pairs))
    return bots


async def _webhooks_registered(url: str, bots: list[RemoteBot], within: float = 60.0) -> None:
    """Wait until the workers have given the emulator every café bot's route."""
    database = await migrated_database(url)
    registry = BotRegistry(database, SystemClock(), TokenCipher(None))
    try:
        for _ in range(int(within / 0.2)):
            records = await registry.many(bot.id for bot in bots)
            if all(record.webhook_url for record in records.values()) and len(records) == len(bots):
                return
            await asyncio.sleep(0.2)
    finally:
        await database.dispose()
    raise RuntimeError("the workers did not register the café bots' webhooks")


def _operations(
    client: EmulatorClient,
    pumps: list[EventPump],
    bots: list[RemoteBot],
    fixture: RushFixture,
    senders: int,
    done: Counter,
) -> list[Operation]:
    """As the rush's senders, each cashier writing to their café's bot."""
    staff = fixture.staff[:senders]
    operations = []
    for position, (shop, staff_id) in enumerate(staff):
        mates = [p for p, (s, _) in enumerate(staff) if s == shop]
        share = fixture.cards[shop][mates.index(position) :: len(mates)]
        user = RemoteUser(client, staff_id, f"Staff {staff_id}", bot=bots[shop].id)
        rng = random.Random(position)
        operations.append(counter_operation(user, pumps[shop], share, rng, done))
    return operations


async def _idle_cores(pids: list[int], seconds: float) -> float:
    """Cores the processes use together while no update comes (their periodic work)."""
    before = sum(cpu_seconds(pid) for pid in pids)
    await asyncio.sleep(seconds)
    return (sum(cpu_seconds(pid) for pid in pids) - before) / seconds


async def cafe_rush(url: str, config: ManyBotsConfig, workdir: Path) -> dict[str, Any]:
    """Seed `cafes` cafés with their bots, start the emulator and two webhook workers, warm up,
    one closed-loop run; its figures."""
    database = await migrated_database(url)
    fixture = await seed_rush(database, config.cafes, config.staff, config.cards, random.Random(1))
    await database.dispose()
    _progress("seeded; hosting the café bots ...")
    key = TokenCipher.new_key()
    limit = ("--bot-wide-limit", str(TELEGRAM_LIMIT))
    done = Counter()
    async with spawn_emulator(token=TOKEN, bot_username=BOT_USERNAME, extra_args=limit) as client:
        client.include_files = False
        bots = await _cafe_bots(client, url, fixture, key)
        _progress("starting two webhook workers ...")
        ports = free_ports(2)
        env = bot_env(url, client.base_url, WEBHOOK_SECRET=SECRET, BOT_TOKEN_KEY=key)
        env["WEBHOOK_URL"] = f"http://127.0.0.1:{ports[0]}/telegram"
        since = datetime.now(UTC)
        async with contextlib.AsyncExitStack() as stack:
            workers = [
                await stack.enter_async_context(
                    spawn("bot", env | {"PORT": str(port)}, workdir / f"cafes{n}.log", "webhook")
                )
                for n, port in enumerate(ports)
            ]
            for port in ports:
                await healthy(port)
            await _webhooks_registered(url, bots)
            for bot in bots:  # each café bot's updates go to both workers in turn
                second = f"http://127.0.0.1:{ports[1]}/telegram/{bot.id}"
                await client.add_webhook_target(second, bot_secret(SECRET, bot.id), bot=bot)
            pids = {
                "bot": workers[0].pid,
                "bot2": workers[1].pid,
                "emulator": child_pid("-m emulator"),
                "loadgen": 0,
            }
            _progress("workers up; idle, then rush ...")
            idle_cores = await _idle_cores([w.pid for w in workers], config.idle_seconds)
            pumps = [EventPump(client, bot.id) for bot in bots]
            for pump in pumps:
                await pump.start()
            try:
                operations = _operations(client, pumps, bots, fixture, config.senders, done)
                ids = [bot.id for bot in bots]
                await closed_loop(client, operations, config.warmup_seconds, pids, ids)
                before = [await client.stats(bot.id) for bot in bots]
                run = await closed_loop(client, operations, config.seconds, pids, ids)
                sent = [await client.stats(bot.id) for bot in bots]
                drain_s = max([await pump.notices_drained(config.drain_seconds) for pump in pumps])
                after = [await client.stats(bot.id) for bot in bots]
                platform = await client.stats()
            finally:
                for pump in pumps:
                    await pump.stop()
            for worker in workers:
                if not worker.alive():
                    raise RuntimeError(f"a webhook worker died:\n{worker.log_tail()}")
    lags = [lag for pump in pumps for lag in pump.notice_lags]
    cpu = run["cpu_ms_per_update_bot"] + run["cpu_ms_per_update_bot2"]
    return {
        "cafes": config.cafes,
        "workers": 2,
        "closed": run,
        "bot_cpu_ms_per_update": cpu,
        "workers_idle_cores": idle_cores,
        "workers_cores": cpu * run["updates_per_s"] / 1000,
        "messages_per_s": sum(
            s["messages_sent"] - b["messages_sent"] for s, b in zip(sent, before, strict=True)
        )
        / run["seconds"],
        "most_messages_in_one_second_per_bot": max(s["most_messages_in_one_second"] for s in after),
        "answers_429": sum(s["answers_429"] for s in after) + platform["answers_429"],
        "platform_bot_messages": platform["messages_sent"],
        "notices": {
            **latency_ms(lags),
            "outstanding": sum(pump.notices_outstanding for pump in pumps),
            "drain_s": drain_s,
        },
        "balance_changes_sent": done.done,
        "ledger_rows_written": await ledger_rows_since(url, since),
    }


async def many_bots(
    url: str | None,
    idle_url: str | None,
    config: ManyBotsConfig,
    workdir: Path,
    echo: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The three parts; the rush only with PostgreSQL (`url`): two workers share one database;
    worker start-ups on `idle_url`.
    The echo bot gets as many senders as the rush, for the same seconds (unless its figures
    from the same run are given: the smoke run saves the time)."""
    _progress(f"idle bots: {', '.join(map(str, config.idle_counts))} ...")
    result: dict[str, Any] = {"idle": await asyncio.to_thread(idle_bots, config.idle_counts)}
    if idle_url is not None:
        _progress("a webhook worker starting with them ...")
        result["worker_start"] = await worker_startups(idle_url, config.idle_counts, workdir)
    if url is not None:
        _progress(f"rush over {config.cafes} café bots: seeding ...")
        result["rush"] = await cafe_rush(url, config, workdir)
    if echo is None:
        _progress("echo bot ...")
        echo = await echo_ceiling(
            config.senders,
            config.seconds,
            config.echo_repeat,
            config.warmup_seconds,
            workdir,
            False,
        )
    result["echo"] = echo
    if "rush" in result:
        _progress("done")
        result["cpu_vs_echo"] = ratio(
            result["rush"]["bot_cpu_ms_per_update"], result["echo"]["cpu_ms_per_update_bot"]
        )
    return result
