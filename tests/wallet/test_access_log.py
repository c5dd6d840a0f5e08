"""uvicorn's access log of the real webhook server (`python -m bot webhook`) shows the PassKit
web service's routes, never the card numbers and device ids in their paths."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest

from emulator.driver import BotApiEmulator
from tests.support.servers import free_port
from tests.support.wallet import PASS_TYPE_ID, Pki, apple_environment

pytestmark = pytest.mark.workers

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-TOKEN-accesslog"
CARD_NUMBER = "493817265034"
DEVICE = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"


async def _wait_until_healthy(process: asyncio.subprocess.Process, port: int, log: Path) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if process.returncode is not None:
                raise AssertionError(log.read_text())  # noqa: ASYNC240 - the test is failing anyway
            await asyncio.sleep(0.05)
    raise AssertionError("the webhook server did not start")


async def test_the_access_log_shows_passkit_routes_not_card_numbers_or_devices(
    pki: Pki, tmp_path: Path
) -> None:
    port, log = free_port(), tmp_path / "webhook.log"
    async with BotApiEmulator(token=TOKEN, bot_username="loyalty_test_bot") as tg:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'loyalty.db'}",
            "TELEGRAM_API_BASE_URL": tg.base_url,
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "WEBHOOK_SECRET": "s3cret_Token-1",
            "LOG_LEVEL": "INFO",
            "PORT": str(port),
            **apple_environment(pki),
            "WALLET_BASE_URL": f"http://127.0.0.1:{port}/passkit",
        }
        with log.open("wb") as output:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "webhook", cwd=str(ROOT), env=env, stdout=output,
                stderr=output,
            )  # fmt: skip
        try:
            await _wait_until_healthy(process, port, log)
            base = f"http://127.0.0.1:{port}/passkit"
            async with httpx.AsyncClient(base_url=base) as client:
                registration = f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}"
                statuses = [
                    (await client.get(f"/v1/passes/{PASS_TYPE_ID}/{CARD_NUMBER}")).status_code,
                    (await client.post(f"{registration}/{CARD_NUMBER}", json={})).status_code,
                    (
                        await client.get(registration, params={"passesUpdatedSince": "1"})
                    ).status_code,
                    (await client.get(f"/v1/passes/{PASS_TYPE_ID}/{CARD_NUMBER}/x")).status_code,
                ]
            assert statuses == [401, 401, 204, 404]
        finally:
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.wait(), timeout=30)
    written = log.read_text()
    access = [line for line in written.splitlines() if "/passkit/" in line]
    assert len(access) == 4, written
    assert '"GET /passkit/v1/passes/{pass_type}/{serial} HTTP/1.1" 401' in access[0]
    assert "POST /passkit/v1/devices/{device}/registrations/{pass_type}/{serial} " in access[1]
    assert '"GET /passkit/v1/devices/{device}/registrations/{pass_type} HTTP/1.1" 204' in access[2]
    assert '"GET /passkit/v1/{unknown} HTTP/1.1" 404' in access[3]
    assert CARD_NUMBER not in written and DEVICE not in written
