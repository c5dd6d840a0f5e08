"""Two webhook worker processes on one PostgreSQL, fed round-robin by the emulator."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from domain.clock import SystemClock
from domain.db.tables import LedgerEntry, Merchant, Program, SummaryDelivery
from domain.db.uow import Database
from domain.service import LoyaltyService
from emulator.driver import BotApiEmulator
from infra.db.engine import create_engine
from infra.db.migrate import upgrade_to_head
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.databases import new_postgres_database
from tests.support.deployed import SECRET
from tests.support.postgres import PostgresServer
from tests.support.processes import start_worker, stop_workers, worker_env
from tests.support.servers import free_ports

pytestmark = pytest.mark.workers

TOKEN = "123456:TEST-TOKEN-scaleout"
CASHIERS, CUSTOMERS, STAMPS_EACH = 4, 6, 5


async def test_two_workers_share_the_load_and_the_ledger(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = await new_postgres_database(postgres_server)
    engine = create_engine(url)
    await upgrade_to_head(engine)
    service = LoyaltyService(Database(engine), SystemClock())
    workers: list[asyncio.subprocess.Process] = []
    async with BotApiEmulator(token=TOKEN, bot_username="loyalty_test_bot") as tg:
        ports = free_ports(2)
        env = worker_env(TOKEN, url, tg.base_url, ports[0]) | {"JOB_INTERVAL_SCALE": "0.01"}
        try:
            for number, port in enumerate(ports):
                workers.append(await start_worker(env, port, tmp_path / f"worker-{number}.log"))
            tg.add_webhook_target(f"http://127.0.0.1:{ports[1]}/telegram", SECRET)

            owner = tg.user(700, "Owner", language_code="en")
            join = link_in(await say(owner, "/setup Scale Café"), "join_")
            # The summary stays off until the check below switches it on: otherwise the default
            # evening time could come due while the test runs (after 21:00 in Luxembourg).
            for setting in ("cooldown 0", "daily_limit 0", "stamps_target 50", "summary off"):
                await say(owner, f"/program set {setting}")
            cashiers = []
            for i in range(CASHIERS):
                cashier = tg.user(710 + i, f"Cashier {i}", language_code="en")
                await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
                cashiers.append(cashier)
            numbers = []
            for i in range(CUSTOMERS):
                customer = tg.user(730 + i, f"Customer {i}", language_code="en")
                await customer.open_link(join)
                await customer.next_message()
                numbers.append(card_number_in(await customer.next_message()))

            async def work(cashier_index: int) -> None:
                cashier = cashiers[cashier_index]
                for n in range(STAMPS_EACH * CUSTOMERS // CASHIERS):
                    await say(cashier, f"/stamp {numbers[(cashier_index + n) % CUSTOMERS]}")

            await asyncio.gather(*(work(i) for i in range(CASHIERS)))
            await tg.wait_idle(timeout=20)
            expected = CASHIERS * (STAMPS_EACH * CUSTOMERS // CASHIERS)
            async with service.database.read() as session:
                stamps = (
                    await session.execute(select(func.count()).select_from(LedgerEntry))
                ).scalar_one()
            assert stamps == expected
            assert await service.maintenance.invariant_breaches() == []
            cards = [await service.customers.cards(730 + i) for i in range(CUSTOMERS)]
            assert sum(card[0].stamp_count for card in cards) == expected

            # The daily summary, due now, is sent once although both workers check for it.
            local = datetime.now(ZoneInfo("Europe/Luxembourg"))
            if local.hour == 0 and local.minute < 2:
                pytest.skip("too close to midnight to schedule a summary for today")
            due = (local - timedelta(minutes=1)).replace(second=0, microsecond=0)
            seen = len(owner.messages)
            # Switching the summary on counts from now, so today's time (a minute ago) is not due
            # yet; as if it had been switched on, and the café had joined, a minute before that
            # time, today's summary is due and yesterday's is not, however long the setup took.
            await say(owner, f"/program set summary {due:%H:%M}")
            since = (due - timedelta(minutes=1)).astimezone(UTC)
            async with service.database.write() as session:
                await session.execute(update(Merchant).values(created_at=since))
                await session.execute(update(Program).values(summary_on_since=since))
            summary = await owner.next_message(timeout=10)
            assert summary.content.startswith("📊")
            await asyncio.sleep(2.0)  # both workers' checks run several times meanwhile
            assert len([m for m in owner.messages[seen:] if m.content.startswith("📊")]) == 1
            async with service.database.read() as session:
                markers = (
                    await session.execute(select(func.count()).select_from(SummaryDelivery))
                ).scalar_one()
            assert markers == 1
            # Both workers did their share of the work.
            shares = tg.webhook.accepted_by
            assert len(shares) == 2 and min(shares.values()) >= expected // 4, shares
        finally:
            await stop_workers(workers)
            await engine.dispose()
