"""`uv run python -m benchmarks`: every benchmark of the bot on this machine, one table, one JSON.

Rush (the real bot in its own process against the emulator in another, over HTTP), the same
rush on two webhook workers sharing one PostgreSQL and one message budget, ceilings
(a minimal PTB echo bot; the domain use cases without Telegram), growth (ledgers of 0 to 1M
rows), start-up, many bots (idle café bots' cost; a rush over ten café bots on two workers),
the till API (earn requests with a webhook receiver attached, on one worker and two).
`--quick` is the test suite's smoke run: tiny sizes, every part (PostgreSQL only where two
workers share one database).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import growth, many_bots, till_api
from benchmarks.ceilings import domain_ceiling, echo_ceiling
from benchmarks.engines import Databases, durable_postgres
from benchmarks.procs import PROJECT_ROOT, machine_busy_seconds, quiet_machine
from benchmarks.report import render, targets
from benchmarks.rush import RushConfig, run_rush
from benchmarks.startup import startup
from benchmarks.two_workers import run_two_workers
from tests.support.postgres import PostgresUnavailable

PARTS = ("rush", "two_workers", "ceilings", "growth", "startup", "many_bots", "api")
# --quick: tiny sizes, one run each, for the test suite's smoke run.
QUICK = RushConfig(senders=4, shops=2, staff=4, cards=40, seconds=1.0, warmup_seconds=0.3)
QUICK = replace(QUICK, repeat=1, paced_rates=(20.0,), paced_seconds=1.0, drain_seconds=20.0)


def arguments(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true", help="tiny sizes, SQLite only (smoke run)")
    p.add_argument("--engines", default="sqlite,postgres", help="comma-separated")
    p.add_argument("--growth-rows", default="0,100000,1000000", help="ledger sizes")
    p.add_argument("--postgres-growth-rows", help="ledger sizes on PostgreSQL (default: same)")
    p.add_argument("--senders", type=int, default=16, help="concurrent senders in closed loops")
    p.add_argument("--repeat", type=int, default=3, help="runs of each measurement (medians)")
    p.add_argument("--seconds", type=float, default=10.0, help="length of one closed-loop run")
    p.add_argument("--cards", type=int, default=2000, help="cards in the rush")
    p.add_argument("--paced-rates", default="10,100", help="offered loads (updates/s) to pace")
    p.add_argument("--paced-seconds", type=float, default=5.0, help="length of one paced run")
    p.add_argument(
        "--api-concurrency", default="4,16", help="tills earning at once through the API"
    )
    p.add_argument("--only", default=",".join(PARTS), help=f"subset of {','.join(PARTS)}")
    p.add_argument("--no-unthrottled", action="store_true", help="skip the no-rate-limiter rush")
    p.add_argument(
        "--quiet-wait", type=float, default=15.0, help="max s to wait for a calm machine"
    )
    p.add_argument("--profile", type=Path, help="py-spy the bot during an extra rush run")
    p.add_argument("--json", type=Path, default=PROJECT_ROOT / "benchmarks/results/latest.json")
    p.add_argument("--workdir", type=Path, help="where databases and logs go (default: temp)")
    return p.parse_args(argv)


_STARTED = time.monotonic()


def _progress(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(part) for part in text.split(",") if part.strip())


def _meta(args: argparse.Namespace, argv: list[str]) -> dict[str, Any]:
    commit = "unknown"
    if (PROJECT_ROOT / ".git").exists():
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        commit = done.stdout.strip() or commit
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "command": "python -m benchmarks " + " ".join(argv),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": os.environ.get("BENCH_COMMIT", commit),
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "quick": args.quick,
    }


async def run(args: argparse.Namespace, argv: list[str], workdir: Path) -> dict[str, Any]:
    parts = set(args.only.split(","))
    if args.quick:
        args.quiet_wait = 0.0
    # --quick measures on SQLite, and starts PostgreSQL only for the part that needs it (two
    # workers share one database), so the smoke run goes through every part of the full run.
    engines = ["sqlite", "postgres"] if args.quick else args.engines.split(",")
    config = (
        QUICK
        if args.quick
        else RushConfig(
            senders=args.senders,
            cards=args.cards,
            staff=max(32, args.senders),
            seconds=args.seconds,
            repeat=args.repeat,
            paced_rates=_floats(args.paced_rates),
            paced_seconds=args.paced_seconds,
        )
    )
    results: dict[str, Any] = {"meta": _meta(args, argv)}
    postgres = None
    if "postgres" in engines:
        try:
            postgres, results["meta"]["postgres"] = await durable_postgres()
        except PostgresUnavailable as missing:
            print(f"PostgreSQL skipped: {missing}", file=sys.stderr)
            engines.remove("postgres")
    databases = Databases(workdir, postgres)
    try:
        if parts & {"rush", "ceilings"}:
            measured = ["sqlite"] if args.quick else engines
            await _rush_and_ceilings(args, config, measured, databases, results, parts)
        if "two_workers" in parts and "postgres" in engines:
            await _quiet(args, results, "two-workers")
            _progress("rush on two webhook workers (postgres) ...")
            url = await databases.new("postgres", "two-workers")
            results["two_workers"] = await run_two_workers(url, config, databases.workdir)
        if "growth" in parts:
            await _growth(args, ["sqlite"] if args.quick else engines, databases, results)
        if "many_bots" in parts:
            await _quiet(args, results, "many-bots")
            _progress("many bots: idle hosting, rush over café bots (postgres), echo ...")
            postgres_there = "postgres" in engines
            cafes_url = await databases.new("postgres", "many-bots") if postgres_there else None
            engine = "postgres" if postgres_there else "sqlite"
            idle_url = await databases.new(engine, "many-bots-idle")
            sizes = many_bots.QUICK if args.quick else many_bots.ManyBotsConfig()
            # The smoke run takes the echo bot's figures from its ceilings part, if it ran.
            echo = results.get("ceilings", {}).get("echo") if args.quick else None
            results["many_bots"] = await many_bots.many_bots(
                cafes_url, idle_url, sizes, databases.workdir, echo
            )
        if "api" in parts:
            await _quiet(args, results, "api")
            api_sizes = (
                till_api.QUICK
                if args.quick
                else till_api.ApiBenchConfig(
                    cards=args.cards,
                    concurrency=tuple(_ints(args.api_concurrency)),
                    seconds=args.seconds,
                )
            )
            results["api"] = await till_api.till_api(
                databases.new, engines, api_sizes, databases.workdir, _progress
            )
        if "startup" in parts:
            await _quiet(args, results, "startup")
            _progress("startup ...")
            results["startup"] = await startup(
                lambda n: databases.new("sqlite", f"startup{n}"),
                1 if args.quick else args.repeat,
                workdir,
            )
    finally:
        if postgres is not None:
            postgres.stop()
    results["targets"] = targets(results)
    return results


async def _rush_and_ceilings(
    args: argparse.Namespace,
    config: RushConfig,
    engines: list[str],
    databases: Databases,
    results: dict[str, Any],
    parts: set[str],
) -> None:
    rush: dict[str, Any] = {}
    domain: dict[str, Any] = {}
    for engine in engines:
        await _quiet(args, results, f"rush-{engine}")
        _progress(f"rush on {engine} ...")
        url = await databases.new(engine, f"rush-{engine}")
        profile = args.profile / engine if args.profile else None
        rush[engine], fixture = await run_rush(url, config, databases.workdir, profile=profile)
        if "ceilings" in parts:
            await _quiet(args, results, f"domain-{engine}")
            _progress(f"domain ceiling on {engine} ...")
            domain[engine] = await domain_ceiling(
                url, fixture, config.senders, config.seconds, config.repeat, config.warmup_seconds
            )
    if not args.no_unthrottled and "sqlite" in engines:
        await _quiet(args, results, "rush-unthrottled")
        _progress("rush without the rate limiter (diagnostic) ...")
        url = await databases.new("sqlite", "rush-unthrottled")
        profile = args.profile / "unthrottled" if args.profile else None
        unthrottled = replace(config, paced_rates=config.paced_rates[-1:])
        rush["sqlite_unthrottled"], _ = await run_rush(
            url,
            unthrottled,
            databases.workdir,
            module="benchmarks.bot_unthrottled",
            profile=profile,
        )
    if "rush" in parts:
        results["rush"] = rush
    if "ceilings" in parts:
        ceilings: dict[str, Any] = {"domain": domain}
        for name, limited in (("echo", False), ("echo_rate_limited", True)):
            await _quiet(args, results, name)
            _progress(f"{name} ceiling ...")
            ceilings[name] = await echo_ceiling(
                config.senders,
                config.seconds,
                config.repeat,
                config.warmup_seconds,
                databases.workdir,
                limited,
            )
        results["ceilings"] = ceilings


async def _growth(
    args: argparse.Namespace, engines: list[str], databases: Databases, results: dict[str, Any]
) -> None:
    sizes = {"sqlite": _ints("0,2000" if args.quick else args.growth_rows)}
    sizes["postgres"] = _ints(args.postgres_growth_rows or args.growth_rows)
    samples, repeat = (5, 1) if args.quick else (30, args.repeat)
    found: dict[str, Any] = {}
    for engine in engines:
        built: dict[int, tuple[str, dict[str, Any]]] = {}
        for rows in sizes[engine]:
            _progress(f"growth on {engine}: loading {rows:,} rows ...")
            url = await databases.new(engine, f"growth-{rows}")
            shops = 3 if args.quick else growth.SHOPS
            built[rows] = (url, await growth.build(url, rows, shops=shops))
        await _quiet(args, results, f"growth-{engine}")
        _progress(f"growth on {engine}: measuring ...")
        by_size = await growth.measure(built, samples, repeat)
        for rows, (_, info) in built.items():
            by_size[rows]["load_seconds"] = info["load_seconds"]
            by_size[rows]["invariant_breaches"] = info["invariant_breaches"]
            if engine == "sqlite":
                await databases.new(engine, f"growth-{rows}")  # frees the disk space
        found[engine] = {str(k): v for k, v in growth.with_ratios(by_size).items()}
    results["growth"] = found


async def _quiet(args: argparse.Namespace, results: dict[str, Any], phase: str) -> None:
    """Wait for the shared machine to calm down before a measurement; note how long it took."""
    if args.quiet_wait > 0:
        waited = await quiet_machine(args.quiet_wait)
        results["meta"].setdefault("quiet_waits_s", {})[phase] = round(waited, 1)


def _clean(value: Any) -> Any:
    """JSON without NaN: None instead."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _own_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str]) -> int:
    args = arguments(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="loyalty-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    began, busy, own, load = (
        time.monotonic(),
        machine_busy_seconds(),
        _own_seconds(),
        os.getloadavg(),
    )
    try:
        results = asyncio.run(run(args, argv, workdir))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    seconds = time.monotonic() - began
    results["meta"]["seconds"] = round(seconds, 1)
    # Others' processes on this shared machine (and the PostgreSQL server) skew the figures:
    # how much of the machine's CPU went elsewhere during the run tells how much.
    elsewhere = (machine_busy_seconds() - busy) - (_own_seconds() - own)
    results["meta"]["cpu_elsewhere_share"] = round(elsewhere / (seconds * (os.cpu_count() or 1)), 3)
    results["meta"]["loadavg_before"] = load[0]
    print(render(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(_clean(results), indent=2, default=str) + "\n")
    print(f"\nJSON: {args.json} ({results['meta']['seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
