"""One stamp end to end, taken apart: `uv run python -m benchmarks.one_stamp`.

The bot runs in this process (`build_application` + `running`, long polling) against the Bot
API emulator in a child process. A cashier sends `/stamp <card>` N times, one at a time; each
waits for the cashier's reply and the customer's notice. Measured over the N stamps:

- SQL round trips per stamp by the layer that asked for them (deterministic): every cursor
  execution, COMMIT and ROLLBACK, on every engine of the process (the lock engine included);
- the bot's Bot API calls per stamp (getUpdates included), as the emulator counted them;
- this process's CPU per stamp (`time.process_time`) over a second round of N stamps, without
  the statement log's hooks: the bot plus this script's own HTTP client, which is measured
  alone first (the same N `/send` + waits against an echo-free chat) and given separately;
- where CPU goes: `--profile FILE` samples this process with py-spy (an outside sampler, so a
  coroutine's waits are not counted as its time) during that second round only; the raw stacks
  are in FILE.<engine> and their shares by layer and package are printed.

`--engines sqlite,postgres`, `--stamps 200`, `--show-sql` (the statements of one stamp),
`--profile FILE` (needs `uv run --with py-spy`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import greenlet
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from app.application import build_application
from app.memory import settle_after_start
from app.runner import running
from benchmarks.load import confirm_all_updates
from benchmarks.procs import BOT_USERNAME, PROJECT_ROOT, TOKEN
from benchmarks.seed import seed_rush
from bot.config import Settings
from domain.db.uow import ALONE_OPTION, READ_OPTION, Database
from emulator.client import EmulatorClient, spawn_emulator
from infra.db import driver_statements
from tests.support.databases import migrated_database

# (path prefix under the project, layer): the innermost frame that matches names the layer.
LAYERS = (
    ("domain/db/uow.py", ""),  # transactions: filed under whoever opened them
    ("infra/db/engine.py", ""),
    ("domain/service/", "use case (domain/service + domain/db)"),
    ("domain/db/", "use case (domain/service + domain/db)"),
    ("infra/inbox", "inbox (store, mark handled)"),
    ("infra/steps", "steps"),
    ("infra/outbox", "outbox"),
    ("infra/locks", "chat locks"),
    ("infra/send_budget", "shared send budget"),
    ("infra/bots", "bot registry"),
    ("bot/delivery", "outbox dispatcher (notices)"),
    ("bot/ratelimit", "rate limiter"),
    ("bot/features/", "handler and texts"),
    ("bot/texts/", "handler and texts"),
    ("bot/routing", "routing (viewer, identity)"),
    ("bot/updates", "update processor (inbox, turns)"),
    ("bot/", "bot, other"),
    ("app/", "bot, other"),
)
_ROOT = str(PROJECT_ROOT) + "/"


def layer_of(frames: list[FrameType]) -> str:
    """The layer of a stack given innermost first; libraries are filed under their caller."""
    for frame in frames:
        path = frame.f_code.co_filename
        if path.startswith(_ROOT):
            relative = path[len(_ROOT) :]
            name = next((n for p, n in LAYERS if relative.startswith(p)), None)
            if name:
                return name
    return "Telegram layer (PTB, httpx, asyncio)"


def _stack(frame: FrameType | None) -> list[FrameType]:
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


def _caller_frames() -> list[FrameType]:
    """The stack that asked for a statement: SQLAlchemy's async layer runs the statement in a
    greenlet whose parent holds the awaiting coroutines."""
    frames = _stack(sys._getframe(2))
    parent = greenlet.getcurrent().parent
    while parent is not None:
        frames += _stack(parent.gr_frame)
        parent = parent.parent
    return frames


class StatementLog:
    """Every round trip of every engine of this process, filed by layer."""

    def __init__(self) -> None:
        self.by_layer: Counter[str] = Counter()
        self.texts: list[tuple[str, str]] = []
        self.keep_texts = False
        self._last: dict[int, str] = {}
        # Round trips no statement event shows: PostgreSQL's BEGIN (asyncpg sends it apart from
        # the first statement) and whatever the pool does at checkout (a pre-ping).
        self.checkouts = 0
        self.begun = 0

    def _note(self, statement: str, connection: object) -> None:
        layer = layer_of(_caller_frames())
        if layer.startswith("Telegram layer"):  # a pooled connection's reset: its last user's
            layer = self._last.get(id(connection), layer)
        self._last[id(connection)] = layer
        self.by_layer[layer] += 1
        if self.keep_texts:
            self.texts.append((layer, " ".join(statement.split())[:160]))

    def on_execute(self, connection: Any, _cur: Any, statement: str, *_: Any) -> None:
        self._note(statement, connection.connection.dbapi_connection)

    def on_commit(self, connection: Any) -> None:
        if not _autocommit(connection):
            self._note("COMMIT", connection.connection.dbapi_connection)

    def on_rollback(self, connection: Any) -> None:
        if not _autocommit(connection):
            self._note("ROLLBACK", connection.connection.dbapi_connection)

    def on_begin(self, connection: Any) -> None:
        if not _autocommit(connection):
            self.begun += 1

    def on_checkout(self, *_: Any) -> None:
        self.checkouts += 1

    def on_driver_statement(self, statement: str) -> None:
        """A statement sent past SQLAlchemy (infra.db.driver_statements): one round trip, its
        BEGIN included when it carries one."""
        self._note(statement, None)

    @contextmanager
    def listening(self) -> Iterator[None]:
        hooks: list[tuple[str, Callable[..., None]]] = [
            ("before_cursor_execute", self.on_execute),
            ("commit", self.on_commit),
            ("rollback", self.on_rollback),
        ]
        hooks.append(("begin", self.on_begin))
        for name, hook in hooks:
            event.listen(Engine, name, hook)
        event.listen(Pool, "checkout", self.on_checkout)
        driver_statements.watchers.append(self.on_driver_statement)
        try:
            yield
        finally:
            for name, hook in hooks:
                event.remove(Engine, name, hook)
            event.remove(Pool, "checkout", self.on_checkout)
            driver_statements.watchers.remove(self.on_driver_statement)


def _autocommit(connection: Any) -> bool:
    """A connection that opened no transaction (PostgreSQL's autocommit, a SQLite read
    session): the driver sends no COMMIT or ROLLBACK for the events SQLAlchemy still fires."""
    options = connection.get_execution_options()
    return bool(
        options.get("isolation_level") == "AUTOCOMMIT"
        or options.get(READ_OPTION)
        or options.get(ALONE_OPTION)
    )


async def _fixture(url: str, cards: int = 40) -> tuple[int, list[tuple[str, int]]]:
    """One shop with one cashier: (the cashier's id, [(card number, customer id)])."""
    database: Database = await migrated_database(url)
    try:
        fixture = await seed_rush(database, shops=1, staff=1, cards=cards, rng=random.Random(7))
    finally:
        await database.dispose()
    staff_id = fixture.shops[0].staff_ids[0]
    return staff_id, [(c.number, c.customer_id) for c in fixture.cards[0]]


async def _people(
    client: EmulatorClient, staff_id: int, cards: list[tuple[str, int]]
) -> tuple[Any, dict[int, Any]]:
    """The cashier, and each card's customer as someone who once wrote to the bot (so it may
    notify them), their messages taken off the emulator before the bot starts."""
    staff = await client.user(staff_id, "Staff", language_code="en")
    customers = {}
    for _, customer_id in cards:
        customers[customer_id] = await client.user(customer_id, "C", language_code="en")
        await customers[customer_id].send("hi")
    await confirm_all_updates(client)
    return staff, customers


async def _url(engine: str, workdir: Path) -> str:
    if engine == "sqlite":
        return f"sqlite+aiosqlite:///{workdir / 'one_stamp.db'}"
    from benchmarks.engines import durable_postgres
    from tests.support.databases import new_postgres_database

    server, _ = await durable_postgres()
    return await new_postgres_database(server)


@contextlib.asynccontextmanager
async def _sampled(profile: Path | None) -> AsyncIterator[None]:
    """py-spy on this process while the stamps run (raw collapsed stacks, idle threads left
    out): `uv run --with py-spy python -m benchmarks.one_stamp --profile FILE`."""
    if profile is None:
        yield
        return
    spy = await asyncio.create_subprocess_exec(
        "py-spy",
        "record",
        "--pid",
        str(os.getpid()),
        "--rate",
        "250",
        "--format",
        "raw",
        "--output",
        str(profile),
        "--nonblocking",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await asyncio.sleep(1.0)  # py-spy attaches
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        await spy.wait()


async def measure(
    engine: str, stamps: int, show_sql: bool, workdir: Path, profile: Path | None = None
) -> dict[str, Any]:
    url = await _url(engine, workdir)
    staff_id, cards = await _fixture(url)
    async with spawn_emulator(token=TOKEN, bot_username=BOT_USERNAME) as client:
        client.include_files = False
        staff, customers = await _people(client, staff_id, cards)
        # The driver alone: the same requests against a chat no bot answers (the emulator's
        # own echo of nothing): its CPU is subtracted from the bot's.
        driver_cpu = await _driver_alone(client, stamps)
        settings = Settings(token=TOKEN, database_url=url, api_base_url=client.base_url)
        application = build_application(settings)
        log = StatementLog()
        async with running(application):
            for i in range(10):  # warm: imports, caches, pools
                await _stamp(staff, customers, cards[i % len(cards)])
            settle_after_start()  # as `python -m bot` does once started
            await asyncio.sleep(0.5)
            with log.listening():
                if show_sql:
                    log.keep_texts = True
                    await _stamp(staff, customers, cards[0])
                    await asyncio.sleep(0.3)
                    log.keep_texts = False
                    texts = list(log.texts)
                    log.by_layer.clear()
                    log.checkouts = log.begun = 0
                for i in range(stamps):
                    await _stamp(staff, customers, cards[i % len(cards)])
                counted = dict(log.by_layer)
                checkouts, begun = log.checkouts, log.begun
            # CPU without the statement log's hooks, which walk every statement's stack.
            await asyncio.sleep(0.5)
            calls_before = (await client.stats())["api_calls"]
            async with _sampled(profile):
                began_cpu, began = time.process_time(), time.perf_counter()
                for i in range(stamps):
                    await _stamp(staff, customers, cards[i % len(cards)])
                cpu = time.process_time() - began_cpu
                wall = time.perf_counter() - began
            api_calls = (await client.stats())["api_calls"] - calls_before
        gc.unfreeze()  # the next engine's bot runs in this process too
        return {
            "engine": engine,
            "stamps": stamps,
            "statements_per_stamp": {
                k: round(v / stamps, 2) for k, v in sorted(counted.items(), key=_desc)
            },
            "statements_total_per_stamp": round(sum(counted.values()) / stamps, 2),
            "transactions_begun_per_stamp": round(begun / stamps, 2),
            "pool_checkouts_per_stamp": round(checkouts / stamps, 2),
            "bot_api_calls_per_stamp": round(api_calls / stamps, 2),
            "cpu_ms_per_stamp_bot_and_driver": round(1000 * cpu / stamps, 2),
            "cpu_ms_per_stamp_driver_alone": round(1000 * driver_cpu / stamps, 2),
            "cpu_ms_per_stamp_bot": round(1000 * (cpu - driver_cpu) / stamps, 2),
            "wall_ms_per_stamp": round(1000 * wall / stamps, 2),
            "one_stamp_sql": texts if show_sql else [],
        }


def _desc(item: tuple[str, int]) -> int:
    return -item[1]


async def _stamp(staff: Any, customers: dict[int, Any], card: tuple[str, int]) -> None:
    number, customer_id = card
    await staff.send(f"/stamp {number}")
    await staff.next_message(timeout=30)
    await customers[customer_id].next_message(timeout=30)


async def _driver_alone(client: EmulatorClient, stamps: int) -> float:
    """The driver's CPU for `stamps` rounds of what `_stamp` asks the emulator, with the
    answers coming from the emulator's control API instead of a bot."""
    user = await client.user(9_999_001, "Driver", language_code="en")
    began = time.process_time()
    for _ in range(stamps):
        await user.send("/stamp x")
        await user.messages()
        await user.messages()
    await confirm_all_updates(client)
    return time.process_time() - began


async def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.one_stamp", description=__doc__)
    p.add_argument("--engines", default="sqlite")
    p.add_argument("--stamps", type=int, default=200)
    p.add_argument("--show-sql", action="store_true")
    p.add_argument("--profile", type=Path, help="py-spy's raw stacks of the stamps: FILE.ENGINE")
    args = p.parse_args(argv)
    for engine in args.engines.split(","):
        profile = None if args.profile is None else args.profile.with_suffix(f".{engine}")
        with tempfile.TemporaryDirectory() as workdir:
            result = await measure(engine, args.stamps, args.show_sql, Path(workdir), profile)
        print(f"\n== {engine}: {args.stamps} stamps, one at a time")
        for key, value in result.items():
            if key == "one_stamp_sql":
                for layer, text in value:
                    print(f"   [{layer}] {text}")
            elif isinstance(value, dict):
                print(f"{key}:")
                for k, v in value.items():
                    print(f"   {v:>7}  {k}")
            else:
                print(f"{key}: {value}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
