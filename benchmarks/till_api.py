"""The till API (issue 25): `python -m benchmarks --only api`.

Tills earn on customers' cards through `POST /api/v1/cards/{ref}/earn` (each request with its
own Idempotency-Key and receipt, half stamps, half points for a purchase), over real HTTP, in
closed loops of `concurrency` tills, against `python -m bot webhook` workers: one on SQLite, one
on PostgreSQL, two sharing one PostgreSQL (the tills take turns between them). Every café has a
webhook endpoint pointing at a local receiver (benchmarks/webhook_receiver.py, a process of its
own) and customers are told in the chat through the emulator, as at the counter.

Figures per run: requests/s, latency (the till's round trip), errors (any answer but 200, or
none), the ledger rows written against the requests answered, and the webhook deliveries the
receiver got against those the workers wrote, with their delay after the till's answer (the
run waits for the last one before the next). Plus, once and uncontended: the SQL statements
and transactions (connections taken from the pool) of the calls one earn request makes.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, func, select

from benchmarks.procs import BOT_USERNAME, TOKEN, bot_env, cpu_seconds, spawn
from benchmarks.rush import register_users
from benchmarks.seed import TOP_STAMPS, RushCard, RushFixture, seed_rush
from benchmarks.stats import latency_ms
from benchmarks.two_workers import SECRET, healthy
from domain.apikeys import ALL_SCOPES
from domain.db.tables import LedgerEntry, WebhookDelivery, WebhookEvent
from domain.db.uow import Database
from domain.service import LoyaltyService
from domain.service.counter_operations import ApiRequest
from domain.webhooks import WebhookPolicy
from emulator.client import spawn_emulator
from infra.dns import resolve_host
from tests.support.databases import migrated_database
from tests.support.servers import free_port, free_ports

KEY_NAME = "bench-till"
LOCAL = WebhookPolicy(allow_http=True)


# (engine, workers): one worker on each engine, two sharing one PostgreSQL.
SETUPS = (("sqlite", 1), ("postgres", 1), ("postgres", 2))


@dataclass(frozen=True)
class ApiBenchConfig:
    shops: int = 4
    cards: int = 2000
    concurrency: tuple[int, ...] = (4, 16)
    seconds: float = 10.0
    warmup_seconds: float = 2.0
    drain_seconds: float = 60.0  # at most, for the webhooks of a run to arrive
    setups: tuple[tuple[str, int], ...] = SETUPS


# --quick: tiny sizes, and PostgreSQL only where two workers share it.
QUICK = ApiBenchConfig(
    shops=2,
    cards=40,
    concurrency=(4,),
    seconds=1.0,
    warmup_seconds=0.3,
    setups=(("sqlite", 1), ("postgres", 2)),
)


@dataclass
class Till:
    """One café's till: its key and its cards."""

    secret: str
    cards: list[RushCard]


@dataclass
class Tally:
    """What one closed-loop run asked for and got."""

    sent: int
    latencies: list[float]  # of the requests answered, whatever the answer
    errors: dict[str, int]
    answered_at: dict[str, float]  # receipt → when the till had its 200 (wall clock)

    @property
    def answered(self) -> int:
        return len(self.answered_at)


async def _prepare(
    url: str, config: ApiBenchConfig, receiver_url: str
) -> tuple[RushFixture, list[Till]]:
    """The rush's cafés and cards, each café with an API key and a webhook to the receiver."""
    database = await migrated_database(url)
    try:
        fixture = await seed_rush(
            database, config.shops, config.shops, config.cards, random.Random(1)
        )
        service = LoyaltyService(database)
        tills = []
        for shop, cards in zip(fixture.shops, fixture.cards, strict=True):
            key = await service.api_keys.create_key(shop.owner_id, KEY_NAME, ALL_SCOPES)
            await service.webhooks.add_endpoint(shop.owner_id, receiver_url, LOCAL, resolve_host)
            tills.append(Till(key.secret, cards))
    finally:
        await database.dispose()
    return fixture, tills


def _body(card: RushCard, rng: random.Random, receipt: str) -> dict[str, Any]:
    """Half stamps, half a purchase's points; stamps only while the card holds them."""
    if rng.random() < 0.5 and card.stamps < TOP_STAMPS - 1:
        card.stamps += 1
        return {"stamps": 1, "receipt": receipt}
    return {"amount": f"{rng.randint(100, 5000) / 100:.2f}", "receipt": receipt}


async def closed_loop(
    http: httpx.AsyncClient, bases: list[str], tills: list[Till], concurrency: int, seconds: float
) -> tuple[Tally, float]:
    """`concurrency` tills earning as fast as they are answered, each on one worker; the tally
    and the run's length."""
    tally = Tally(0, [], {}, {})
    deadline = time.monotonic() + seconds
    run = uuid.uuid4().hex[:8]

    async def loop(position: int) -> None:
        till = tills[position % len(tills)]
        base = bases[position % len(bases)]
        rng = random.Random(position)
        headers = {"Authorization": f"Bearer {till.secret}"}
        n = 0
        while time.monotonic() < deadline:
            n += 1
            receipt = f"{run}-{position}-{n}"
            card = rng.choice(till.cards)
            began = time.perf_counter()
            tally.sent += 1
            try:
                answer = await http.post(
                    f"{base}/api/v1/cards/{card.number}/earn",
                    json=_body(card, rng, receipt),
                    headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                )
            except httpx.HTTPError as failure:
                tally.errors[type(failure).__name__] = (
                    tally.errors.get(type(failure).__name__, 0) + 1
                )
                continue
            tally.latencies.append(time.perf_counter() - began)
            if answer.status_code == 200:
                tally.answered_at[receipt] = time.time()
            else:
                code = f"{answer.status_code} {answer.json().get('error', {}).get('code', '')}"
                tally.errors[code] = tally.errors.get(code, 0) + 1

    started = time.monotonic()
    await asyncio.gather(*(loop(p) for p in range(concurrency)))
    return tally, time.monotonic() - started


async def _counts(database: Database, since: datetime) -> tuple[int, int]:
    """Ledger rows and webhook deliveries written since `since`."""
    async with database.read() as session:
        rows = await session.execute(select(func.count()).where(LedgerEntry.created_at >= since))
        deliveries = await session.execute(
            select(func.count())
            .select_from(WebhookDelivery)
            .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
            .where(WebhookEvent.created_at >= since)
        )
        return int(rows.scalar_one()), int(deliveries.scalar_one())


async def _webhooks_of_run(
    http: httpx.AsyncClient, receiver: str, expected: int, within: float
) -> list[dict[str, Any]]:
    """What the receiver got, waiting (at most `within` s) until `expected` distinct events."""
    notes: list[dict[str, Any]] = []
    deadline = time.monotonic() + within
    while True:
        notes += (await http.get(f"{receiver}/received")).json()
        if len({n["id"] for n in notes}) >= expected or time.monotonic() > deadline:
            return notes
        await asyncio.sleep(0.2)


async def measure(
    http: httpx.AsyncClient,
    database: Database,
    bases: list[str],
    receiver: str,
    tills: list[Till],
    concurrency: int,
    seconds: float,
    config: ApiBenchConfig,
    pids: list[int],
) -> dict[str, Any]:
    """One closed-loop run and the webhooks it caused; its figures."""
    since = datetime.now(UTC)
    cpu = sum(cpu_seconds(pid) for pid in pids)
    tally, elapsed = await closed_loop(http, bases, tills, concurrency, seconds)
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu
    rows, expected = await _counts(database, since)
    notes = await _webhooks_of_run(http, receiver, expected, config.drain_seconds)
    delays = [
        n["at"] - tally.answered_at[n["receipt"]]
        for n in notes
        if n["type"] == "operation.created" and n["receipt"] in tally.answered_at
    ]
    delay = latency_ms(delays)
    return {
        "concurrency": concurrency,
        "seconds": elapsed,
        "requests": tally.sent,
        "requests_per_s": len(tally.latencies) / elapsed,
        **latency_ms(tally.latencies),
        "errors": sum(tally.errors.values()),
        "error_kinds": tally.errors,
        "answered": tally.answered,
        "ledger_rows": rows,
        "worker_cpu_ms_per_request": 1000 * cpu / max(tally.sent, 1),
        "webhooks": {
            "expected": expected,
            "received": len({n["id"] for n in notes}),
            "repeated": len(notes) - len({n["id"] for n in notes}),
            "delay_p50_ms": delay["p50_ms"],
            "delay_p95_ms": delay["p95_ms"],
        },
    }


async def statements_per_request(database: Database, till: Till) -> dict[str, int]:
    """The SQL statements and transactions (pool checkouts) of what one earn request runs: the
    key's look-up, then the stamp with its idempotency record (uncontended, in this process)."""
    service = LoyaltyService(database)
    engine = database.engine.sync_engine
    seen = {"statements": 0, "transactions": 0}

    def statement(*_: Any) -> None:
        seen["statements"] += 1

    def checkout(*_: Any) -> None:
        seen["transactions"] += 1

    card = min(till.cards, key=lambda c: c.stamps)
    await service.api_keys.authenticate(till.secret)  # its last use is recorded: not again
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine.pool, "checkout", checkout)
    try:
        actor = await service.api_keys.authenticate(till.secret)
        request = ApiRequest(request_hash=uuid.uuid4().hex, receipt=uuid.uuid4().hex[:16])
        await service.counter.stamp(
            actor, card.number, 1, idempotency_key=uuid.uuid4().hex, request=request
        )
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine.pool, "checkout", checkout)
    card.stamps += 1
    return seen


async def run_api(
    url: str, engine: str, workers: int, config: ApiBenchConfig, workdir: Path
) -> dict[str, Any]:
    """Seed, start the emulator, the receiver and the workers; a warm-up and one run per
    concurrency; their figures."""
    receiver_port = free_port()
    receiver = f"http://127.0.0.1:{receiver_port}"
    fixture, tills = await _prepare(url, config, f"{receiver}/hook")
    label = f"api-{engine}-{workers}"
    async with (
        spawn_emulator(token=TOKEN, bot_username=BOT_USERNAME) as client,
        spawn(
            "benchmarks.webhook_receiver", {}, workdir / f"{label}-receiver.log", str(receiver_port)
        ),
        contextlib.AsyncExitStack() as stack,
        httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=200)) as http,
    ):
        client.include_files = False
        await register_users(client, fixture)
        ports = free_ports(workers)
        env = bot_env(
            url,
            client.base_url,
            WEBHOOK_SECRET=SECRET,
            ALLOW_HTTP_WEBHOOKS="1",
            # Counted as in production, but set high enough that no till is refused here.
            API_REQUESTS_PER_MINUTE="1000000",
        )
        env["WEBHOOK_URL"] = f"http://127.0.0.1:{ports[0]}/telegram"
        children = [
            await stack.enter_async_context(
                spawn("bot", env | {"PORT": str(port)}, workdir / f"{label}-{n}.log", "webhook")
            )
            for n, port in enumerate(ports)
        ]
        for port in ports:
            await healthy(port)
        await _until_up(http, receiver)
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        database = await migrated_database(url)
        pids = [child.pid for child in children]
        try:
            largest = max(config.concurrency)
            await measure(
                http, database, bases, receiver, tills, largest, config.warmup_seconds, config, pids
            )
            runs = [
                await measure(
                    http, database, bases, receiver, tills, n, config.seconds, config, pids
                )
                for n in config.concurrency
            ]
            single = await statements_per_request(database, tills[0])
        finally:
            await database.dispose()
        if not all(child.alive() for child in children):
            raise RuntimeError("an API worker died:\n" + children[0].log_tail())
    return {"engine": engine, "workers": workers, "runs": runs, "one_request": single}


async def _until_up(http: httpx.AsyncClient, base: str, within: float = 20.0) -> None:
    for _ in range(int(within / 0.1)):
        with contextlib.suppress(httpx.TransportError):
            if (await http.get(f"{base}/received")).status_code == 200:
                return
        await asyncio.sleep(0.1)
    raise RuntimeError("the webhook receiver did not start")


async def till_api(
    new_database: Callable[[str, str], Awaitable[str]],
    engines: list[str],
    config: ApiBenchConfig,
    workdir: Path,
    progress: Callable[[str], None],
) -> list[dict[str, Any]]:
    """Every setup of the configuration whose engine is at hand, in turn."""
    found = []
    for engine, workers in config.setups:
        if engine not in engines:
            continue
        progress(f"till API on {engine}, {workers} worker(s) ...")
        url = await new_database(engine, f"api-{engine}-{workers}")
        found.append(await run_api(url, engine, workers, config, workdir))
    return found
