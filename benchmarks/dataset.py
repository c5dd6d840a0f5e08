"""Bulk loading straight into the tables of domain/db/tables/, keeping the ledger invariant.

Cards start at zero; every generated ledger row moves its card's balances through
:class:`CardState`, and the cards' final balances (and lifetime counters) are written at the
end, so each card's balances equal the sum of its ledger deltas, as the domain guarantees.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, bindparam, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.db.tables import Card, LedgerEntry, User
from domain.model import LedgerKind

# Below SQLite's 32,766 and PostgreSQL's 32,767 bind parameters per statement.
MAX_BINDS = 30_000
STAMPS_TARGET = 10
POINTS_REWARD = 100


async def insert_rows(
    connection: AsyncConnection, table: Table, rows: list[dict[str, Any]]
) -> None:
    """Multi-row INSERT ... VALUES (...), (...): as many rows per statement as binds allow.

    The statement text is built once per size and given to the driver with values already
    converted by the columns' own types (UTC datetimes, scaled decimals), which is an order of
    magnitude faster than compiling an ORM multi-values insert per chunk.
    """
    if not rows:
        return
    dialect = connection.dialect
    columns = [table.c[name] for name in rows[0]]
    processors = [column.type.bind_processor(dialect) for column in columns]
    per_statement = max(1, MAX_BINDS // len(columns))
    names = ", ".join(dialect.identifier_preparer.quote(column.name) for column in columns)
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values: list[Any] = []
        for row in chunk:
            for column, process in zip(columns, processors, strict=True):
                value = row[column.name]
                values.append(process(value) if process is not None else value)
        marks = _placeholders(dialect.paramstyle, len(chunk), len(columns))
        sql = f"INSERT INTO {table.name} ({names}) VALUES {marks}"
        await connection.exec_driver_sql(sql, tuple(values))


def _placeholders(style: str, rows: int, columns: int) -> str:
    if style == "qmark":
        row = "(" + ", ".join("?" * columns) + ")"
        return ", ".join([row] * rows)
    if style == "numeric_dollar":
        return ", ".join(
            "(" + ", ".join(f"${r * columns + c + 1}" for c in range(columns)) + ")"
            for r in range(rows)
        )
    if style in ("format", "pyformat"):
        row = "(" + ", ".join(["%s"] * columns) + ")"
        return ", ".join([row] * rows)
    raise ValueError(f"unsupported paramstyle {style}")


async def insert_users(connection: AsyncConnection, ids: list[int], at: datetime) -> None:
    rows = [
        {
            "id": user_id,
            "first_name": f"Customer {user_id}",
            "username": None,
            "telegram_language": "en",
            "language": None,
            "reachable": True,
            "created_at": at,
            "erased_at": None,
        }
        for user_id in ids
    ]
    await insert_rows(connection, User.__table__, rows)  # type: ignore[arg-type]


@dataclass
class CardState:
    """A card being generated: its identity and the balances its ledger rows add up to."""

    id: int
    customer_id: int
    merchant_id: int
    store_id: int
    created_at: datetime
    stamp_count: int = 0
    points_balance: int = 0
    lifetime_stamps: int = 0
    rewards_redeemed: int = 0
    points_earned: int = 0
    points_redeemed: int = 0
    last_stamp_at: datetime | None = None
    last_points_at: datetime | None = None
    last_redemption_at: datetime | None = None
    last_activity_at: datetime | None = None
    first_visit_at: datetime | None = None

    @property
    def number(self) -> str:
        return f"{900_000_000_000 + self.id:012d}"

    def row(self) -> dict[str, Any]:
        """The card row as first inserted (all zero: balances come with `final_values`)."""
        return {
            "id": self.id,
            "number": self.number,
            "qr_token": f"benchqr{self.id:025d}",
            "customer_id": self.customer_id,
            "merchant_id": self.merchant_id,
            "store_id": self.store_id,
            "active": True,
            "created_at": self.created_at,
        }

    def final_values(self) -> dict[str, Any]:
        return {
            "stamp_count": self.stamp_count,
            "points_balance": self.points_balance,
            "lifetime_stamps": self.lifetime_stamps,
            "rewards_redeemed": self.rewards_redeemed,
            "points_earned": self.points_earned,
            "points_redeemed": self.points_redeemed,
            "last_stamp_at": self.last_stamp_at,
            "last_points_at": self.last_points_at,
            "last_redemption_at": self.last_redemption_at,
            "last_activity_at": self.last_activity_at,
            "first_visit_at": self.first_visit_at,
        }

    def entry(
        self, rng: random.Random, at: datetime, staff_user_id: int, store_id: int, key: str
    ) -> dict[str, Any]:
        """One plausible ledger row at `at` (stamp, points, or a reward when one is due)."""
        r = rng.random()
        amount: Decimal | None = None
        stamps = points = 0
        if self.stamp_count >= STAMPS_TARGET and r < 0.15:
            kind, stamps = LedgerKind.REDEEM_STAMPS, -STAMPS_TARGET
            self.rewards_redeemed += 1
            self.last_redemption_at = at
        elif self.points_balance >= POINTS_REWARD and r < 0.25:
            kind, points = LedgerKind.REDEEM_POINTS, -POINTS_REWARD
            self.points_redeemed += POINTS_REWARD
            self.last_redemption_at = at
        elif r < 0.6:
            kind, stamps = LedgerKind.STAMP, 1
            self.lifetime_stamps += 1
            self.last_stamp_at = at
        else:
            cents = rng.randint(100, 5000)
            kind, amount, points = LedgerKind.EARN_POINTS, Decimal(cents) / 100, cents // 100
            self.points_earned += points
            self.last_points_at = at
        if kind.is_earning and self.first_visit_at is None:
            self.first_visit_at = at  # the first staff-confirmed earning, as the counter records
        return self.apply(kind, stamps, points, at, staff_user_id, store_id, key, amount)

    def apply(
        self,
        kind: LedgerKind,
        stamps: int,
        points: int,
        at: datetime,
        staff_user_id: int,
        store_id: int,
        key: str | None,
        amount: Decimal | None = None,
    ) -> dict[str, Any]:
        self.stamp_count += stamps
        self.points_balance += points
        self.last_activity_at = at
        return {
            "card_id": self.id,
            "merchant_id": self.merchant_id,
            "store_id": store_id,
            "staff_user_id": staff_user_id,
            "kind": kind.value,
            "stamps_delta": stamps,
            "points_delta": points,
            "stamp_balance_after": self.stamp_count,
            "points_balance_after": self.points_balance,
            "amount": amount,
            "reason": None,
            "idempotency_key": key,
            "reverses_entry_id": None,
            "created_at": at,
        }


async def insert_cards(connection: AsyncConnection, cards: list[CardState]) -> None:
    await insert_rows(connection, Card.__table__, [card.row() for card in cards])  # type: ignore[arg-type]


async def insert_entries(connection: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    await insert_rows(connection, LedgerEntry.__table__, rows)  # type: ignore[arg-type]


async def write_final_balances(connection: AsyncConnection, cards: list[CardState]) -> None:
    """Set each card's balances and counters to what its generated ledger rows add up to."""
    statement = (
        update(Card.__table__)  # type: ignore[arg-type]
        .where(Card.__table__.c.id == bindparam("card_id"))
        .values({name: bindparam(f"v_{name}") for name in _FINAL_COLUMNS})
    )
    rows = [
        {"card_id": card.id, **{f"v_{k}": v for k, v in card.final_values().items()}}
        for card in cards
    ]
    for start in range(0, len(rows), 5_000):
        await connection.execute(statement, rows[start : start + 5_000])


_FINAL_COLUMNS = (
    "stamp_count",
    "points_balance",
    "lifetime_stamps",
    "rewards_redeemed",
    "points_earned",
    "points_redeemed",
    "last_stamp_at",
    "last_points_at",
    "last_redemption_at",
    "last_activity_at",
    "first_visit_at",
)
