"""CPU per chat lock and per grant on PostgreSQL: `uv run python -m benchmarks.driver_statements`.

A worker on PostgreSQL takes the chat's cross-worker lock at every update and a grant of the
shared message budget at every message (infra/locks.py, infra/send_budget.py). Since stop 40
both go on asyncpg's own connection (infra/db/driver_statements.py); before, through
SQLAlchemy's execution on the same pools. This measures both ways on the test support's private
server: this process's CPU (`time.process_time`) over N uncontended calls, in interleaved rounds
(the order swapped every round), median µs per call.

- `chat lock, SQLAlchemy`: BEGIN, `SELECT pg_advisory_xact_lock(...)`, COMMIT through
  `AsyncConnection.execute` (the code before stop 40);
- `chat lock, asyncpg`: `Locks.chat()` as it is now (BEGIN and the lock in one round trip);
- `grant, SQLAlchemy` / `grant, asyncpg`: `grant_message()` through `AsyncConnection.execute`
  on the budget's autocommit pool, and `SharedSendBudget.grant()` as it is now.

`--calls 1000`, `--rounds 5`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import Float, text

from infra.locks import Locks
from infra.send_budget import KEEP_GRANTS, PRUNE_EVERY, WINDOW, SharedSendBudget
from tests.support.databases import migrated_database, migrated_postgres_url
from tests.support.postgres import start_postgres

_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
_GRANT = text("SELECT grant_message(:bot, :limit, :window, :keep, :prune_every)").columns(
    grant_message=Float()
)


async def measure(calls: int, rounds: int) -> dict[str, float]:
    server = start_postgres()
    try:
        database = await migrated_database(await migrated_postgres_url(server))
        locks = Locks(database, chat_locks=2)
        budget = SharedSendBudget(database, 1e9)  # never refused: every call is a grant
        lock_pool = locks._engine()
        grant_pool = budget._pool()

        async def lock_sqlalchemy(i: int) -> None:
            async with lock_pool.connect() as connection:
                await connection.execute(_LOCK, {"key": f"chat:0:{i}"})
                await connection.commit()

        async def lock_asyncpg(i: int) -> None:
            async with locks.chat(i, 0):
                pass

        async def grant_sqlalchemy(_: int) -> None:
            async with grant_pool.connect() as connection:
                parameters = {
                    "bot": 0,
                    "limit": budget.cap,
                    "window": WINDOW,
                    "keep": KEEP_GRANTS,
                    "prune_every": PRUNE_EVERY,
                }
                (await connection.execute(_GRANT, parameters)).scalar_one()

        async def grant_asyncpg(_: int) -> None:
            await budget.grant(background=False)

        ways: dict[str, Callable[[int], Awaitable[None]]] = {
            "chat lock, SQLAlchemy": lock_sqlalchemy,
            "chat lock, asyncpg": lock_asyncpg,
            "grant, SQLAlchemy": grant_sqlalchemy,
            "grant, asyncpg": grant_asyncpg,
        }
        samples: dict[str, list[float]] = {name: [] for name in ways}
        for way in ways.values():  # warm: connections open, statements prepared
            for i in range(50):
                await way(i)
        for round_ in range(rounds):
            order = list(ways.items())
            for name, way in order if round_ % 2 == 0 else reversed(order):
                started = time.process_time()
                for i in range(calls):
                    await way(i)
                samples[name].append((time.process_time() - started) / calls * 1e6)
        await locks.dispose()
        await budget.dispose()
        await database.dispose()
        return {name: statistics.median(values) for name, values in samples.items()}
    finally:
        server.stop()


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.driver_statements", description=__doc__
    )
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    figures = await measure(args.calls, args.rounds)
    print(f"CPU µs per call, median of {args.rounds} rounds of {args.calls} (uncontended)")
    for name, value in figures.items():
        print(f"{name:24s} {value:7.0f}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
