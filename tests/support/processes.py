"""Running `python -m bot …` as processes of their own, as a supervisor or platform would: one
command to its end, or webhook workers sharing a database."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.deployed import SECRET

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-TOKEN-hardening"


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.splitlines()


def bot_environment(database_url: str, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


async def start_bot(*arguments: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *arguments,
        cwd=str(ROOT),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process, wait: float = 60) -> Finished:
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), wait)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return Finished(process.returncode, stdout.decode(), stderr.decode())


async def run_bot(*arguments: str, env: dict[str, str], wait: float = 60) -> Finished:
    return await finish(await start_bot(*arguments, env=env), wait)


def worker_env(token: str, database_url: str, api_base_url: str, first_port: int) -> dict[str, str]:
    """The environment of every webhook worker; Telegram is told the first worker's URL."""
    return bot_environment(
        database_url,
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_BASE_URL=api_base_url,
        WEBHOOK_URL=f"http://127.0.0.1:{first_port}/telegram",
        WEBHOOK_SECRET=SECRET,
    )


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
