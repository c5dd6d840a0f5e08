"""Ceilings measured in the same run as the rush.

(a) Telegram layer: a minimal PTB echo bot (benchmarks/echo_bot.py), no database, against the
    same emulator with the same load generator; optionally with the bot's rate limiter.
(b) Domain: the counter use cases called directly on the rush's database, no Telegram.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import event

from benchmarks.load import EventPump, Operation, answer, closed_loop, pumping
from benchmarks.procs import BOT_USERNAME, TOKEN, bot_env, child_pid, peak_rss_mib, spawn
from benchmarks.rush import REDEEM_AT, first_answer
from benchmarks.seed import TOP_STAMPS, RushCard, RushFixture
from benchmarks.stats import latency_ms, median_of_runs
from domain.db.uow import Database
from domain.service import LoyaltyService
from emulator.client import EmulatorClient, spawn_emulator
from emulator.remote_user import RemoteUser
from infra.db.engine import create_engine

ECHO_USERS = 9_000_000


def echo_operation(user: RemoteUser, pump: EventPump) -> Operation:
    async def operate() -> tuple[str, int]:
        future = pump.expect(user.id, "message")
        await user.send("ping")
        await answer(future, f"ping from user {user.id}")
        return "echo", 1

    return operate


async def echo_ceiling(
    senders: int, seconds: float, repeat: int, warmup: float, workdir: Path, rate_limited: bool
) -> dict[str, Any]:
    """Closed loop of `senders` users against the echo bot; median of `repeat` runs."""
    async with spawn_emulator(token=TOKEN, bot_username=BOT_USERNAME) as client:
        client.include_files = False
        env = bot_env("unused", client.base_url, ECHO_RATE_LIMITER="1" if rate_limited else "0")
        log = workdir / f"echo{'_limited' if rate_limited else ''}.log"
        async with spawn("benchmarks.echo_bot", env, log) as bot:
            pids = {"bot": bot.pid, "emulator": child_pid("-m emulator"), "loadgen": 0}
            await first_answer(client, 1)
            users = [await _user(client, ECHO_USERS + i) for i in range(senders)]
            async with pumping(client) as pump:
                operations = [echo_operation(user, pump) for user in users]
                await closed_loop(client, operations, warmup, pids)
                runs = [await closed_loop(client, operations, seconds, pids) for _ in range(repeat)]
            result = median_of_runs(runs)
            result["peak_rss_mib"] = peak_rss_mib(bot.pid)
            result["closed_runs"] = runs
            return result


async def _user(client: EmulatorClient, user_id: int) -> RemoteUser:
    return await client.user(user_id, f"Echo {user_id}", language_code="en")


async def domain_ceiling(
    url: str, fixture: RushFixture, senders: int, seconds: float, repeat: int, warmup: float
) -> dict[str, Any]:
    """The counter use cases on the rush's database, as many at once as the rush's senders."""
    database = Database(create_engine(url))  # the engine and pool the bot itself uses
    service = LoyaltyService(database)
    staff = fixture.staff[:senders]
    loops = []
    for position, (shop, staff_id) in enumerate(staff):
        mates = [p for p, (s, _) in enumerate(staff) if s == shop]
        share = fixture.cards[shop][mates.index(position) :: len(mates)]
        loops.append((staff_id, share, random.Random(100 + position)))
    try:
        await _domain_run(service, loops, warmup)
        runs = [await _domain_run(service, loops, seconds) for _ in range(repeat)]
        single = await statements_per_call(service, *loops[0][:2])
    finally:
        await database.dispose()
    result = median_of_runs(runs)
    result["closed_runs"] = runs
    result["one_at_a_time"] = single
    return result


async def statements_per_call(
    service: LoyaltyService, staff_id: int, cards: list[RushCard]
) -> dict[str, dict[str, float]]:
    """SQL statements (BEGIN and COMMIT included) and uncontended time of one call of each use
    case an update at the counter runs (identity is read for every update)."""
    engine = service.database.engine.sync_engine
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    def commit(*_: Any) -> None:
        statements.append("COMMIT")

    card = min(cards, key=lambda c: c.stamps)  # ten more stamps must still fit on it
    calls: dict[str, Callable[[], Awaitable[object]]] = {
        "identity": lambda: service.staff.identity(staff_id),
        "stamp": lambda: service.counter.stamp(staff_id, card.number, 1, idempotency_key=_key()),
        "earn_points": lambda: service.counter.earn_points(
            staff_id, card.number, Decimal("12.50"), idempotency_key=_key()
        ),
        "redeemable": lambda: service.counter.redeemable(staff_id, card.number),
        "redeem_stamps": lambda: service.counter.redeem_stamps(
            staff_id, card.number, idempotency_key=_key()
        ),
    }
    found: dict[str, dict[str, float]] = {}
    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "commit", commit)
    try:
        for name, call in calls.items():
            if name == "stamp":
                card.stamps += 10  # ten stamps, so that the redemption below is due
                for _ in range(9):
                    await service.counter.stamp(staff_id, card.number, 1, idempotency_key=_key())
            statements.clear()
            began = time.perf_counter()
            await call()
            elapsed = time.perf_counter() - began
            found[name] = {"statements": len(statements), "ms": elapsed * 1000}
    finally:
        event.remove(engine, "before_cursor_execute", count)
        event.remove(engine, "commit", commit)
    card.stamps -= REDEEM_AT
    return found


def _key() -> str:
    return uuid.uuid4().hex


async def _domain_run(
    service: LoyaltyService,
    loops: list[tuple[int, list[RushCard], random.Random]],
    seconds: float,
) -> dict[str, Any]:
    latencies: list[float] = []
    kinds: dict[str, int] = {}
    deadline = time.monotonic() + seconds

    async def loop(staff_id: int, cards: list[RushCard], rng: random.Random) -> None:
        counter = service.counter
        while time.monotonic() < deadline:
            r = rng.random()
            ready = [card for card in rng.sample(cards, min(8, len(cards))) if card.stamps >= 10]
            key = uuid.uuid4().hex
            began = time.perf_counter()
            if r < 0.2 and ready:
                card, kind = ready[0], "redeem"
                await counter.redeem_stamps(staff_id, card.number, idempotency_key=key)
                card.stamps -= REDEEM_AT
            elif r < 0.6:
                card = rng.choice([c for c in cards if c.stamps < TOP_STAMPS] or cards)
                kind = "stamp"
                await counter.stamp(staff_id, card.number, 1, idempotency_key=key)
                card.stamps += 1
            else:
                card, kind = rng.choice(cards), "points"
                amount = Decimal(rng.randint(100, 5000)) / 100
                await counter.earn_points(staff_id, card.number, amount, idempotency_key=key)
            latencies.append(time.perf_counter() - began)
            kinds[kind] = kinds.get(kind, 0) + 1

    started = time.monotonic()
    await asyncio.gather(*(loop(*each) for each in loops))
    elapsed = time.monotonic() - started
    return {
        "senders": len(loops),
        "seconds": elapsed,
        "operations": len(latencies),
        "ops_per_s": len(latencies) / elapsed,
        **latency_ms(latencies),
        "kinds": kinds,
    }
