"""The API on two webhook worker processes sharing one PostgreSQL (`python -m bot webhook`, the
real composition root): one request sent to both at once is one operation, and a revoked key
is refused by both at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from domain.apikeys import ALL_SCOPES
from domain.clock import SystemClock
from domain.db.tables import LedgerEntry
from domain.db.uow import Database
from domain.service import LoyaltyService
from emulator.driver import BotApiEmulator
from infra.db.engine import create_engine
from infra.db.migrate import upgrade_to_head
from tests.support.databases import new_postgres_database
from tests.support.postgres import PostgresServer
from tests.support.processes import start_worker, stop_workers, worker_env
from tests.support.scenario import new_profile, open_shop
from tests.support.servers import free_ports

pytestmark = pytest.mark.workers

TOKEN = "123456:TEST-TOKEN-apiworkers"


async def test_one_idempotent_request_on_two_workers_is_one_operation(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = await new_postgres_database(postgres_server)
    engine = create_engine(url)
    await upgrade_to_head(engine)
    service = LoyaltyService(Database(engine), SystemClock())
    shop = await open_shop(service, cooldown="0", daily_limit="0")
    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    key = await service.api_keys.create_key(shop.owner.user_id, "till", ALL_SCOPES)
    workers: list[asyncio.subprocess.Process] = []
    async with BotApiEmulator(token=TOKEN, bot_username="loyalty_test_bot") as tg:
        ports = free_ports(2)
        env = worker_env(TOKEN, url, tg.base_url, ports[0])
        try:
            for number, port in enumerate(ports):
                workers.append(await start_worker(env, port, tmp_path / f"worker-{number}.log"))
            bases = [f"http://127.0.0.1:{port}/api/v1" for port in ports]
            auth = {"Authorization": f"Bearer {key.secret}"}
            async with httpx.AsyncClient(timeout=20) as http:
                for base in bases:
                    document = await http.get(f"{base}/openapi.json")
                    assert document.json()["openapi"] == "3.1.0"

                async def earn(base: str) -> httpx.Response:
                    return await http.post(
                        f"{base}/cards/{card.number}/earn",
                        json={"stamps": 2},
                        headers={**auth, "Idempotency-Key": "sale-1"},
                    )

                answers = await asyncio.gather(*(earn(bases[i % 2]) for i in range(8)))
                assert [a.status_code for a in answers] == [200] * 8, [a.text for a in answers]
                assert [a.json()["replayed"] for a in answers].count(False) == 1
                assert len({a.json()["operation"]["id"] for a in answers}) == 1
                async with service.database.read() as session:
                    entries = (
                        await session.execute(select(func.count()).select_from(LedgerEntry))
                    ).scalar_one()
                assert entries == 1
                now = await service.customers.card(customer.user_id, card.card_id)
                assert now.stamp_count == 2

                # Revoked through one process, refused by both at once.
                await service.api_keys.revoke_key(shop.owner.user_id, "till")
                for base in bases:
                    refused = await http.get(f"{base}/cards/{card.number}", headers=auth)
                    assert refused.status_code == 401
            assert await service.maintenance.invariant_breaches() == []
        finally:
            await stop_workers(workers)
            await engine.dispose()
