"""Sampling the bot with py-spy during a rush, and where the samples fall.

py-spy is not a project dependency: `uv run --with py-spy python -m benchmarks --profile DIR`.
Only samples of threads doing work are kept (py-spy leaves idle ones out), so shares are of the
bot's busy CPU time, including aiosqlite's worker threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

_FRAME = re.compile(r"^(?P<function>.*) \((?P<path>[^()]*?)(?::\d+)?\)$")


def package_of(path: str) -> str:
    """`sqlalchemy`, `telegram`, `asyncio`, `bot` ... for a frame's file."""
    parts = Path(path).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    for i, part in enumerate(parts):
        if re.fullmatch(r"python3\.\d+", part) and i + 1 < len(parts):
            return parts[i + 1].removesuffix(".py")
    if parts and parts[0] != "/":  # py-spy shows paths relative to sys.path: pkg/module.py
        return parts[0].removesuffix(".py")
    return Path(path).stem


def summarise(collapsed: str, top: int = 25) -> dict[str, Any]:
    """Self time by package, inclusive time by package and by function, in % of samples."""
    self_by_package: Counter[str] = Counter()
    inclusive_package: Counter[str] = Counter()
    inclusive_function: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [m for m in (_FRAME.match(f) for f in stack.split(";")) if m]
        if not frames:
            continue
        self_by_package[package_of(frames[-1]["path"])] += count
        for name in {package_of(m["path"]) for m in frames}:
            inclusive_package[name] += count
        for name in {f"{package_of(m['path'])}:{m['function']}" for m in frames}:
            inclusive_function[name] += count

    def shares(counter: Counter[str], n: int) -> dict[str, float]:
        return {k: round(100 * v / total, 1) for k, v in counter.most_common(n)} if total else {}

    return {
        "samples": total,
        "self_pct_by_package": shares(self_by_package, 15),
        "inclusive_pct_by_package": shares(inclusive_package, 20),
        "inclusive_pct_by_function": shares(inclusive_function, top),
    }


@contextlib.asynccontextmanager
async def profiled(
    pid: int, out_dir: Path, seconds: float, *, native: bool = False
) -> AsyncIterator[dict[str, Any]]:
    """Record `pid` with py-spy for about `seconds` while the block runs; fills the summary."""
    summary: dict[str, Any] = {}
    executable = shutil.which("py-spy")
    if executable is None:
        summary["error"] = "py-spy not found: run with `uv run --with py-spy ...`"
        yield summary
        return
    raw = _output(out_dir, pid)
    recorder = await asyncio.create_subprocess_exec(
        executable, "record", "--pid", str(pid), "--format", "raw", "--function",
        "--rate", "200", "--gil", *(["--native"] if native else []),
        "--duration", str(round(seconds)), "--output", str(raw),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await asyncio.sleep(0.5)  # attaching takes a moment
    yield summary
    _, errors = await recorder.communicate()
    summary.update(_read(raw, recorder.returncode, errors))


def _output(out_dir: Path, pid: int) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir / f"bot-{pid}.collapsed.txt"


def _read(raw: Path, returncode: int | None, errors: bytes) -> dict[str, Any]:
    if returncode != 0 or not raw.exists():
        return {"error": f"py-spy failed: {errors.decode(errors='replace')[-500:]}"}
    return {**summarise(raw.read_text()), "collapsed_stacks": str(raw)}
