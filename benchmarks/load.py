"""Load generation against a standalone emulator: closed loops of senders and paced sends.

Every sender acts as Telegram users through :class:`emulator.remote_user.RemoteUser`; one shared
long poll of the emulator's event log (:class:`EventPump`) tells each sender when the bot's
answer in its chat has arrived, so waiting costs one HTTP request per batch of answers rather
than one per operation. Latencies are the emulator's own (update available → first reply),
read with ``EmulatorClient.timings()``; the client-side round trip is kept as a second figure.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.procs import TOKEN, cpu_seconds, machine_busy_seconds
from benchmarks.stats import latency_ms
from emulator.client import EmulatorClient
from emulator.models import ChatEvent
from emulator.remote_bots import BotRef

REPLY_TIMEOUT = 120.0


class EventPump:
    """One long poll of the emulator's events of one bot (the platform bot by default); hands
    each chat's next answer to its waiter."""

    def __init__(self, client: EmulatorClient, bot: BotRef = None) -> None:
        self.client = client
        self.bot = bot
        self._cursor = 0
        self._waiting: dict[int, tuple[tuple[str, ...], asyncio.Future[ChatEvent]]] = {}
        self._task: asyncio.Task[None] | None = None
        # Customers' notices: when each balance change was asked for, per customer chat, and
        # how long after that its notice arrived (customers never write during a rush).
        self._notices_due: dict[int, deque[float]] = {}
        self.notice_lags: list[float] = []
        self.notices_outstanding = 0
        self._no_notice_due = asyncio.Event()
        self._no_notice_due.set()

    async def start(self) -> None:
        seen = await self.client.events(wait=0, bot=self.bot)
        self._cursor = seen[-1].seq if seen else 0
        self._task = asyncio.create_task(self._pump())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def expect(self, chat_id: int, *kinds: str) -> asyncio.Future[ChatEvent]:
        """A future for the next event of one of `kinds` ("message", "edit") in the chat."""
        future: asyncio.Future[ChatEvent] = asyncio.get_running_loop().create_future()
        self._waiting[chat_id] = (kinds, future)
        return future

    def expect_notice(self, customer_id: int) -> None:
        """A balance change is about to be asked for: its customer's notice will follow."""
        self._notices_due.setdefault(customer_id, deque()).append(time.monotonic())
        self.notices_outstanding += 1
        self._no_notice_due.clear()

    async def notices_drained(self, within: float) -> float:
        """Wait until every expected notice has arrived (or `within` s); the seconds it took."""
        began = time.monotonic()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._no_notice_due.wait(), within)
        return time.monotonic() - began

    async def _pump(self) -> None:
        try:
            await self._pump_events()
        except Exception as failure:
            # Every sender waiting for an answer learns why none comes, rather than waiting
            # out REPLY_TIMEOUT.
            for _, future in self._waiting.values():
                if not future.done():
                    future.set_exception(failure)
            raise

    async def _pump_events(self) -> None:
        failures = 0
        while True:
            try:
                events = await self.client.events(
                    after=self._cursor, kinds=("message", "edit"), wait=5, bot=self.bot
                )
            except httpx.TransportError:  # a loaded machine: the long poll is tried again
                failures += 1
                if failures == 5:
                    raise
                await asyncio.sleep(0.5)
                continue
            failures = 0
            for event in events:
                self._cursor = max(self._cursor, event.seq)
                due = self._notices_due.get(event.chat_id)
                if due and event.kind == "message":
                    self.notice_lags.append(time.monotonic() - due.popleft())
                    self.notices_outstanding -= 1
                    if not self.notices_outstanding:
                        self._no_notice_due.set()
                    continue
                waiter = self._waiting.get(event.chat_id)
                if waiter is not None and event.kind in waiter[0]:
                    del self._waiting[event.chat_id]
                    if not waiter[1].done():
                        waiter[1].set_result(event)


@contextlib.asynccontextmanager
async def pumping(client: EmulatorClient, bot: BotRef = None) -> AsyncIterator[EventPump]:
    pump = EventPump(client, bot)
    await pump.start()
    try:
        yield pump
    finally:
        await pump.stop()


class NoAnswer(Exception):
    """The bot did not answer an update within REPLY_TIMEOUT."""


async def answer(future: asyncio.Future[ChatEvent], sent: str) -> ChatEvent:
    """The bot's answer to what was `sent` (named in the error if none comes)."""
    try:
        return await asyncio.wait_for(future, REPLY_TIMEOUT)
    except TimeoutError:
        raise NoAnswer(f"no answer to {sent} within {REPLY_TIMEOUT:.0f} s") from None


# An operation acts once as some user and waits for the bot's answer; it returns its kind and
# the number of updates it sent (a confirmed redemption is a command and a button tap).
Operation = Callable[[], Awaitable[tuple[str, int]]]


@dataclass
class Window:
    """CPU and wall clock of the processes involved, around a measured window."""

    pids: dict[str, int]
    started: float = 0.0
    cpu_before: dict[str, float] = field(default_factory=dict)

    def __enter__(self) -> Window:
        self.started = time.monotonic()
        self.cpu_before = {name: _cpu(pid) for name, pid in self.pids.items()}
        self.busy_before = machine_busy_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.monotonic() - self.started
        self.cpu = {name: _cpu(pid) - self.cpu_before[name] for name, pid in self.pids.items()}
        self.busy = machine_busy_seconds() - self.busy_before

    def cpu_ms_per(self, count: int) -> dict[str, float]:
        """CPU per update of each process, and the cores used by every other process (others'
        work on this shared machine, and the PostgreSQL server)."""
        figures = {f"cpu_ms_per_update_{k}": v * 1000 / max(count, 1) for k, v in self.cpu.items()}
        figures["other_processes_cores"] = (self.busy - sum(self.cpu.values())) / self.elapsed
        return figures


def _cpu(pid: int) -> float:
    return cpu_seconds(pid if pid else None)


async def closed_loop(
    client: EmulatorClient,
    operations: Sequence[Operation],
    seconds: float,
    pids: dict[str, int],
    bots: Sequence[BotRef] = (None,),
) -> dict[str, Any]:
    """Each operation runs in its own loop, back to back, for `seconds`; one loop per sender.
    Latencies are those of the updates of `bots` (the platform bot by default)."""
    for bot in bots:
        await client.reset_timings(bot)
    round_trips: list[float] = []
    kinds: dict[str, int] = {}
    updates = 0
    deadline = time.monotonic() + seconds

    async def sender(operation: Operation) -> None:
        nonlocal updates
        while time.monotonic() < deadline:
            began = time.perf_counter()
            kind, sent = await operation()
            round_trips.append(time.perf_counter() - began)
            kinds[kind] = kinds.get(kind, 0) + 1
            updates += sent

    with Window(pids) as window:
        await asyncio.gather(*(sender(operation) for operation in operations))
    latencies = [latency for bot in bots for latency in await client.latencies(bot)]
    return {
        "senders": len(operations),
        "seconds": window.elapsed,
        "operations": len(round_trips),
        "updates": updates,
        "ops_per_s": len(round_trips) / window.elapsed,
        "updates_per_s": updates / window.elapsed,
        **latency_ms(latencies),
        "client_round_trip_p50_ms": latency_ms(round_trips)["p50_ms"],
        **window.cpu_ms_per(updates),
        "kinds": kinds,
    }


async def paced(
    client: EmulatorClient,
    send: Callable[[int], Coroutine[Any, Any, str]],
    rate: float,
    seconds: float,
    pids: dict[str, int],
    drain_seconds: float = 90.0,
) -> dict[str, Any]:
    """Open loop: `send(i)` (one update, not waiting for the answer) `rate` times a second.

    Latencies are the emulator's; updates still unanswered after `drain_seconds` count as
    answered at that moment, so a saturated bot shows up as a lower bound, not as missing data.
    """
    await client.reset_timings()
    count = max(1, round(rate * seconds))
    kinds: dict[str, int] = {}
    tasks: list[asyncio.Task[str]] = []
    with Window(pids) as window:
        start = time.monotonic()
        for i in range(count):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(send(i)))
        for kind in await asyncio.gather(*tasks):
            kinds[kind] = kinds.get(kind, 0) + 1
        offered_for = time.monotonic() - start
        deadline = time.monotonic() + drain_seconds
        while (await client.stats())["latency"]["count"] < count:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
    timings = await client.timings()
    now = time.monotonic()
    latencies = [
        (t.first_reply_at if t.first_reply_at is not None else now) - t.available_at
        for t in timings
    ]
    answered = sum(t.first_reply_at is not None for t in timings)
    return {
        "offered_per_s": rate,
        "achieved_offer_per_s": count / offered_for,
        "updates": count,
        "answered": answered,
        "seconds_to_drain": window.elapsed,
        **latency_ms(latencies),
        **window.cpu_ms_per(count),
        "kinds": kinds,
    }


async def confirm_all_updates(client: EmulatorClient) -> None:
    """Take every pending update off the emulator as a bot would (getUpdates with an offset),
    so that users who wrote to the bot before the benchmark count as having started it."""
    url = f"{client.base_url}{TOKEN}/getUpdates"
    async with httpx.AsyncClient(timeout=30) as http:
        while True:
            result = (await http.post(url, json={"timeout": 0, "limit": 100})).json()["result"]
            if not result:
                return
            await http.post(url, json={"offset": result[-1]["update_id"] + 1, "timeout": 0})
