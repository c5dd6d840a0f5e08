"""Two webhook workers on one PostgreSQL are one bot to Telegram: during a rush at the counter
on both workers, with 1,000 reminders queued at once, they stay within 30 messages in any one
second together, are never answered 429, and deliver every reply and every reminder once."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from domain.clock import SystemClock
from domain.db.uow import Database
from domain.effects import RemindExpiry
from domain.service import LoyaltyService
from emulator.driver import BotApiEmulator
from infra import Infrastructure
from tests.support.chat import eventually, say
from tests.support.databases import migrated_database, new_postgres_database
from tests.support.deployed import SECRET
from tests.support.postgres import PostgresServer
from tests.support.processes import start_worker, stop_workers, worker_env
from tests.support.scenario import new_profile, open_shop
from tests.support.servers import free_ports

pytestmark = pytest.mark.workers

TOKEN = "123456:TEST-TOKEN-budget"
TELEGRAM_LIMIT = 30
CASHIERS, STAMPED_CUSTOMERS, REMINDERS = 6, 40, 1000
RUSH_SECONDS = 10.0


async def _enrol_all(service: LoyaltyService, store_code: str, count: int) -> list[tuple[int, int]]:
    """(customer id, card id) of `count` new customers, enrolled a few at a time."""
    gate = asyncio.Semaphore(8)

    async def one(n: int) -> tuple[int, int]:
        async with gate:
            profile = new_profile(f"Customer {n}")
            enrolment = await service.customers.enrol(profile, store_code)
            # Offers declined up front: the budget's figures count notices and reminders only.
            await service.consent.set_offers(profile.user_id, None, False)
            return profile.user_id, enrolment.card.card_id

    return await asyncio.gather(*(one(n) for n in range(count)))


@pytest.mark.slow  # a 10-second rush and its drain, about 90 s in all
async def test_two_workers_share_one_message_budget_during_a_rush(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = await new_postgres_database(postgres_server)
    database: Database = await migrated_database(url)
    clock = SystemClock()
    infra = Infrastructure(database, clock)
    service = LoyaltyService(database, clock, infra.outbox.log)
    shop = await open_shop(service, cooldown="0", daily_limit="0", stamps_target="50")
    staff = [await shop.hire(f"Cashier {i}") for i in range(CASHIERS)]
    code = shop.first_store.code
    stamped = await _enrol_all(service, code, STAMPED_CUSTOMERS)
    reminded = await _enrol_all(service, code, REMINDERS)
    numbers = [(await service.customers.cards(user_id))[0].number for user_id, _ in stamped]

    workers: list[asyncio.subprocess.Process] = []
    async with BotApiEmulator(token=TOKEN, bot_wide_limit=TELEGRAM_LIMIT) as tg:
        tg.user(shop.owner.user_id, "Owner", language_code="en", started=True)
        cashiers = [tg.user(c.user_id, c.first_name, language_code="en") for c in staff]
        customers = {
            user_id: tg.user(user_id, "Customer", language_code="en", started=True)
            for user_id, _ in stamped + reminded
        }
        ports = free_ports(2)
        env = worker_env(TOKEN, url, tg.base_url, ports[0])
        try:
            for number, port in enumerate(ports):
                workers.append(await start_worker(env, port, tmp_path / f"worker-{number}.log"))
            tg.add_webhook_target(f"http://127.0.0.1:{ports[1]}/telegram", SECRET)
            commands = Counter[int]()
            stamps = Counter[str]()

            async def rush(index: int) -> None:
                cashier = cashiers[index]
                stop_at = time.monotonic() + RUSH_SECONDS
                n = index
                while time.monotonic() < stop_at:
                    number = numbers[n % len(numbers)]
                    commands[cashier.id] += 1
                    stamps[number] += 1
                    await say(cashier, f"/stamp {number}", wait=15)
                    n += 1

            # The reminders are queued at once, in one transaction, as the rush begins.
            expires_at = clock.now() + timedelta(days=7)
            reminders = [
                RemindExpiry(card_id=card_id, customer_id=user_id, expires_at=expires_at)
                for user_id, card_id in reminded
            ]
            async with database.write() as session:
                await infra.outbox.log.record(session, reminders)
            await asyncio.gather(*(rush(i) for i in range(CASHIERS)))

            async def all_delivered() -> bool:
                return await infra.outbox.undelivered() == 0

            await eventually(all_delivered, wait=75)
            await tg.wait_idle(timeout=10, quiet=0.5)

            stats = tg.stats()
            assert stats["most_messages_in_one_second"] <= TELEGRAM_LIMIT, stats
            assert stats["answers_429"] == 0 and stats["bot_wide_refusals"] == 0, stats
            # Every cashier's command answered once; both workers took part.
            assert [len(c.messages) for c in cashiers] == [commands[c.id] for c in cashiers]
            assert all(m.content.startswith("✅") for c in cashiers for m in c.messages)
            shares = tg.webhook.accepted_by
            assert len(shares) == 2 and min(shares.values()) >= sum(commands.values()) // 4
            # Every reminder and every notice delivered once.
            # Reminders, the stamps' notices and the owner's notice of each cashier who joined.
            sent = REMINDERS + sum(stamps.values()) + CASHIERS
            assert await infra.outbox.outcomes() == {"sent": sent}
            assert all(len(customers[user_id].messages) == 1 for user_id, _ in reminded)
            for (user_id, _), number in zip(stamped, numbers, strict=True):
                assert len(customers[user_id].messages) == stamps[number]
        finally:
            await stop_workers(workers)
            await infra.dispose()
            await database.dispose()
