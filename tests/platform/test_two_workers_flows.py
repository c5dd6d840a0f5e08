"""Conversations that hop between two webhook workers on one PostgreSQL.

The emulator delivers updates round-robin to two `python -m bot webhook` processes, so the
consecutive updates of one chat reach different workers: a prompt asked by one worker is
answered on the other, a confirmation question asked by one is tapped on the other, and a
command and the /undo that follows it run on different workers. Steps live in the database,
notices go through the outbox, and the chat's advisory lock keeps the order.
"""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.i18n import translator
from domain.clock import SystemClock
from domain.db.tables import LedgerEntry
from domain.db.uow import Database
from domain.service import LoyaltyService
from emulator.driver import BotApiEmulator
from emulator.models import SentMessage
from emulator.user import EmulatedUser
from infra.bots import TokenCipher
from infra.db.engine import create_engine
from infra.db.migrate import upgrade_to_head
from infra.tables import OutboxMessage
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.databases import new_postgres_database
from tests.support.deployed import SECRET
from tests.support.postgres import PostgresServer
from tests.support.processes import ROOT
from tests.support.processes import start_worker as _start_worker
from tests.support.servers import free_ports

pytestmark = [pytest.mark.postgres, pytest.mark.workers]

TOKEN = "123456:TEST-TOKEN-twoworkers"
EN = translator("en")
ADD_POINTS = EN.pgettext("button", "Add points")
YES = EN.pgettext("button", "Yes")
EXPIRED = EN.gettext("This button has expired.")

BOT_TOKEN_KEY = TokenCipher.new_key()
ROUNDS = 10
CUSTOMERS = 3


def _worker_env(url: str, tg: BotApiEmulator, first_port: int) -> dict[str, str]:
    """As in test_scale_out: the setWebhook URL is the first worker's."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": url,
        "TELEGRAM_API_BASE_URL": tg.base_url,
        "WEBHOOK_URL": f"http://127.0.0.1:{first_port}/telegram",
        "WEBHOOK_SECRET": SECRET,
        "JOB_INTERVAL_SCALE": "0.01",
        "LOG_LEVEL": "WARNING",
        "BOT_TOKEN_KEY": BOT_TOKEN_KEY,  # café bots' tokens at rest
    }


@dataclass
class Cluster:
    tg: BotApiEmulator
    service: LoyaltyService
    logs: list[Path]

    def handled(self) -> int:
        """Updates acknowledged (200) by the workers so far."""
        return sum(self.tg.webhook.accepted_by.values())

    def shares(self) -> dict[str, int]:
        return dict(self.tg.webhook.accepted_by)

    async def worker_of_next(self, act: Callable[[], Awaitable[object]]) -> str:
        """Run `act` (which makes exactly one update) and return the URL of the worker that
        acknowledged that update. Each update is acknowledged after it was handled."""
        before, total = self.shares(), self.handled()
        await act()
        await _until(lambda: self.handled() == total + 1, "the update's acknowledgement")
        after = self.shares()
        (worker,) = [url for url in after if after[url] != before.get(url, 0)]
        return worker

    async def undelivered(self) -> int:
        async with self.service.database.read() as session:
            query = select(func.count()).select_from(OutboxMessage)
            return int(
                (await session.execute(query.where(OutboxMessage.done_at.is_(None)))).scalar_one()
            )

    def log_tail(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in self.logs)


async def _until(condition: Callable[[], bool], what: str, wait: float = 10.0) -> None:
    deadline = time.monotonic() + wait
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {wait}s")
        await asyncio.sleep(0.01)


@asynccontextmanager
async def two_workers(server: PostgresServer, tmp_path: Path) -> AsyncIterator[Cluster]:
    url = await new_postgres_database(server)
    engine = create_engine(url)
    await upgrade_to_head(engine)
    service = LoyaltyService(Database(engine), SystemClock())
    workers: list[asyncio.subprocess.Process] = []
    async with BotApiEmulator(token=TOKEN, bot_username="loyalty_test_bot") as tg:
        ports = free_ports(2)
        env = _worker_env(url, tg, ports[0])
        logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
        try:
            started = await asyncio.gather(
                *(_start_worker(env, port, log) for port, log in zip(ports, logs, strict=True)),
                return_exceptions=True,
            )
            workers = [p for p in started if isinstance(p, asyncio.subprocess.Process)]
            for failure in started:
                if isinstance(failure, BaseException):
                    raise failure
            tg.add_webhook_target(f"http://127.0.0.1:{ports[1]}/telegram", SECRET)
            cluster = Cluster(tg, service, logs)
            try:
                yield cluster
            except BaseException:
                print(cluster.log_tail())
                raise
            # Neither worker logged an error while the story ran.
            for log in logs:
                text = log.read_text()
                assert "Traceback" not in text and "ERROR" not in text, text[-5000:]
        finally:
            for process in workers:
                if process.returncode is None:
                    process.terminate()
                    await process.wait()
            await engine.dispose()


def _no_expired_button(user: EmulatedUser) -> None:
    contents = [e.message.content for e in user.all_events if e.message is not None]
    assert EXPIRED not in contents, f"{user.first_name} was told a button expired: {contents}"


def _plain(html: str) -> str:
    return html.replace("<code>", "").replace("</code>", "")


def _points(n: int) -> str:
    return EN.ngettext("{n} point", "{n} points", n)


# --- a. amounts typed for a prompt asked by the other worker -----------------------------------


async def test_prompts_answered_on_the_other_worker_credit_their_own_card(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    async with two_workers(postgres_server, tmp_path) as cluster:
        tg, service = cluster.tg, cluster.service
        owner = tg.user(800, "Owner", language_code="en")
        join = link_in(await say(owner, "/setup Points Café"), "join_")
        for setting in ("type points", "points_per_euro 1", "cooldown 0", "daily_limit 0"):
            saved = await say(owner, f"/program set {setting}")
            assert saved.content.startswith("Saved"), saved.content
        cashier = tg.user(801, "Cashier", language_code="en")
        await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
        customers: list[EmulatedUser] = []
        numbers: list[str] = []
        for i in range(CUSTOMERS):
            customer = tg.user(810 + i, f"Customer {i}", language_code="en")
            await customer.open_link(join)
            await customer.next_message()
            numbers.append(card_number_in(await customer.next_message()))
            await say(customer, "/offers off")  # no consent question among the counted notices
            customers.append(customer)
        await tg.wait_idle()
        seen = {c.id: len(c.all_events) for c in customers}

        balances = [0] * CUSTOMERS
        credited: list[list[int]] = [[] for _ in range(CUSTOMERS)]
        workers_of_reply_and_prompt: list[tuple[str, str]] = []
        for round_ in range(ROUNDS):
            for i, number in enumerate(numbers):
                amount = 1 + round_ + i
                card = await say(cashier, f"/lookup {number}")
                assert card.content.splitlines()[0] == _plain(
                    EN.gettext(
                        "Card <code>{number}</code> at {merchant}",
                        number=number,
                        merchant="Points Café",
                    )
                ), card.content
                asked_by = await cluster.worker_of_next(
                    functools.partial(cashier.press, card, ADD_POINTS)
                )
                prompt = await cashier.next_message()
                assert prompt.content == EN.gettext(
                    "Send the purchase amount for card {number}, for example 12,50.",
                    number=number,
                ), prompt.content
                assert (cashier.id, prompt.message_id) in tg.state.force_replies  # a ForceReply
                answered_by = await cluster.worker_of_next(
                    functools.partial(cashier.reply, prompt, str(amount))
                )
                workers_of_reply_and_prompt.append((asked_by, answered_by))
                done = await cashier.next_message()
                balances[i] += amount
                credited[i].append(amount)
                head = EN.ngettext(
                    "✅ {n} point added for {amount}.",
                    "✅ {n} points added for {amount}.",
                    amount,
                    amount=EN.money(Decimal(amount)),
                )
                line = EN.gettext(
                    "Card {number}: {balance}", number=number, balance=_points(balances[i])
                )
                assert done.content == f"{head}\n{line}", (round_, i, done.content)

        # The prompt was asked by one worker and answered on the other, every time.
        assert all(asked != answered for asked, answered in workers_of_reply_and_prompt)

        # The ledger: each card holds exactly its own credits.
        for i, customer in enumerate(customers):
            (held,) = await service.customers.cards(customer.id)
            assert held.points_balance == balances[i] == sum(credited[i]), i
        async with service.database.read() as session:
            rows = list((await session.execute(select(LedgerEntry))).scalars())
        assert len(rows) == ROUNDS * CUSTOMERS
        assert all(r.kind == "earn_points" and r.staff_user_id == cashier.id for r in rows)
        by_card: dict[int, list[int]] = {}
        for row in sorted(rows, key=lambda r: r.id):
            by_card.setdefault(row.card_id, []).append(row.points_delta)
        cards_of = {c.id: (await service.customers.cards(c.id))[0].card_id for c in customers}
        assert [by_card[cards_of[c.id]] for c in customers] == credited
        assert await service.maintenance.invariant_breaches() == []

        # The notices: one per credit, each naming its amount and that card's balance after it.
        expected = []
        for i in range(CUSTOMERS):
            running, texts = 0, []
            for amount in credited[i]:
                running += amount
                texts.append(
                    EN.ngettext(
                        "You earned {n} point at {store} — balance: {balance}",
                        "You earned {n} points at {store} — balance: {balance}",
                        amount,
                        store="Points Café",
                        balance=EN.number(running),
                    )
                )
            expected.append(texts)

        def notices() -> list[list[str]]:
            return [
                [
                    e.message.content
                    for e in c.all_events[seen[c.id] :]
                    if e.kind == "message" and e.message is not None
                ]
                for c in customers
            ]

        await tg.wait_idle(timeout=20)
        deadline = time.monotonic() + 10  # notices come from the outbox, after the replies
        while time.monotonic() < deadline:
            if notices() == expected and await cluster.undelivered() == 0:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # two dispatcher polls on each worker: nothing more comes
        assert await cluster.undelivered() == 0
        assert notices() == expected
        shares = cluster.shares()
        assert len(shares) == 2 and min(shares.values()) >= ROUNDS * CUSTOMERS, shares


# --- b. confirmations tapped on the other worker ---------------------------------------------


async def _tap_on_the_other_worker(
    cluster: Cluster, user: EmulatedUser, ask: Callable[[], Awaitable[object]]
) -> SentMessage:
    """`ask` makes one update whose answer is a yes/no question; tap Yes on the other worker.
    Returns the question."""
    asked_by = await cluster.worker_of_next(ask)
    question = await user.next_message()
    tapped_by = await cluster.worker_of_next(lambda: user.press(question, YES))
    assert tapped_by != asked_by, "the tap reached the worker that asked"
    return question


async def test_confirmations_tapped_on_the_other_worker_take_effect(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    async with two_workers(postgres_server, tmp_path) as cluster:
        tg, service = cluster.tg, cluster.service
        alpha_owner = tg.user(900, "Alpha owner", language_code="en")
        first = link_in(await say(alpha_owner, "/setup Alpha"), "join_")
        sam = tg.user(901, "Sam", language_code="en")  # staff at Alpha, then runs Beta
        cleo = tg.user(902, "Cleo", language_code="en")  # staff at Alpha, then moves to Beta
        for person in (sam, cleo):
            welcome = await join_staff(
                alpha_owner, person, link_in(await say(alpha_owner, "/invite"), "staff_")
            )
            assert welcome.content.startswith("You are now staff at Alpha"), welcome.content

        # 1. /setup by a user who is staff elsewhere: "leave it?" - Yes, on the other worker.
        question = await _tap_on_the_other_worker(cluster, sam, lambda: sam.send("/setup Beta"))
        assert question.content == EN.gettext(
            "You are staff at {merchant}. Leave it and set up {business}?",
            merchant="Alpha",
            business="Beta",
        )
        set_up = await sam.next_message()
        beta_join = link_in(set_up, "join_")
        assert set_up.content == EN.gettext(
            "🎉 {merchant} is set up with a stamp card: 10 stamps for a free coffee.\n"
            "Customers join with this link (or its QR code, /poster): {link}\n"
            "Change the program with /program, invite cashiers with /invite.",
            merchant="Beta",
            link=beta_join,
        )
        sam_now = await service.staff.identity(sam.id)
        assert sam_now.is_owner and sam_now.membership is not None
        assert sam_now.membership.merchant_name == "Beta"

        # 2. A second invite accepted while staff elsewhere: "leave it?" - Yes.
        invite = link_in(await say(sam, "/invite"), "staff_")
        question = await _tap_on_the_other_worker(cluster, cleo, lambda: cleo.open_link(invite))
        assert question.content == EN.gettext(
            "You are staff at {merchant}. Leave it and accept this invite?", merchant="Alpha"
        )
        assert (await cleo.next_message()).content == EN.gettext(
            "You are now staff at {merchant}, at all stores. "
            "Send /help to see the counter commands.",
            merchant="Beta",
        )
        cleo_now = await service.staff.identity(cleo.id)
        assert cleo_now.membership is not None and not cleo_now.is_owner
        assert cleo_now.membership.merchant_name == "Beta"
        assert [m.user_id for m in await service.staff.list_staff(sam.id)] == [cleo.id]
        assert [m.user_id for m in await service.staff.list_staff(alpha_owner.id)] == []

        # 3. Cross-location on again, merging a customer's two cards: Yes.
        second = link_in(await say(alpha_owner, "/addstore Gare"), "join_")
        saved = await say(alpha_owner, "/program set cross_location off")
        assert saved.content == "Saved: cross_location = off"
        dana = tg.user(903, "Dana", language_code="en")
        for link in (first, second):
            await dana.open_link(link)
            await dana.next_message()
            await dana.next_message()
        assert len(await service.customers.cards(dana.id)) == 2
        question = await _tap_on_the_other_worker(
            cluster, alpha_owner, lambda: alpha_owner.send("/program set cross_location on")
        )
        assert question.content == EN.ngettext(
            "{n} customer has several cards (one per store). Turning cross-location on merges "
            "each customer's cards into their oldest card; nothing is lost. Continue?",
            "{n} customers have several cards (one per store). Turning cross-location on "
            "merges each customer's cards into their oldest card; nothing is lost. Continue?",
            1,
        )
        assert (await alpha_owner.next_message()).content == "Saved: cross_location = on"
        assert len(await service.customers.cards(dana.id)) == 1
        program = await service.merchants.program(alpha_owner.id)
        assert program.cross_location is True

        # 4. /forget: Yes. The question is edited into the result.
        question = await _tap_on_the_other_worker(cluster, dana, lambda: dana.send("/forget"))
        assert question.content == EN.gettext(
            "Erase your personal data? Your name is forgotten and your cards stop working. "
            "Your stamps and points cannot be recovered."
        )
        erased = await dana.next_edit()
        assert erased.message_id == question.message_id
        assert erased.content == EN.ngettext(
            "Done. Your personal data is erased and {n} card was deactivated.",
            "Done. Your personal data is erased and {n} cards were deactivated.",
            1,
        )
        assert await service.customers.cards(dana.id) == []

        await tg.wait_idle()
        for person in (sam, cleo, alpha_owner, dana):
            _no_expired_button(person)
        assert await service.maintenance.invariant_breaches() == []


# --- c. a command and its /undo on two workers -------------------------------------------------


async def test_stamp_and_undo_sent_back_to_back_keep_their_order_across_workers(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    async with two_workers(postgres_server, tmp_path) as cluster:
        tg, service = cluster.tg, cluster.service
        owner = tg.user(950, "Owner", language_code="en")
        join = link_in(await say(owner, "/setup Stamp Café"), "join_")
        await say(owner, "/program set cooldown 0")
        cashier = tg.user(951, "Cashier", language_code="en")
        await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
        customer = tg.user(952, "Customer", language_code="en")
        await customer.open_link(join)
        await customer.next_message()
        number = card_number_in(await customer.next_message())
        await say(customer, "/offers off")  # no consent question among the counted notices
        await tg.wait_idle()

        before, total = cluster.shares(), cluster.handled()
        await cashier.send(f"/stamp {number}")
        await cashier.send("/undo")  # right away: no waiting for the stamp's reply
        stamped = await cashier.next_message(timeout=10)
        undone = await cashier.next_message(timeout=10)
        await _until(lambda: cluster.handled() == total + 2, "both acknowledgements")
        after = cluster.shares()
        assert sorted(after[url] - before.get(url, 0) for url in after) == [1, 1], (before, after)

        assert stamped.content == EN.ngettext("✅ {n} stamp added.", "✅ {n} stamps added.", 1) + (
            "\n"
            + EN.gettext(
                "Card {number}: {balance}",
                number=number,
                balance=EN.gettext("stamps {progress}", progress="1/10 ●○○○○○○○○○"),
            )
        ), stamped.content
        assert undone.content == EN.gettext(
            "↩️ Undone. Card {number}: {balance}",
            number=number,
            balance=EN.gettext("stamps {progress}", progress="0/10 ○○○○○○○○○○"),
        ), undone.content

        (card,) = await service.customers.cards(customer.id)
        assert card.stamp_count == 0
        async with service.database.read() as session:
            rows = list(
                (await session.execute(select(LedgerEntry).order_by(LedgerEntry.id))).scalars()
            )
        assert [(r.kind, r.stamps_delta, r.staff_user_id) for r in rows] == [
            ("stamp", 1, cashier.id),
            ("undo", -1, cashier.id),
        ]
        assert await service.maintenance.invariant_breaches() == []

        # The customer hears of both, in that order, once each (from either worker's outbox).
        expected = [
            EN.ngettext(
                "You got a stamp at {store} — {progress}",
                "You got {n} stamps at {store} — {progress}",
                1,
                store="Stamp Café",
                progress="1/10",
            ),
            EN.gettext(
                "Your card at {merchant} was corrected by staff — now: {balance}",
                merchant="Stamp Café",
                balance=EN.gettext("stamps {progress}", progress="0/10 ○○○○○○○○○○"),
            ),
        ]

        def notices() -> list[str]:
            # After the welcome, the card and the answer to /offers off.
            return [m.content for m in customer.messages[3:]]

        await tg.wait_idle()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if len(notices()) >= len(expected) and await cluster.undelivered() == 0:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # two dispatcher polls on each worker: nothing more comes
        assert notices() == expected
