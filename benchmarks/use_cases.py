"""The domain alone: CPU per call of the use cases one `/stamp` update runs (and the stamp of a
customer's first visit, which pays the welcome and referral checks and asks about offers), with
no Telegram layer, inbox, outbox or steps around them: `uv run python -m benchmarks.use_cases
[--calls 300] [--engines sqlite,postgres]`.

Set beside `benchmarks.one_stamp`'s CPU per stamp (the whole bot), it tells how much of an
update's cost is the card domain's and how much the plumbing around it. CPU is the process's
(the event loop and, on SQLite, the driver's thread together); medians of 5 rounds, warm.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import cast

from sqlalchemy import Table, delete, select, update

from benchmarks.seed import seed_rush
from domain.db.tables import Card, OfferConsent
from domain.db.uow import Database
from domain.model import Operation
from domain.service import LoyaltyService
from infra.db.engine import create_engine
from infra.db.migrate import upgrade_to_head

ROUNDS = 5
WARM_CALLS = 30


async def _database(engine: str, folder: Path) -> Database:
    if engine == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / 'use_cases.db'}"
    else:
        from benchmarks.engines import durable_postgres
        from tests.support.databases import new_postgres_database

        server, _ = await durable_postgres()
        url = await new_postgres_database(server)
    sql_engine = create_engine(url)
    await upgrade_to_head(sql_engine)
    return Database(sql_engine)


def _cpu_ms_per_call(rounds: list[float]) -> dict[str, float | list[float]]:
    return {"median": round(statistics.median(rounds), 3), "rounds": [round(r, 3) for r in rounds]}


async def measure(engine: str, calls: int) -> dict[str, dict[str, float | list[float]]]:
    """CPU ms per call of the stamp, the notice's read and the sender's identity."""
    with tempfile.TemporaryDirectory() as folder:
        database = await _database(engine, Path(folder))
        try:
            # Enough cards that none reaches its reward (a full card refuses stamps), and a
            # card of its own for each first visit.
            visits = WARM_CALLS + ROUNDS * calls
            card_count = max(40, visits // 25) + visits
            fixture = await seed_rush(
                database, shops=1, staff=1, cards=card_count, rng=random.Random(7)
            )
            service = LoyaltyService(database)
            staff = fixture.shops[0].staff_ids[0]
            cards, newcomers = fixture.cards[0][visits:], fixture.cards[0][:visits]
            await _never_visited(database, [card.number for card in newcomers])
            operations: list[Operation] = []

            async def stamp(i: int) -> None:
                operations.append(await service.counter.stamp(staff, cards[i % len(cards)].number))

            async def first_visit_stamp(i: int) -> None:
                await service.counter.stamp(staff, newcomers[i].number)

            async def notice(i: int) -> None:
                await service.counter.operation_of(operations[i % len(operations)].entry_id)

            async def identity(i: int) -> None:
                await service.staff.identity(staff)

            use_cases: dict[str, Callable[[int], Awaitable[None]]] = {
                "stamp": stamp,
                "first_visit_stamp": first_visit_stamp,
                "notice_read": notice,
                "identity": identity,
            }
            figures = {}
            for name, call in use_cases.items():
                for i in range(WARM_CALLS):
                    await call(i)
                rounds = []
                for r in range(ROUNDS):
                    began = time.process_time()
                    for i in range(WARM_CALLS + r * calls, WARM_CALLS + (r + 1) * calls):
                        await call(i)
                    rounds.append((time.process_time() - began) * 1000 / calls)
                figures[name] = _cpu_ms_per_call(rounds)
            return figures
        finally:
            await database.dispose()


async def _never_visited(database: Database, numbers: list[str]) -> None:
    """These cards' customers have not been to the counter yet: no visit on the card, never
    asked about offers (a first visit pays its checks and asks)."""
    cards = cast(Table, Card.__table__)
    consents = cast(Table, OfferConsent.__table__)
    async with database.engine.begin() as connection:
        chosen = select(cards.c.id).where(cards.c.number.in_(numbers))
        await connection.execute(
            update(cards).where(cards.c.id.in_(chosen)).values(first_visit_at=None)
        )
        customers = select(cards.c.customer_id).where(cards.c.number.in_(numbers))
        await connection.execute(delete(consents).where(consents.c.customer_id.in_(customers)))


async def main(calls: int, engines: list[str]) -> None:
    print("| use case | " + " | ".join(f"{e} CPU ms per call" for e in engines) + " |")
    print("|---|" + "---|" * len(engines))
    results = {engine: await measure(engine, calls) for engine in engines}
    for name in results[engines[0]]:
        cells = " | ".join(f"{results[e][name]['median']:.2f}" for e in engines)
        print(f"| {name} | {cells} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.use_cases", description=__doc__)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--engines", default="sqlite,postgres")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.calls, arguments.engines.split(",")))
