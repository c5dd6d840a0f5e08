"""Growth: the same questions asked of ledgers of 0, 100k and 1M rows.

Every database gets the same probe merchant with the same recent activity (today and the same
weekday last week, which the daily summary compares) and the same probe card with 300 history
rows; only the background ledger differs: `rows` rows spread over 15 to 745 days ago, across
ten merchants (the probe merchant's share older than the Insights page's window, so that its
activity in every period asked about is the same in every database). A figure that grows with
the background measures the cost of the ledger's size, not of the period asked for.

The Insights page's cost follows the café's activity in its window (the last six to nine
months), whatever the ledger's size: `insights_busy` asks it of a background café, whose
window holds a tenth of the background's rows of those months (22,000 earnings at 1M rows).
Timings are of the use cases, called directly (domain.service), warm, as medians of several
calls.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, text

from benchmarks.dataset import (
    CardState,
    insert_cards,
    insert_entries,
    insert_users,
    write_final_balances,
)
from benchmarks.seed import Shop, open_shops
from benchmarks.stats import median, percentile, ratio
from domain.db.tables import LedgerEntry
from domain.db.uow import Database
from domain.model import RewardUnit
from domain.service import LoyaltyService
from infra.db.engine import create_engine
from tests.support.databases import migrated_database

SHOPS = 10
FIXED_CARDS = 200  # the probe merchant's cards with the same history in every database
PROBE_HISTORY_DAYS = 300
RECENT_DAYS = 30
RECENT_ROWS_PER_DAY = 20
BACKGROUND_DAYS = range(15, 745)
# The Insights page reads back to the oldest of six cohort months (at most 186 days) and at
# least 90 days: the probe merchant's background stays older than this.
INSIGHTS_WINDOW_DAYS = 200
CHUNK = 20_000
CUSTOMERS = 3_000_000
STAFF = 6_000_000
DAY = timedelta(days=1)
# What is asked of every ledger size; the report reads its figures by these names. The first
# ones ask about the same activity in every database: their cost must not grow with its size.
FLAT = ("stamp", "history_first", "history_deep", "daily_summary", "insights")
QUESTIONS = (*FLAT, "insights_busy")


async def build(url: str, rows: int, seed: int = 3, shops: int = SHOPS) -> dict[str, Any]:
    """A migrated database with the fixed probe data and `rows` background ledger rows."""
    rng = random.Random(seed)
    database = await migrated_database(url)
    began = time.monotonic()
    opened = await open_shops(LoyaltyService(database), shops, 2, 2, STAFF)
    probe = opened[0]
    now = datetime.now(UTC)
    created = now - timedelta(days=800)
    cards = [_card(i, probe, created, rng) for i in range(FIXED_CARDS)]
    background = [
        _card(FIXED_CARDS + i, opened[i % shops], created, rng) for i in range(rows // 100)
    ]
    local_midnight = now.astimezone(ZoneInfo("Europe/Luxembourg")).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    since_midnight = max((now - local_midnight).total_seconds() - 1, 1.0)
    pending: list[dict[str, Any]] = []
    async with database.engine.begin() as connection:
        await insert_users(connection, [card.customer_id for card in cards + background], created)
        await insert_cards(connection, cards + background)
    per_day, extra = divmod(rows, len(BACKGROUND_DAYS)) if background else (0, 0)
    for days_ago in range(max(BACKGROUND_DAYS), -1, -1):
        day: list[tuple[datetime, CardState, Shop]] = []
        if days_ago in BACKGROUND_DAYS and background:
            count = per_day + (1 if days_ago - BACKGROUND_DAYS.start < extra else 0)
            for _ in range(count):
                card = rng.choice(background)
                while days_ago < INSIGHTS_WINDOW_DAYS and _shop_of(card, shops) == 0 < shops - 1:
                    card = rng.choice(background)  # the probe's window holds its own rows only
                at = now - days_ago * DAY - timedelta(seconds=rng.uniform(0, 86_400))
                day.append((at, card, opened[_shop_of(card, shops)]))
        if days_ago < RECENT_DAYS:
            for _ in range(RECENT_ROWS_PER_DAY):
                card = rng.choice(cards[1:])
                day.append((now - days_ago * DAY - _within(rng, since_midnight), card, probe))
        if days_ago < PROBE_HISTORY_DAYS:
            day.append((now - days_ago * DAY - _within(rng, since_midnight), cards[0], probe))
        day.sort(key=lambda item: item[0])
        for at, card, shop in day:
            staff = shop.staff_ids[card.id % len(shop.staff_ids)]
            key = f"g{len(pending)}-{card.id}-{at.timestamp()}"
            pending.append(card.entry(rng, at, staff, card.store_id, key))
        if len(pending) >= CHUNK or days_ago == 0:
            async with database.engine.begin() as connection:
                await insert_entries(connection, pending)
            pending = []
    async with database.engine.begin() as connection:
        await write_final_balances(connection, cards + background)
        if database.engine.dialect.name == "postgresql":
            await connection.execute(
                text("SELECT setval('cards_id_seq', (SELECT max(id) FROM cards))")
            )
    if database.engine.dialect.name == "postgresql":
        # What autovacuum would soon do after a bulk load anyway; done now, it cannot run in
        # the middle of the measurements and skew them.
        async with database.engine.connect() as plain:
            autocommit = await plain.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("VACUUM (ANALYZE) ledger_entries, cards, users"))
    loaded = time.monotonic() - began
    breaches = await LoyaltyService(database).maintenance.invariant_breaches()
    async with database.read() as session:
        probe_ids = (
            (
                await session.execute(
                    select(LedgerEntry.id)
                    .where(LedgerEntry.card_id == cards[0].id)
                    .order_by(LedgerEntry.id)
                )
            )
            .scalars()
            .all()
        )
    ladder = await LoyaltyService(database).rewards.ladder(probe.owner_id)
    top = max(r.cost for r in ladder.rewards if r.unit is RewardUnit.STAMPS)
    await database.dispose()
    return {
        "stamp_top": top,
        "probe": probe,
        "busy": opened[1] if shops > 1 else probe,
        "cards": cards,
        "deep_before_id": probe_ids[20],
        "load_seconds": loaded,
        "invariant_breaches": len(breaches),
        "today": local_midnight.date(),
    }


def _shop_of(card: CardState, shops: int) -> int:
    """The shop a background card was made for (`_card`: the i-th has id i + 1)."""
    return (card.id - 1 - FIXED_CARDS) % shops


def _within(rng: random.Random, seconds: float) -> timedelta:
    return timedelta(seconds=rng.uniform(0, seconds))


def _card(i: int, shop: Shop, created: datetime, rng: random.Random) -> CardState:
    return CardState(
        id=i + 1,
        customer_id=CUSTOMERS + i,
        merchant_id=shop.merchant_id,
        store_id=rng.choice(shop.store_ids),
        created_at=created,
    )


async def _timed(call: Callable[[], Awaitable[Any]], samples: int) -> list[float]:
    for _ in range(3):
        await call()
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        await call()
        times.append(time.perf_counter() - began)
    return times


def _stamp_turns(cards: list[CardState], top: int, budget: int) -> list[CardState]:
    """`budget` stamps spread over the cards, none taken to its top reward (a card there must
    be redeemed first: that refusal is not what is measured)."""
    room = {card.id: max(0, top - 1 - card.stamp_count) for card in cards}
    turns: list[CardState] = []
    while len(turns) < budget:
        takers = [card for card in cards if room[card.id] > 0]
        if not takers:
            raise ValueError(f"{len(cards)} cards cannot take {budget} stamps below {top}")
        for card in takers[: budget - len(turns)]:
            room[card.id] -= 1
            turns.append(card)
    return turns


def _calls(service: LoyaltyService, built: dict[str, Any], budget: int) -> dict[str, Any]:
    probe: Shop = built["probe"]
    card: CardState = built["cards"][0]
    today: date = built["today"]
    stamp_cards = iter(_stamp_turns(built["cards"][1:], built["stamp_top"], budget))
    return {
        "history_first": lambda: service.customers.history(card.customer_id, card.id),
        "history_deep": lambda: service.customers.history(
            card.customer_id, card.id, before_id=built["deep_before_id"]
        ),
        "daily_summary": lambda: service.reports.summary(probe.merchant_id, today, today),
        # The owner's Insights page and /insights: every §11 figure, per store and in total.
        "insights": lambda: service.insights.for_owner(probe.owner_id),
        "insights_busy": lambda: service.insights.for_owner(built["busy"].owner_id),
        "stamp": lambda: service.counter.stamp(
            probe.staff_ids[0], next(stamp_cards).number, 1, idempotency_key=uuid.uuid4().hex
        ),
    }


async def measure(
    built: dict[int, tuple[str, dict[str, Any]]], samples: int, repeat: int
) -> dict[int, dict[str, Any]]:
    """Median over `repeat` rounds of the median of `samples` warm calls, in ms, per size.

    The sizes are measured in turn within each round (not one after the other), so that a
    change in the machine's load during the run hits every size alike and the ratios hold.
    """
    databases = {rows: Database(create_engine(url)) for rows, (url, _) in built.items()}
    calls = {
        rows: _calls(LoyaltyService(databases[rows]), info, repeat * (samples + 3))
        for rows, (_, info) in built.items()
    }
    times: dict[tuple[int, str], list[list[float]]] = {}
    try:
        for _ in range(repeat):
            for name in QUESTIONS:
                for rows in built:
                    times.setdefault((rows, name), []).append(
                        await _timed(calls[rows][name], samples)
                    )
    finally:
        for database in databases.values():
            await database.dispose()
    result: dict[int, dict[str, Any]] = {rows: {} for rows in built}
    for (rows, name), rounds in times.items():
        result[rows][f"{name}_ms"] = median(median(r) for r in rounds) * 1000
        result[rows][f"{name}_p95_ms"] = median(percentile(r, 95) for r in rounds) * 1000
    return result


def with_ratios(by_size: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Add `<metric>_ratio`: each size's median over the empty ledger's."""
    base = by_size.get(0)
    for figures in by_size.values():
        for name in QUESTIONS:
            figures[f"{name}_ratio"] = (
                ratio(figures[f"{name}_ms"], base[f"{name}_ms"]) if base else float("nan")
            )
    return by_size
