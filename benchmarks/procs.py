"""Child processes of a benchmark: the bot, the echo bot, and what /proc says about them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-TOKEN-abcdefgh"
BOT_USERNAME = "loyalty_bench_bot"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def status_kib(pid: int, field: str) -> int:
    """A `kB` field of /proc/<pid>/status (VmRSS, VmHWM ...), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(f"{field} not in /proc/{pid}/status")


def rss_mib(pid: int) -> float:
    return status_kib(pid, "VmRSS") / 1024


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM)."""
    return status_kib(pid, "VmHWM") / 1024


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU time of a process (this one by default), from /proc/<pid>/stat."""
    text = Path(f"/proc/{pid or os.getpid()}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU-seconds every process of the machine has used so far (first line of /proc/stat)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / _CLOCK_TICKS


async def quiet_machine(max_wait: float, threshold_cores: float = 0.25) -> float:
    """Wait (at most `max_wait` s) until other processes use < `threshold_cores` for 3 s running;
    this machine is shared, and someone else's test suite skews every figure. Seconds waited."""
    began = time.monotonic()
    calm = 0
    while calm < 3 and time.monotonic() - began < max_wait:
        busy, own = machine_busy_seconds(), cpu_seconds()
        await asyncio.sleep(1.0)
        others = (machine_busy_seconds() - busy) - (cpu_seconds() - own)
        calm = calm + 1 if others < threshold_cores else 0
    return time.monotonic() - began


def child_pid(command_part: str) -> int:
    """The pid of this process's child whose command line contains `command_part`."""
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            with contextlib.suppress(OSError):
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                if command_part.encode() in cmdline:
                    return int(pid)
    raise LookupError(f"no child process running {command_part!r}")


@dataclass
class Child:
    """A child process started by :func:`spawn`."""

    process: asyncio.subprocess.Process
    started_at: float  # time.monotonic() just before the exec
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.returncode is None

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


@contextlib.asynccontextmanager
async def spawn(
    module: str, env: Mapping[str, str], log_path: Path, *args: str
) -> AsyncIterator[Child]:
    """Run `python -m module` (stdout and stderr to `log_path`); SIGTERM it at the end."""
    full_env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]),
        **env,
    }
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        started_at = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, *args,
            stdout=log, stderr=asyncio.subprocess.STDOUT, env=full_env, cwd=PROJECT_ROOT,
        )  # fmt: skip
    child = Child(process, started_at, log_path)
    try:
        yield child
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()


def bot_env(database_url: str, api_base_url: str, **extra: str) -> dict[str, str]:
    """The environment `python -m bot` reads, pointed at the emulator and a database."""
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": database_url,
        "TELEGRAM_API_BASE_URL": api_base_url,
        **extra,
    }
