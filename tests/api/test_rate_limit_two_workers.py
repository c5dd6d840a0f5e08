"""The per-key limit is the platform's, not a worker's: two webhook worker processes
(`python -m bot webhook`, the real composition root) on one PostgreSQL share one count, so a
key's requests sent to both at once are answered 200 exactly as often as the limit allows."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from domain.apikeys import ALL_SCOPES
from domain.clock import SystemClock
from domain.db.uow import Database
from domain.service import LoyaltyService
from emulator.driver import BotApiEmulator
from infra.api_requests import WINDOW_SECONDS
from infra.db.engine import create_engine
from infra.db.migrate import upgrade_to_head
from tests.support.databases import new_postgres_database
from tests.support.postgres import PostgresServer
from tests.support.processes import start_worker, stop_workers, worker_env
from tests.support.scenario import new_profile, open_shop
from tests.support.servers import free_ports

pytestmark = [pytest.mark.postgres, pytest.mark.workers]

TOKEN = "123456:TEST-TOKEN-ratelimit"
LIMIT = 10
# The requests go out within a second or two; a window ending sooner than this is waited out,
# so that all of them count in one window.
ROOM_SECONDS = 15


async def _whole_window_ahead() -> None:
    left = WINDOW_SECONDS - time.time() % WINDOW_SECONDS
    if left < ROOM_SECONDS:
        await asyncio.sleep(left + 0.2)


async def test_two_workers_share_one_count_per_key(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = await new_postgres_database(postgres_server)
    engine = create_engine(url)
    await upgrade_to_head(engine)
    service = LoyaltyService(Database(engine), SystemClock())
    shop = await open_shop(service)
    card = (await service.customers.enrol(new_profile("Clara"), shop.first_store.code)).card
    till = await service.api_keys.create_key(shop.owner.user_id, "till", ALL_SCOPES)
    other = await service.api_keys.create_key(shop.owner.user_id, "zapier", ALL_SCOPES)
    workers: list[asyncio.subprocess.Process] = []
    async with BotApiEmulator(token=TOKEN, bot_username="loyalty_test_bot") as tg:
        ports = free_ports(2)
        env = {**worker_env(TOKEN, url, tg.base_url, ports[0]), "API_REQUESTS_PER_MINUTE": "10"}
        try:
            for number, port in enumerate(ports):
                workers.append(await start_worker(env, port, tmp_path / f"worker-{number}.log"))
            bases = [f"http://127.0.0.1:{port}/api/v1" for port in ports]
            async with httpx.AsyncClient(timeout=20) as http:

                async def read(base: str, secret: str) -> httpx.Response:
                    return await http.get(
                        f"{base}/cards/{card.number}", headers={"Authorization": f"Bearer {secret}"}
                    )

                await _whole_window_ahead()
                # 8 requests to each worker: a worker's own count would let all 16 through.
                answers = await asyncio.gather(
                    *(read(bases[i % 2], till.secret) for i in range(16))
                )
                statuses = [a.status_code for a in answers]
                assert sorted(statuses) == [200] * LIMIT + [429] * 6, statuses
                refused = [a for a in answers if a.status_code == 429]
                assert {a.json()["error"]["code"] for a in refused} == {"rate_limited"}
                # Each worker refuses the key now, and hears another key of the café.
                for base in bases:
                    again = await read(base, till.secret)
                    assert again.status_code == 429
                    assert 1 <= int(again.headers["retry-after"]) <= WINDOW_SECONDS
                    assert (await read(base, other.secret)).status_code == 200
        finally:
            await stop_workers(workers)
            await engine.dispose()
