"""One SQLite statement's cost through SQLAlchemy's aiosqlite adapter (four thread hops: open a
cursor, execute, fetch, close) and through ours (one hop, infra/db/sqlite_driver.py), measured
in turns in the same run: `uv run python -m benchmarks.sqlite_hops [--statements 3000]`.

CPU is the process's (the event loop and aiosqlite's thread together); medians of 5 rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from infra.db.sqlite_driver import one_hop_dbapi

ROUNDS = 5
QUERY = text("SELECT id, name FROM probe WHERE id = :id")


async def per_statement(path: Path, statements: int, module: Any | None) -> tuple[float, float]:
    """CPU and wall microseconds per statement, warm, on one connection."""
    options = {} if module is None else {"module": module}
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", **options)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT)"))
        await connection.execute(text("INSERT INTO probe (name) VALUES ('a'), ('b'), ('c')"))
    async with engine.connect() as connection:
        for _ in range(200):  # warm: statement cache, pages
            (await connection.execute(QUERY, {"id": 1})).all()
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(statements):
            (await connection.execute(QUERY, {"id": i % 3 + 1})).all()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await engine.dispose()
    return cpu / statements * 1e6, wall / statements * 1e6


async def main(statements: int) -> None:
    folder = Path(tempfile.mkdtemp())
    drivers = {"aiosqlite (SQLAlchemy's adapter)": None, "one hop (ours)": one_hop_dbapi()}
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in drivers}
    for turn in range(ROUNDS):
        for index, (name, module) in enumerate(drivers.items()):
            path = folder / f"{turn}-{index}.db"
            figures[name].append(await per_statement(path, statements, module))
    print("| driver | CPU µs per statement | wall µs per statement |")
    print("|---|---|---|")
    for name, runs in figures.items():
        cpu = statistics.median(run[0] for run in runs)
        wall = statistics.median(run[1] for run in runs)
        print(f"| {name} | {cpu:.1f} | {wall:.1f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sqlite_hops", description=__doc__)
    parser.add_argument("--statements", type=int, default=3000)
    asyncio.run(main(parser.parse_args().statements))
