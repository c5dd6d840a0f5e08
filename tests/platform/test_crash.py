"""Nothing lost, nothing doubled across `kill -9` (PRODUCT.md §7, "Nothing lost on a crash").

The bot runs as a real `python -m bot` process against the Bot API emulator (in this process) and
a real database. Cashiers keep stamping and crediting points while the bot is killed with SIGKILL
at random moments and restarted; the emulator re-delivers what was not confirmed, as Telegram
does. Afterwards every operation confirmed to staff is in the ledger, every command was applied
exactly once, every command got a reply, and the ledger invariant holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.i18n import translator
from domain.clock import SystemClock
from domain.db.tables import Card, LedgerEntry
from domain.db.uow import Database
from domain.service import LoyaltyService
from emulator.driver import BotApiEmulator
from emulator.user import EmulatedUser
from infra.db.engine import create_engine
from infra.tables import InboundUpdate, OutboxMessage
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.reliability import api_calls, count_handouts, messages_since, until

pytestmark = pytest.mark.workers

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "424242:CRASH-TEST-token-abcdef"
BOT_USERNAME = "loyalty_crash_bot"
EN = translator("en")

KILLS = 5
LOAD_BEFORE_KILL = (0.2, 1.5)  # seconds of load after a (re)start before the SIGKILL
CASHIERS = 4
CUSTOMERS = 8
SEND_PAUSE = (0.12, 0.32)  # each cashier's pause between two commands (~16/s in all)
MAX_COMMANDS = 450  # keeps the drain, and so the runtime, bounded on a slow machine
POINTS_SHARE = 0.35
STAMPS_TARGET = 50

OWNER_ID = 7000
CASHIER_IDS = range(7101, 7101 + CASHIERS)
CUSTOMER_IDS = range(7201, 7201 + CUSTOMERS)

ALREADY_DONE = "Already done"
STAMP_PROGRESS = re.compile(rf"stamps (\d+)/{STAMPS_TARGET}")
POINTS_BALANCE = re.compile(r"· ([\d,]+) points?\b")


@dataclass(frozen=True)
class Command:
    """One counter command a cashier sent, and what it should do."""

    update_id: int
    cashier_id: int
    card: str
    kind: str  # "stamp" or "earn_points"
    amount: Decimal | None = None

    @property
    def points(self) -> int:
        assert self.amount is not None
        return int(self.amount.to_integral_value(rounding=ROUND_FLOOR))  # 1 point per euro


class BotProcess:
    """`python -m bot` in a child process; its log goes to a file for post-mortems."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self._env = env
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None
        self.lines: list[str] = []
        self._started = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            env=self._env,
            cwd=PROJECT_ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        self._reader = asyncio.create_task(self._read_log())

    async def _read_log(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        with self.log_path.open("w", encoding="utf-8") as log:
            async for raw in self.process.stderr:
                line = raw.decode(errors="replace")
                log.write(line)
                log.flush()
                self.lines.append(line)
                if "Application started" in line:
                    self._started.set()

    async def wait_started(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Until PTB's Application runs (the durable poller starts right after)."""
        waiter = asyncio.create_task(self._started.wait())
        assert self.process is not None
        exited = asyncio.create_task(self.process.wait())
        done, _ = await asyncio.wait(
            {waiter, exited}, timeout=timeout, return_when="FIRST_COMPLETED"
        )
        waiter.cancel()
        exited.cancel()
        if waiter not in done:
            tail = "".join(self.lines[-30:])
            raise AssertionError(f"the bot did not start (see {self.log_path}):\n{tail}")

    @property
    def requeued(self) -> int:
        """Updates this run took from the inbox table because the last run died before them."""
        found = (re.search(r"handling (\d+) updates received before", x) for x in self.lines)
        return sum(int(match.group(1)) for match in found if match)

    async def kill(self) -> None:
        """SIGKILL: no shutdown hook, no flush, no goodbye."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()
        await self._finish_reading()

    async def stop(self) -> None:
        """SIGTERM and wait for the graceful shutdown (handled updates get marked)."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                await self.kill()
                raise AssertionError("the bot did not stop on SIGTERM") from None
        await self._finish_reading()

    async def _finish_reading(self) -> None:
        if self._reader is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._reader, 5)


@dataclass
class Load:
    """Cashiers sending /stamp and /points on a timer, whether or not the bot is up."""

    cashiers: list[EmulatedUser]
    cards: list[str]
    rng: random.Random
    commands: list[Command] = field(default_factory=list)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def cashier(self, user: EmulatedUser) -> None:
        while not self.stopping.is_set() and len(self.commands) < MAX_COMMANDS:
            card = self.rng.choice(self.cards)
            if self.rng.random() < POINTS_SHARE:
                # A unique amount per command: its ledger row can be told apart from all others.
                amount = Decimal(1) + Decimal(len(self.commands) + 1) / 100
                update_id = await user.send(f"/points {card} {amount}")
                self.commands.append(Command(update_id, user.id, card, "earn_points", amount))
            else:
                update_id = await user.send(f"/stamp {card}")
                self.commands.append(Command(update_id, user.id, card, "stamp"))
            await asyncio.sleep(self.rng.uniform(*SEND_PAUSE))


def bot_env(database_url: str, tg: BotApiEmulator) -> dict[str, str]:
    """The environment of `python -m bot`: only what the README lists, nothing in-process."""
    path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "LOG_LEVEL": "INFO"}
    for webhook_setting in ("WEBHOOK_URL", "WEBHOOK_SECRET"):
        env.pop(webhook_setting, None)
    env |= {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": database_url,
        "TELEGRAM_API_BASE_URL": tg.base_url,
    }
    return env


async def set_up_shop(
    tg: BotApiEmulator, cashier_ids: range = CASHIER_IDS, customer_ids: range = CUSTOMER_IDS
) -> tuple[list[EmulatedUser], list[str]]:
    """Everything through the bot: setup, program, invites, customers joining."""
    owner = tg.user(OWNER_ID, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Crash Café", wait=30), "join_")
    for setting in (
        "cooldown 0",
        "daily_limit 0",
        f"stamps_target {STAMPS_TARGET}",
        "type hybrid",
        "summary off",
    ):
        saved = await say(owner, f"/program set {setting}")
        assert saved.content.startswith("Saved"), saved.content
    cashiers = []
    for index, cashier_id in enumerate(cashier_ids):
        cashier = tg.user(cashier_id, f"Cashier{index}", language_code="en")
        await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"), wait=10)
        cashiers.append(cashier)
    cards = []
    for index, customer_id in enumerate(customer_ids):
        customer = tg.user(customer_id, f"Customer{index}", language_code="en")
        await customer.open_link(join)
        await customer.next_message(timeout=10)
        cards.append(card_number_in(await customer.next_message(timeout=10)))
        # Offers declined up front: the consent question after a first visit is not counted.
        await say(customer, "/offers off", wait=10)
    assert len(set(cards)) == len(customer_ids)
    return cashiers, cards


@pytest.mark.slow  # 40-50 s per engine; the shorter kill -9 stories below stay in the default run
async def test_kill_9_under_load_loses_nothing_and_doubles_nothing(
    database_url: str, tmp_path: Path
) -> None:
    started_at = time.monotonic()
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    runs: list[BotProcess] = []

    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as tg:
        env = bot_env(database_url, tg)

        async def start_bot() -> BotProcess:
            run = BotProcess(env, tmp_path / f"bot-run-{len(runs) + 1}.log")
            runs.append(run)
            await run.start()
            await run.wait_started()
            return run

        handouts = count_handouts(tg)
        load_tasks: list[asyncio.Task[None]] = []
        try:
            async with asyncio.timeout(240):
                bot = await start_bot()
                cashiers, cards = await set_up_shop(tg)
                await tg.wait_idle(timeout=10)
                first_load_event = {c.id: len(tg.events(c.id)) for c in cashiers}
                load = Load(cashiers, cards, rng)
                load_tasks = [asyncio.create_task(load.cashier(c)) for c in cashiers]

                kills = 0
                for _ in range(KILLS):
                    await asyncio.sleep(rng.uniform(*LOAD_BEFORE_KILL))
                    await bot.kill()
                    kills += 1
                    bot = await start_bot()  # the load goes on while it starts up
                await asyncio.sleep(1.0)
                load.stopping.set()
                await asyncio.gather(*load_tasks)

                commands = load.commands
                await _wait_for_replies(tg, cashiers, commands, first_load_event)
                # Notices claimed by a killed run are taken over once its lease lapses.
                await _outbox_drained(database_url, wait=60)
                await tg.wait_idle(timeout=20, quiet=0.5)
                await bot.stop()
        finally:
            for task in load_tasks:
                task.cancel()
            for run in runs:
                await run.kill()

        replies = {c.id: messages_since(tg, c.id, first_load_event[c.id]) for c in cashiers}
        notices = Counter(
            card_number
            for customer_id, card_number in zip(CUSTOMER_IDS, cards, strict=True)
            for text in messages_since(tg, customer_id, 0)
            if text.startswith(("You got", "You earned"))
        )
        emulator_replies = {t.update_id: t.replies for t in tg.timings()}

    rows, cards_now, unhandled, breaches = await _read_database(database_url)
    by_update = {command.update_id: command for command in commands}
    redelivered = sum(1 for update_id, n in handouts.items() if n > 1)
    requeued = sum(run.requeued for run in runs)

    # 1. Exactly once: one ledger row per command sent, keyed by that command's update, no other.
    by_key = {row.idempotency_key: row for row in rows}
    assert len(by_key) == len(rows), "two ledger rows share an idempotency key"
    assert all(row.idempotency_key is not None for row in rows)
    assert sorted(by_key) == sorted(f"u{c.update_id}" for c in commands), (
        "the ledger rows and the commands sent differ (lost or doubled operations)"
    )
    for command in commands:
        row = by_key[f"u{command.update_id}"]
        assert (row.kind, row.staff_user_id) == (command.kind, command.cashier_id)
        assert row.card_id == cards_now[command.card].id
        if command.kind == "stamp":
            assert (row.stamps_delta, row.points_delta) == (1, 0)
        else:
            assert (row.stamps_delta, row.points_delta) == (0, command.points)
            assert row.amount == command.amount
    for number, card in cards_now.items():
        mine = [c for c in commands if c.card == number]
        assert card.stamp_count == sum(1 for c in mine if c.kind == "stamp"), number
        assert card.points_balance == sum(c.points for c in mine if c.kind == "earn_points")

    # 2. Every "✅" a cashier saw is a ledger row of a command that cashier sent.
    confirmed: set[int] = set()
    already_done: Counter[tuple[int, str]] = Counter()
    for cashier_id, texts in replies.items():
        for text in texts:
            number = card_number_in_text(text)
            if text.startswith(ALREADY_DONE):
                already_done[(cashier_id, number)] += 1
                continue
            assert text.startswith("✅"), f"unexpected reply to a cashier: {text!r}"
            row = _row_confirmed_by(text, number, rows, cards_now[number].id)
            command = by_update[int(row.idempotency_key.removeprefix("u"))]
            assert command.cashier_id == cashier_id, "a cashier was told of another's operation"
            if command.amount is not None:
                assert f"{command.amount:.2f}" in text, text
            assert command.update_id not in confirmed, f"two ✅ for one command: {text!r}"
            confirmed.add(command.update_id)

    # 3. No update lost: every command got a reply. Those without a "✅" were committed by a run
    # that died before answering; the next run found them done and said "Already done".
    unconfirmed: Counter[tuple[int, str]] = Counter(
        (c.cashier_id, c.card) for c in commands if c.update_id not in confirmed
    )
    for key, count in unconfirmed.items():
        assert already_done[key] >= count, f"{count - already_done[key]} commands got no reply"
    assert all(emulator_replies.get(c.update_id, 0) >= 1 for c in commands)
    assert unhandled == 0, "updates left unhandled in the inbox after a graceful stop"

    # 4. The ledger invariant, and proof that the crashes exercised recovery at all.
    assert breaches == []
    assert kills == KILLS
    assert redelivered + requeued > 0, "no update was ever re-delivered: the kills missed"
    # 5. No notice lost (a kill between Telegram's answer and the outbox's mark may repeat one).
    assert sum(notices.values()) >= len(rows), "a customer never heard of an operation"

    elapsed = time.monotonic() - started_at
    print(
        f"\n[crash test, {_engine(database_url)}, seed {seed}] "
        f"updates sent: {len(commands)} "
        f"({sum(c.kind == 'stamp' for c in commands)} /stamp, "
        f"{sum(c.kind == 'earn_points' for c in commands)} /points); "
        f"kills survived: {kills}; re-delivered updates: {redelivered} "
        f"(handed out {sum(handouts.values())} times in all); "
        f"taken back from the inbox after a restart: {requeued}; "
        f"operations confirmed (✅): {len(confirmed)}; "
        f"'Already done' replies: {sum(already_done.values())}; "
        f"ledger rows: {len(rows)}; invariant breaches: {len(breaches)}; "
        f"customer notices: {sum(notices.values())} for {len(rows)} operations "
        f"({max(0, sum(notices.values()) - len(rows))} repeated after a kill); "
        f"runtime {elapsed:.1f} s"
    )


async def test_a_kill_while_the_reply_and_the_notice_are_on_the_wire_loses_neither(
    database_url: str, tmp_path: Path
) -> None:
    """The bot dies after committing a stamp, while both the cashier's reply and the customer's
    notice are on the wire (and die with the process: Telegram never gets them). After the
    restart the stamp is not applied again, the cashier is answered, and the customer hears
    about the stamp exactly once: the notice's claim is given back (at once for a lone SQLite
    bot; on PostgreSQL when the lease runs out, shortened here)."""
    runs: list[BotProcess] = []
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as tg:
        env = bot_env(database_url, tg) | {"OUTBOX_LEASE_SECONDS": "2"}
        try:
            async with asyncio.timeout(90):
                runs.append(BotProcess(env, tmp_path / "bot-run-1.log"))
                await runs[0].start()
                await runs[0].wait_started()
                (cashier,), (card,) = await set_up_shop(tg, CASHIER_IDS[:1], CUSTOMER_IDS[:1])
                customer = tg.get_user(CUSTOMER_IDS[0])
                await tg.wait_idle(timeout=10)
                seen = {user.id: len(tg.events(user.id)) for user in (cashier, customer)}

                tg.set_delay("sendMessage", 3.0)  # the reply and the notice both take long
                await cashier.send(f"/stamp {card}")
                await until(lambda: tg.state.requests_in_flight >= 2, what="reply and notice")
                await runs[0].kill()
                # The requests die with the process: Telegram never gets them.
                for person in (cashier, customer):
                    tg.faults.drop_connections("sendMessage", 1, chat_id=person.id)
                await until(lambda: len(api_calls(tg, "sendMessage", 499)) == 2, what="drops")
                tg.clear_faults()

                runs.append(BotProcess(env, tmp_path / "bot-run-2.log"))
                await runs[1].start()
                await runs[1].wait_started()
                reply = await cashier.next_message(timeout=15)
                await until(
                    lambda: any(
                        t.startswith("You got a stamp")
                        for t in messages_since(tg, customer.id, seen[customer.id])
                    ),
                    what="the notice",
                    wait=15,
                )
                await tg.wait_idle(timeout=10, quiet=1.0)
                await runs[1].stop()
        finally:
            for run in runs:
                await run.kill()
        notices = messages_since(tg, customer.id, seen[customer.id])
        replies = messages_since(tg, cashier.id, seen[cashier.id])

    rows, cards_now, _, breaches = await _read_database(database_url)
    assert reply.content.startswith(ALREADY_DONE), "the update was not handled again"
    assert [text for text in replies if text.startswith("✅")] == [], replies  # it died unsent
    assert [(row.kind, row.card_id) for row in rows] == [("stamp", cards_now[card].id)]
    assert breaches == []
    assert len([text for text in notices if text.startswith("You got a stamp")]) == 1, notices


NOTICE_STAMPS_EACH = 2
FAULTED_CUSTOMERS = 3  # their notices fail until the kill; one more customer is reachable


async def test_notices_pending_in_the_outbox_at_a_kill_9_arrive_once_after_the_restart(
    database_url: str, tmp_path: Path
) -> None:
    """Customers' notices wait in the outbox (Telegram answers 500 for their chats, so nothing
    reached them) when the bot is killed with SIGKILL. After a restart on the same database each
    of them gets each notice exactly once, and the reachable customer, already notified before
    the kill, is not notified again."""
    runs: list[BotProcess] = []
    customer_ids = CUSTOMER_IDS[: FAULTED_CUSTOMERS + 1]
    faulted, control = customer_ids[:FAULTED_CUSTOMERS], customer_ids[FAULTED_CUSTOMERS]
    engine = create_engine(database_url)
    outbox = _OutboxProbe(Database(engine))
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as tg:
        env = bot_env(database_url, tg)

        async def start_bot() -> BotProcess:
            run = BotProcess(env, tmp_path / f"bot-run-{len(runs) + 1}.log")
            runs.append(run)
            await run.start()
            await run.wait_started()
            return run

        try:
            async with asyncio.timeout(90):
                bot = await start_bot()
                (cashier,), cards = await set_up_shop(tg, CASHIER_IDS[:1], customer_ids)
                await tg.wait_idle(timeout=10)
                seen = {c: len(tg.events(c)) for c in customer_ids}
                for customer_id in faulted:  # refused before the emulator delivers anything
                    tg.fail_next("sendMessage", 500, times=10_000, chat_id=customer_id)

                sent: list[int] = []
                confirmations: list[str] = []
                for _ in range(NOTICE_STAMPS_EACH):
                    for card in cards:
                        sent.append(await cashier.send(f"/stamp {card}"))
                        confirmations.append((await cashier.next_message(timeout=10)).content)
                assert all(text.startswith("✅ 1 stamp added.") for text in confirmations), (
                    confirmations
                )

                # The reachable customer has both notices; the others' are in the outbox, each
                # tried and refused, none held by the dispatcher nor due in the next moments
                # (so the kill cannot leave one claimed for the lease).
                await until(
                    lambda: len(_stamp_notices(tg, control, seen[control])) == NOTICE_STAMPS_EACH,
                    what="the reachable customer's notices",
                )
                await outbox.wait_for_refused_and_idle(faulted, NOTICE_STAMPS_EACH)
                assert await outbox.undelivered() == FAULTED_CUSTOMERS * NOTICE_STAMPS_EACH
                assert [_stamp_notices(tg, c, seen[c]) for c in faulted] == [[]] * len(faulted)
                refused = len(api_calls(tg, "sendMessage", 500))
                assert refused >= FAULTED_CUSTOMERS

                await bot.kill()
                tg.clear_faults()
                bot = await start_bot()
                await outbox.wait_until_delivered(timeout=40)
                outcomes = await outbox.outcomes()
                await tg.wait_idle(timeout=10, quiet=0.5)
                await asyncio.sleep(1.5)  # several dispatcher polls: a duplicate would show now
                await bot.stop()
        finally:
            for run in runs:
                await run.kill()
            await engine.dispose()
        notices = {c: _stamp_notices(tg, c, seen[c]) for c in customer_ids}

    rows, cards_now, _, breaches = await _read_database(database_url)
    # Each customer heard of each of their stamps exactly once, in order.
    for customer_id in customer_ids:
        assert notices[customer_id] == [
            EN.ngettext(
                "You got a stamp at {store} — {progress}",
                "You got {n} stamps at {store} — {progress}",
                1,
                store="Crash Café",
                progress=f"{n}/{STAMPS_TARGET}",
            )
            for n in range(1, NOTICE_STAMPS_EACH + 1)
        ], (customer_id, notices[customer_id])
    # Every notice was recorded once and delivered, none given up or refused for good.
    # The stamps' notices, and the owner's notice that the one cashier joined.
    assert outcomes == {"sent": len(customer_ids) * NOTICE_STAMPS_EACH + 1}, outcomes
    # The ledger holds exactly the confirmed stamps, one row per /stamp.
    assert sorted(row.idempotency_key for row in rows) == sorted(f"u{u}" for u in sent)
    assert all((row.kind, row.stamps_delta) == ("stamp", 1) for row in rows)
    assert all(cards_now[card].stamp_count == NOTICE_STAMPS_EACH for card in cards)
    assert breaches == []
    print(
        f"\n[outbox crash test, {_engine(database_url)}] sendMessage refused before the kill: "
        f"{refused}; notices delivered: {sum(len(n) for n in notices.values())}"
    )


def _stamp_notices(tg: BotApiEmulator, chat_id: int, seen: int) -> list[str]:
    return [t for t in messages_since(tg, chat_id, seen) if t.startswith("You got")]


@dataclass
class _OutboxProbe:
    """The test's own view of the outbox table."""

    database: Database

    async def rows(self) -> list[Any]:
        async with self.database.read() as session:
            query = select(OutboxMessage).where(OutboxMessage.done_at.is_(None))
            return list((await session.execute(query.order_by(OutboxMessage.id))).scalars())

    async def undelivered(self) -> int:
        return len(await self.rows())

    async def outcomes(self) -> dict[str | None, int]:
        async with self.database.read() as session:
            query = select(OutboxMessage.outcome, func.count()).group_by(OutboxMessage.outcome)
            return {outcome: int(n) for outcome, n in await session.execute(query)}

    async def wait_for_refused_and_idle(
        self,
        recipients: Sequence[int],
        each: int,
        timeout: float = 20.0,  # noqa: ASYNC109
    ) -> None:
        """Until every recipient has `each` undelivered rows, none claimed, and the first of
        each (the later ones wait behind it) tried at least once and not due again within the
        next second."""
        deadline = time.monotonic() + timeout
        while True:
            rows = await self.rows()
            soon = datetime.now(UTC) + timedelta(seconds=1)
            by_recipient = Counter(row.recipient_id for row in rows)
            first: dict[int, Any] = {}
            for row in rows:  # oldest first
                first.setdefault(row.recipient_id, row)
            if (
                all(by_recipient[r] == each for r in recipients)
                and all(row.claimed_until is None for row in rows)
                and all(row.attempts >= 1 and row.available_at > soon for row in first.values())
            ):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the outbox did not settle: {[vars(r) for r in rows]}")
            await asyncio.sleep(0.02)

    async def wait_until_delivered(self, timeout: float) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while True:
            rows = await self.rows()
            if not rows:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"undelivered after {timeout}s: {[vars(r) for r in rows]}")
            await asyncio.sleep(0.1)


def card_number_in_text(text: str) -> str:
    found = re.search(r"\d{4}-\d{4}-\d{4}", text)
    assert found, f"no card number in a reply: {text!r}"
    return found.group(0)


def _row_confirmed_by(text: str, number: str, rows: list[Any], card_id: int) -> Any:
    """The one ledger row a "✅" reply describes: its kind and the balance right after it.

    Balances only grow under this load, so a balance after identifies a row of its card.
    """
    stamps = STAMP_PROGRESS.search(text)
    points = POINTS_BALANCE.search(text)
    assert stamps and points, f"no balance in a confirmation: {text!r}"
    stamp_balance, points_balance = int(stamps.group(1)), int(points.group(1).replace(",", ""))
    kind = "stamp" if "stamp" in text.splitlines()[0] else "earn_points"
    matches = [
        row
        for row in rows
        if row.card_id == card_id
        and row.kind == kind
        and (row.stamp_balance_after if kind == "stamp" else row.points_balance_after)
        == (stamp_balance if kind == "stamp" else points_balance)
    ]
    assert len(matches) == 1, f"{len(matches)} ledger rows match the confirmation {text!r}"
    row = matches[0]
    assert (row.stamp_balance_after, row.points_balance_after) == (stamp_balance, points_balance)
    return row


async def _wait_for_replies(
    tg: BotApiEmulator,
    cashiers: list[EmulatedUser],
    commands: list[Command],
    first_event: dict[int, int],
    timeout: float = 40.0,  # noqa: ASYNC109
) -> None:
    """Let the last run drain: until each cashier has at least one reply per command."""
    sent = Counter(c.cashier_id for c in commands)
    deadline = time.monotonic() + timeout
    while True:
        missing = {
            c.id: sent[c.id] - len(messages_since(tg, c.id, first_event[c.id]))
            for c in cashiers
            if len(messages_since(tg, c.id, first_event[c.id])) < sent[c.id]
        }
        if not missing and tg.pending_updates == 0:
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"replies still missing after {timeout}s: {missing}, "
                f"{tg.pending_updates} updates unconfirmed"
            )
        await asyncio.sleep(0.1)


async def _outbox_drained(url: str, *, wait: float) -> None:
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + wait
        while True:
            async with Database(engine).read() as session:
                left = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.done_at.is_(None))
                )
            if not left:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{left} effects still undelivered after {wait} s")
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()


async def _read_database(url: str) -> tuple[list[Any], dict[str, Any], int, list[Any]]:
    engine = create_engine(url)
    try:
        database = Database(engine)
        async with database.read() as session:
            rows = list((await session.execute(select(LedgerEntry))).scalars())
            cards = {card.number: card for card in (await session.execute(select(Card))).scalars()}
            unhandled = await session.scalar(
                select(func.count())
                .select_from(InboundUpdate)
                .where(InboundUpdate.processed_at.is_(None))
            )
        breaches = await LoyaltyService(database, SystemClock()).maintenance.invariant_breaches()
    finally:
        await engine.dispose()
    displayed = {_display(number): card for number, card in cards.items()}
    return rows, displayed, int(unhandled or 0), breaches


def _display(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"


def _engine(url: str) -> str:
    return "SQLite" if url.startswith("sqlite") else "PostgreSQL"
