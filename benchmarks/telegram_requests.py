"""CPU per Bot API call by HTTP client: `uv run python -m benchmarks.telegram_requests`.

PTB's `HTTPXRequest` against `infra.telegram_http.AiohttpRequest`, both against the Bot API
emulator in a child process (its CPU is not counted). Each measurement is this process's CPU
(`time.process_time`, and its user-space part apart) over N calls, in interleaved rounds (the
two clients take turns, the order swapped every round), and the median over the rounds is
printed as µs per call:

- `do_request`: the transport alone (sendMessage, getUpdates with timeout 0), as PTB's
  `BaseRequest.post` calls it;
- `Bot.…`: the whole PTB call (parameters, the transport, JSON, the Message object): what the
  bot pays per call;
- `… ×16 at once`: sendMessage in batches of 16 concurrent calls, as a busy bot sends;
- `sendPhoto`: a 1 KB PNG uploaded as a multipart form (fewer calls).

`--stamps N` measures whole `/stamp` updates instead, as benchmarks/one_stamp.py sends them
(the real application polling the emulator, SQLite): one bot in this process whose two request
objects (the calls', the long poll's) are swapped between the two clients every round, so both
see the same database, caches and load on the machine. Printed: bot CPU ms per stamp (the
driver's own HTTP client measured alone and taken off, as one_stamp does).

`--calls 400`, `--rounds 7`; whole stamps: `--stamps 20 --rounds 41` (short rounds, many pairs:
a shared machine's load drifts).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import segno
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from app.application import build_application
from app.memory import settle_after_start
from app.runner import running
from benchmarks import one_stamp
from benchmarks.procs import BOT_USERNAME, TOKEN
from bot.config import Settings
from emulator.client import spawn_emulator
from infra.telegram_http import AiohttpRequest

CHAT_ID = 9_100_001
CARDS = 300  # --stamps: cards stamped in turn
CLIENTS: dict[str, Callable[[], BaseRequest]] = {
    "httpx": lambda: HTTPXRequest(connection_pool_size=256),
    "aiohttp": lambda: AiohttpRequest(connection_pool_size=256),
}


def _png() -> bytes:
    import io

    out = io.BytesIO()
    segno.make("https://t.me/loyalty_bench_bot?start=card").save(out, kind="png", scale=2)
    return out.getvalue()


Call = Callable[[Bot, BaseRequest, str], Awaitable[Any]]


def _calls(png: bytes) -> dict[str, tuple[Call, int]]:
    """The measurements: one call each (or one batch), and how many calls that is."""
    send = RequestData(
        [
            RequestParameter.from_input("chat_id", CHAT_ID),
            RequestParameter.from_input("text", "Stamp added: 3 of 8"),
        ]
    )
    poll = RequestData([RequestParameter.from_input("timeout", 0)])

    async def raw_send(_bot: Bot, request: BaseRequest, url: str) -> Any:
        return await request.post(f"{url}/sendMessage", send)

    async def raw_poll(_bot: Bot, request: BaseRequest, url: str) -> Any:
        return await request.post(f"{url}/getUpdates", poll)

    async def bot_send(bot: Bot, _request: BaseRequest, _url: str) -> Any:
        return await bot.send_message(CHAT_ID, "Stamp added: 3 of 8")

    async def bot_poll(bot: Bot, _request: BaseRequest, _url: str) -> Any:
        return await bot.get_updates(timeout=0)

    async def bot_send_16(bot: Bot, _request: BaseRequest, _url: str) -> Any:
        return await asyncio.gather(
            *(bot.send_message(CHAT_ID, "Stamp added: 3 of 8") for _ in range(16))
        )

    async def bot_photo(bot: Bot, _request: BaseRequest, _url: str) -> Any:
        return await bot.send_photo(CHAT_ID, png, caption="Your card")

    return {
        "do_request sendMessage": (raw_send, 1),
        "do_request getUpdates": (raw_poll, 1),
        "Bot.send_message": (bot_send, 1),
        "Bot.get_updates": (bot_poll, 1),
        "Bot.send_message ×16 at once": (bot_send_16, 16),
        "Bot.send_photo (upload)": (bot_photo, 1),
    }


async def _cpu(
    call: Call, bot: Bot, request: BaseRequest, url: str, times: int
) -> tuple[float, float]:
    """This process's CPU seconds for `times` calls: all of it, and the user-space part."""
    gc.collect()
    began, began_user = time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_utime
    for _ in range(times):
        await call(bot, request, url)
    user = resource.getrusage(resource.RUSAGE_SELF).ru_utime - began_user
    return time.process_time() - began, user


async def measure(calls: int, rounds: int) -> dict[str, dict[str, float]]:
    """Median CPU µs per call: {measurement: {"<client> all|user": µs}}."""
    async with spawn_emulator(token=TOKEN, bot_username=BOT_USERNAME) as emulator:
        await emulator.user(CHAT_ID, "Bench", language_code="en", started=True)
        bots = {}
        for name, make in CLIENTS.items():
            request = make()
            bot = Bot(
                TOKEN, base_url=emulator.base_url, request=request, get_updates_request=make()
            )
            await bot.initialize()
            bots[name] = (bot, request)
        url = f"{emulator.base_url}{TOKEN}"
        samples: dict[str, dict[str, list[float]]] = {}
        try:
            for what, (call, per) in _calls(_png()).items():
                times = max(calls // per // (4 if "upload" in what else 1), 10)
                for bot, request in bots.values():  # warm: connections, caches
                    await _cpu(call, bot, request, url, 20)
                for round_ in range(rounds):
                    order = list(bots) if round_ % 2 == 0 else list(reversed(bots))
                    for name in order:
                        bot, request = bots[name]
                        cpu, user = await _cpu(call, bot, request, url, times)
                        for kind, seconds in (("all", cpu), ("user", user)):
                            per_call = 1e6 * seconds / (times * per)
                            samples.setdefault(what, {}).setdefault(f"{name} {kind}", [])
                            samples[what][f"{name} {kind}"].append(per_call)
        finally:
            for bot, _ in bots.values():
                await bot.shutdown()
    return {
        what: {name: statistics.median(values) for name, values in by_client.items()}
        for what, by_client in samples.items()
    }


async def whole_stamps(stamps: int, rounds: int) -> dict[str, list[float]]:
    """Bot CPU ms per stamp in each round, by client: {client: [ms, …]}."""
    with tempfile.TemporaryDirectory() as workdir:
        url = await one_stamp._url("sqlite", Path(workdir))
        staff_id, cards = await one_stamp._fixture(url, CARDS)
        async with spawn_emulator(token=TOKEN, bot_username=BOT_USERNAME) as client:
            client.include_files = False
            staff, customers = await one_stamp._people(client, staff_id, cards)
            driver = await one_stamp._driver_alone(client, stamps) / stamps
            settings = Settings(token=TOKEN, database_url=url, api_base_url=client.base_url)
            application = build_application(settings)
            bot = application.bot
            # (long poll, calls) as PTB's Bot keeps them: the application's own, and httpx's.
            wired = bot._request
            assert all(isinstance(request, AiohttpRequest) for request in wired)
            httpx_pair = (HTTPXRequest(1, read_timeout=20.0), HTTPXRequest(256))
            pairs = {"httpx": httpx_pair, "aiohttp": wired}
            cpu: dict[str, list[float]] = {name: [] for name in pairs}
            try:
                async with running(application):
                    turn = itertools.count()  # each card in turn: a card stamped too often
                    # reaches its top reward, and the stamp is refused without a notice
                    for name in [*pairs] * 2:  # warm both: imports, caches, connections
                        _use(bot, pairs[name])
                        for _ in range(10):
                            await one_stamp._stamp(staff, customers, cards[next(turn) % CARDS])
                    settle_after_start()
                    for round_ in range(rounds):
                        order = list(pairs) if round_ % 2 == 0 else list(reversed(pairs))
                        for name in order:
                            _use(bot, pairs[name])
                            # The long poll under way still ends on the other client's.
                            await one_stamp._stamp(staff, customers, cards[next(turn) % CARDS])
                            await asyncio.sleep(0.2)
                            began = time.process_time()
                            for _ in range(stamps):
                                card = cards[next(turn) % CARDS]
                                await one_stamp._stamp(staff, customers, card)
                            seconds = (time.process_time() - began) / stamps
                            cpu[name].append(1000 * (seconds - driver))
                    _use(bot, wired)  # the application shuts its own down
            finally:
                gc.unfreeze()
                for request in httpx_pair:
                    await request.shutdown()
    return cpu


def _use(bot: Bot, pair: tuple[BaseRequest, BaseRequest]) -> None:
    """Make `bot` call through `pair` (long poll, calls) from its next request on."""
    with bot._unfrozen():
        bot._request = pair


async def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.telegram_requests", description=__doc__)
    p.add_argument("--calls", type=int, default=400, help="calls per client per round")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--stamps", type=int, help="whole /stamp updates per client per round")
    args = p.parse_args(argv)
    if args.stamps:
        by_client = await whole_stamps(args.stamps, args.rounds)
        print(f"bot CPU ms per /stamp (SQLite), {args.rounds} rounds of {args.stamps} stamps")
        for name, values in by_client.items():
            rounds = " ".join(f"{v:.1f}" for v in values)
            print(f"{name:>8}: median {statistics.median(values):.2f}   rounds: {rounds}")
        before, after = by_client.values()
        # The load on a shared machine drifts: the rounds side by side tell more than medians.
        paired = statistics.median(a - b for a, b in zip(after, before, strict=True))
        ratio = statistics.median(a / b for a, b in zip(after, before, strict=True))
        print(
            f"  change, median of the rounds' pairs: {paired:+.2f} ms ({100 * (ratio - 1):+.0f}%)"
        )
        return
    figures = await measure(args.calls, args.rounds)
    old, new = CLIENTS
    print(f"CPU µs per call, median of {args.rounds} rounds of {args.calls} calls")
    print("(all: user + system time of this process; user: user space alone)")
    print(
        f"{'':30}{'all:':>6}{old:>8}{new:>8}{'change':>8}{'user:':>8}{old:>8}{new:>8}{'change':>8}"
    )
    for what, figure in figures.items():
        row = f"{what:36}"
        for kind in ("all", "user"):
            base, now = figure[f"{old} {kind}"], figure[f"{new} {kind}"]
            row += f"{base:>8.0f}{now:>8.0f}{100 * (now - base) / base:>+7.0f}%" + " " * 8
        print(row.rstrip())


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
