"""The rush: the real bot (`python -m bot`) under staff load, through the emulator over HTTP."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from benchmarks.load import (
    EventPump,
    NoAnswer,
    Operation,
    answer,
    closed_loop,
    confirm_all_updates,
    paced,
    pumping,
)
from benchmarks.procs import BOT_USERNAME, TOKEN, bot_env, child_pid, peak_rss_mib, rss_mib, spawn
from benchmarks.profiling import profiled
from benchmarks.seed import TOP_STAMPS, RushCard, RushFixture, seed_rush
from benchmarks.stats import latency_ms, median_of_runs
from domain.db.tables import LedgerEntry
from domain.db.uow import Database
from emulator.client import EmulatorClient, spawn_emulator
from emulator.remote_user import RemoteUser
from tests.support.databases import migrated_database

REDEEM_AT = 10  # the benchmark program's stamps_target (the default)
FIRST_REWARD = "Free coffee"  # its label, and that of its button in the cashier's choice
CONFIRM = "Confirm"


@dataclass
class RushConfig:
    senders: int = 16
    shops: int = 4
    staff: int = 32
    cards: int = 2000
    seconds: float = 10.0
    warmup_seconds: float = 2.0
    repeat: int = 3
    paced_rates: tuple[float, ...] = (10.0, 100.0)
    paced_seconds: float = 5.0
    drain_seconds: float = 90.0


@dataclass
class Counter:
    """Balance changes the load generator asked for, to check against the ledger afterwards."""

    done: int = 0


def counter_operation(
    user: RemoteUser, pump: EventPump, cards: list[RushCard], rng: random.Random, done: Counter
) -> Operation:
    """One staff member at the counter: 40 % stamps, 40 % points, 20 % confirmed redemptions."""
    ready = {i for i, card in enumerate(cards) if card.stamps >= REDEEM_AT}

    async def command(text: str) -> Any:
        future = pump.expect(user.id, "message")
        await user.send(text)
        return (await answer(future, f"{text!r} from staff {user.id}")).message

    async def tap(message: Any, label: str, kind: str) -> Any:
        """Press the button of `message` labelled `label`; the answer of `kind`."""
        (button,) = [b for row in message.buttons for b in row if b.text.startswith(label)]
        future = pump.expect(user.id, kind)
        await user.press(message.message_id, callback_data=button.callback_data)
        return (await answer(future, f"{label!r} from staff {user.id}")).message

    async def operate() -> tuple[str, int]:
        r = rng.random()
        if r < 0.2 and ready:
            index = rng.choice(tuple(ready))
            card = cards[index]
            question = await command(f"/redeem {card.number}")
            if not question.buttons:
                return "refused", 1
            sent = 2
            if question.buttons[0][0].text != CONFIRM:
                # A card past the dearer reward too: the cashier picks the first one, and the
                # question comes as a message of its own.
                question = await tap(question, FIRST_REWARD, "message")
                sent += 1
            # Confirm turns the question into the confirmation; anything else (a refusal) is
            # a message of its own.
            future = pump.expect(user.id, "edit", "message")
            pump.expect_notice(card.customer_id)
            await user.press(
                question.message_id, callback_data=question.buttons[0][0].callback_data
            )
            confirmation = await answer(future, f"Confirm of a redemption from staff {user.id}")
            if confirmation.kind != "edit":
                shown = confirmation.message.text if confirmation.message else None
                raise NoAnswer(f"a redemption was refused: {shown!r}")
            card.stamps -= REDEEM_AT
            if card.stamps < REDEEM_AT:
                ready.discard(index)
            done.done += 1
            return "redeem", sent
        index = rng.randrange(len(cards))
        if r < 0.6 and cards[index].stamps >= TOP_STAMPS:  # full: it is redeemed first
            index = rng.choice([i for i, c in enumerate(cards) if c.stamps < TOP_STAMPS] or [index])
        card = cards[index]
        pump.expect_notice(card.customer_id)
        if r < 0.6:
            await command(f"/stamp {card.number}")
            card.stamps += 1
            if card.stamps >= REDEEM_AT:
                ready.add(index)
            done.done += 1
            return "stamp", 1
        await command(f"/points {card.number} {rng.randint(100, 5000) / 100:.2f}")
        done.done += 1
        return "points", 1

    return operate


def closed_operations(
    client: EmulatorClient, pump: EventPump, fixture: RushFixture, senders: int, done: Counter
) -> list[Operation]:
    """One operation loop per sender: its own staff member, and its own share of the cards."""
    staff = fixture.staff[:senders]
    operations = []
    for position, (shop, staff_id) in enumerate(staff):
        mates = [p for p, (s, _) in enumerate(staff) if s == shop]
        share = fixture.cards[shop][mates.index(position) :: len(mates)]
        user = RemoteUser(client, staff_id, f"Staff {staff_id}")
        operations.append(counter_operation(user, pump, share, random.Random(position), done))
    return operations


def paced_sender(
    client: EmulatorClient, pump: EventPump, fixture: RushFixture, done: Counter
) -> Any:
    """Open-loop sends: staff in turn, a random card of their shop, 60 % stamps, 40 % points;
    each balance change's notice is expected by `pump`."""
    rng = random.Random(7)
    staff = fixture.staff

    async def send(i: int) -> str:
        shop, staff_id = staff[i % len(staff)]
        card = rng.choice(fixture.cards[shop])
        user = RemoteUser(client, staff_id, "Staff")
        done.done += 1
        pump.expect_notice(card.customer_id)
        if rng.random() < 0.6 and card.stamps < TOP_STAMPS:  # a full card takes points
            card.stamps += 1
            await user.send(f"/stamp {card.number}")
            return "stamp"
        await user.send(f"/points {card.number} {rng.randint(100, 5000) / 100:.2f}")
        return "points"

    return send


async def paced_with_notices(
    client: EmulatorClient,
    pump: EventPump,
    fixture: RushFixture,
    done: Counter,
    rate: float,
    config: RushConfig,
    pids: dict[str, int],
) -> dict[str, Any]:
    """A paced run, and how late its customers' notices came (asked → arrived): within the
    budget the product promises them within seconds, not only the cashier's reply."""
    already = len(pump.notice_lags)
    figures = await paced(
        client,
        paced_sender(client, pump, fixture, done),
        rate,
        config.paced_seconds,
        pids,
        config.drain_seconds,
    )
    drain_s = await pump.notices_drained(config.drain_seconds)
    figures["notices"] = {
        **latency_ms(pump.notice_lags[already:]),
        "outstanding": pump.notices_outstanding,
        "drain_s": drain_s,
    }
    return figures


async def register_users(client: EmulatorClient, fixture: RushFixture) -> None:
    """Staff in the emulator; customers as users who once wrote to the bot (so it may notify
    them), their messages taken off the emulator before the bot starts."""
    for _, staff_id in fixture.staff:
        await client.user(staff_id, f"Staff {staff_id}", language_code="en")
    gate = asyncio.Semaphore(16)

    async def customer(user_id: int) -> None:
        async with gate:
            await client.post(
                "/send", user_id=user_id, text="hi", first_name="C", language_code="en"
            )

    await asyncio.gather(*(customer(user_id) for user_id in fixture.customers))
    await confirm_all_updates(client)
    await client.reset_timings()


async def first_answer(client: EmulatorClient, user_id: int, within: float = 60.0) -> float:
    """Send /start as a fresh user and wait for the bot's answer; the monotonic time it came."""
    user = await client.user(user_id, "Probe", language_code="en")
    await user.send("/start")
    await user.next_message(timeout=within)
    return time.monotonic()


async def ledger_rows_since(url: str, since: datetime) -> int:
    database: Database = await migrated_database(url)
    try:
        async with database.read() as session:
            query = select(func.count()).where(LedgerEntry.created_at >= since)
            return int((await session.execute(query)).scalar_one())
    finally:
        await database.dispose()


async def run_rush(
    url: str,
    config: RushConfig,
    workdir: Path,
    *,
    module: str = "bot",
    profile: Path | None = None,
    native: bool = False,
) -> tuple[dict[str, Any], RushFixture]:
    """Seed, start emulator and bot, warm up, closed-loop runs, paced runs; figures and fixture."""
    database = await migrated_database(url)
    fixture = await seed_rush(database, config.shops, config.staff, config.cards, random.Random(1))
    await database.dispose()
    done = Counter()
    result: dict[str, Any] = {"module": module, "cards": config.cards, "staff": config.staff}
    async with spawn_emulator(token=TOKEN, bot_username=BOT_USERNAME) as client:
        client.include_files = False
        pids = {"bot": 0, "emulator": child_pid("-m emulator"), "loadgen": 0}
        await register_users(client, fixture)
        since = datetime.now(UTC)
        log = workdir / f"{module.replace('.', '_')}.log"
        async with spawn(module, bot_env(url, client.base_url), log) as bot:
            pids["bot"] = bot.pid
            await first_answer(client, 1)
            await asyncio.sleep(0.5)
            result["idle_rss_mib"] = rss_mib(bot.pid)
            async with pumping(client) as pump:
                operations = closed_operations(client, pump, fixture, config.senders, done)
                await closed_loop(client, operations, config.warmup_seconds, pids)
                runs = [
                    await closed_loop(client, operations, config.seconds, pids)
                    for _ in range(config.repeat)
                ]
                result["closed"] = median_of_runs(runs)
                result["closed_runs"] = runs
                # Customers' notices may still be queued behind the replies: measure how late
                # they come, and start the paced runs from a calm bot.
                drain_s = await pump.notices_drained(config.drain_seconds)
                result["notices"] = {
                    **latency_ms(pump.notice_lags),
                    "outstanding": pump.notices_outstanding,
                    "drain_s": drain_s,
                }
                result["paced"] = [
                    await paced_with_notices(client, pump, fixture, done, rate, config, pids)
                    for rate in config.paced_rates
                ]
                if profile is not None:
                    async with profiled(bot.pid, profile, config.seconds, native=native) as summary:
                        result["profiled_run"] = await closed_loop(
                            client, operations, config.seconds, pids
                        )
                    result["profile"] = summary
            result["peak_rss_mib"] = peak_rss_mib(bot.pid)
            if not bot.alive():
                raise RuntimeError(f"the bot died:\n{bot.log_tail()}")
    result["balance_changes_sent"] = done.done
    result["ledger_rows_written"] = await ledger_rows_since(url, since)
    return result, fixture
