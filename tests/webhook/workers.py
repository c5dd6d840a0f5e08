"""Webhook worker processes (`python -m bot webhook`) for the scale-out tests."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx

from tests.webhook.test_webhook import SECRET

ROOT = Path(__file__).resolve().parents[2]


def worker_env(token: str, database_url: str, api_base_url: str, first_port: int) -> dict[str, str]:
    """The environment of every worker; Telegram is told the first worker's URL."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": token,
        "DATABASE_URL": database_url,
        "TELEGRAM_API_BASE_URL": api_base_url,
        "WEBHOOK_URL": f"http://127.0.0.1:{first_port}/telegram",
        "WEBHOOK_SECRET": SECRET,
        "LOG_LEVEL": "WARNING",
    }


async def start_worker(env: dict[str, str], port: int, log: Path) -> asyncio.subprocess.Process:
    """Start one worker on `port` and wait until its health check answers."""
    with log.open("wb") as output:  # a file, not a pipe: a full pipe would stall the worker
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "webhook",
            cwd=str(ROOT),
            env={**env, "PORT": str(port)},
            stdout=output,
            stderr=output,
        )
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return process
            except httpx.TransportError:
                pass
            if process.returncode is not None:
                raise AssertionError(log.read_text())  # noqa: ASYNC240 - the test is failing anyway
            await asyncio.sleep(0.05)
    raise AssertionError("a webhook worker did not start")


async def stop_workers(workers: list[asyncio.subprocess.Process]) -> None:
    for process in workers:
        if process.returncode is None:
            process.terminate()
            await process.wait()
