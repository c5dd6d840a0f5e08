"""Cards and their ledger: atomic balance changes and the append-only entries that record them.

The use cases hold one repository for a card and its ledger; its look-ups of cards and reads of
entries are written in domain/db/cards.py and domain/db/entries.py.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import Insert, Integer, Table, Update, bindparam, insert, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from domain.db.cards import CardRepository
from domain.db.entries import EntryRepository
from domain.db.tables import Card, LedgerEntry
from domain.db.webhooks import record_operation
from domain.model import LedgerKind

# Which lifetime counters each kind of entry moves, besides the two balances.
# A reversal moves the same counters the other way.
_COUNTERS: dict[LedgerKind, tuple[str, ...]] = {
    LedgerKind.STAMP: ("lifetime_stamps",),
    LedgerKind.REDEEM_STAMPS: ("rewards_redeemed",),
    LedgerKind.EARN_POINTS: ("points_earned",),
    LedgerKind.REDEEM_POINTS: ("points_redeemed",),
    LedgerKind.VOID_POINTS: ("points_voided",),
    LedgerKind.EXPIRE_POINTS: ("points_expired",),
    LedgerKind.REDEEM_REWARD: ("rewards_redeemed", "points_redeemed"),
    # Bonuses are collected like stamps and points earned (the card's lifetime figures).
    LedgerKind.WELCOME: ("lifetime_stamps", "points_earned"),
    LedgerKind.BIRTHDAY: ("lifetime_stamps", "points_earned"),
    LedgerKind.REFERRAL: ("lifetime_stamps", "points_earned"),
}


def counter_deltas(kind: LedgerKind, stamps_delta: int, points_delta: int) -> dict[str, int]:
    """The lifetime-counter changes of an entry of `kind` with these balance deltas."""
    deltas: dict[str, int] = {}
    for counter in _COUNTERS.get(kind, ()):
        if counter == "lifetime_stamps":
            deltas[counter] = stamps_delta
        elif counter == "rewards_redeemed":
            deltas[counter] = 1
        elif counter == "points_earned":
            deltas[counter] = points_delta
        else:  # redeemed, voided, expired: recorded as positive amounts taken off the balance
            deltas[counter] = -points_delta
    return deltas


@functools.cache
def _apply_statement(counters: tuple[str, ...], timestamps: tuple[str, ...]) -> Update:
    """The card's conditional UPDATE … RETURNING for one shape of change (which lifetime
    counters and timestamps it sets), built once. The values are bound parameters and the
    statement is on the table, not the mapped class: the ORM would annotate a copy of it at
    every execution, whose SQL cache key is then computed again."""
    cards = cast(Table, Card.__table__)
    stamps_delta = bindparam("stamps_delta", type_=Integer)
    points_delta = bindparam("points_delta", type_=Integer)
    values: dict[str, object] = {
        "stamp_count": cards.c.stamp_count + stamps_delta,
        "points_balance": cards.c.points_balance + points_delta,
    }
    for name in timestamps:
        values[name] = bindparam(f"{name}_value", type_=cards.c[name].type)
    for counter in counters:
        values[counter] = cards.c[counter] + bindparam(f"{counter}_delta", type_=Integer)
    return (
        update(cards)
        .where(
            cards.c.id == bindparam("card_id", type_=Integer),
            cards.c.stamp_count + stamps_delta >= 0,
            cards.c.points_balance + points_delta >= 0,
        )
        .values(values)
        .returning(
            cards.c.stamp_count,
            cards.c.points_balance,
            *(cards.c[counter] for counter in counters),
        )
    )


def _append_statement() -> Insert:
    """A ledger row's INSERT on the table, not through the ORM's flush (its unit of work costs
    more than the statement), built once; the values are the execution's parameters."""
    entries = cast(Table, LedgerEntry.__table__)
    return insert(entries).returning(entries.c.id, entries.c.transaction_id)


_APPEND = _append_statement()


@dataclass(frozen=True)
class Balances:
    stamp_count: int
    points_balance: int


class LedgerRepository(CardRepository, EntryRepository):
    """Cards and their ledger through one session: the look-ups and reads of both, and the one
    way a balance changes (a conditional UPDATE of the card with the entry that records it)."""

    async def apply(
        self,
        card_id: int,
        *,
        stamps_delta: int,
        points_delta: int,
        counters: dict[str, int],
        timestamps: dict[str, datetime | None],
        loaded: Card | None = None,
    ) -> Balances | None:
        """Change balances in one conditional UPDATE; None if a balance would go negative.

        `loaded`, the card's object in this session, is brought up to date from the UPDATE's
        RETURNING, so that nobody needs to read the card again.
        """
        statement = _apply_statement(tuple(counters), tuple(timestamps))
        parameters: dict[str, object] = {
            "card_id": card_id,
            "stamps_delta": stamps_delta,
            "points_delta": points_delta,
            **{f"{name}_delta": delta for name, delta in counters.items()},
            **{f"{name}_value": moment for name, moment in timestamps.items()},
        }
        row = (await self.session.execute(statement, parameters)).one_or_none()
        if row is None:
            return None
        if loaded is not None:
            assert loaded.id == card_id
            # Committed values: the row already holds them, so nothing is flushed again.
            names = ("stamp_count", "points_balance", *counters)
            for name, value in zip(names, row, strict=True):
                set_committed_value(loaded, name, value)
            for name, moment in timestamps.items():
                set_committed_value(loaded, name, moment)
        return Balances(stamp_count=row[0], points_balance=row[1])

    async def append(
        self,
        *,
        card: Card,
        store_id: int,
        staff_user_id: int | None,
        kind: LedgerKind,
        stamps_delta: int,
        points_delta: int,
        balances: Balances,
        created_at: datetime,
        amount: Decimal | None = None,
        reason: str | None = None,
        idempotency_key: str | None = None,
        reverses_entry_id: int | None = None,
        reward_id: int | None = None,
        happy_hour_extra: int = 0,
        request_hash: str | None = None,
        receipt: str | None = None,
    ) -> LedgerEntry:
        values = {
            "card_id": card.id,
            "merchant_id": card.merchant_id,
            "store_id": store_id,
            "staff_user_id": staff_user_id,
            "kind": kind.value,
            "stamps_delta": stamps_delta,
            "points_delta": points_delta,
            "stamp_balance_after": balances.stamp_count,
            "points_balance_after": balances.points_balance,
            "amount": amount,
            "reason": reason,
            "idempotency_key": idempotency_key,
            "reverses_entry_id": reverses_entry_id,
            "reward_id": reward_id,
            "created_at": created_at,
            "happy_hour_extra": happy_hour_extra,
            "request_hash": request_hash,
            "receipt": receipt,
        }
        written = (await self.session.execute(_APPEND, values)).one()
        entry = LedgerEntry(**values, id=written.id, transaction_id=written.transaction_id)
        # In the session as if read back: persistent, with nothing left to flush.
        make_transient_to_detached(entry)
        self.session.add(entry)
        return entry

    async def post(
        self,
        card: Card,
        *,
        kind: LedgerKind,
        store_id: int,
        staff_user_id: int | None,
        created_at: datetime,
        stamps_delta: int = 0,
        points_delta: int = 0,
        counters: dict[str, int] | None = None,
        timestamps: dict[str, datetime | None] | None = None,
        amount: Decimal | None = None,
        reason: str | None = None,
        idempotency_key: str | None = None,
        reverses_entry_id: int | None = None,
        reward_id: int | None = None,
        happy_hour_extra: int = 0,
        request_hash: str | None = None,
        receipt: str | None = None,
    ) -> LedgerEntry | None:
        """Change the card's balances and append the ledger row that records it, together.

        The one way any balance changes. None, with nothing written, when a balance would go
        negative. `counters` defaults to the lifetime counters an entry of `kind` moves; the card
        object is brought up to date, so callers can read it afterwards.
        """
        balances = await self.apply(
            card.id,
            stamps_delta=stamps_delta,
            points_delta=points_delta,
            counters=(
                counter_deltas(kind, stamps_delta, points_delta) if counters is None else counters
            ),
            timestamps=timestamps or {},
            loaded=card,
        )
        if balances is None:
            return None
        entry = await self.append(
            card=card,
            store_id=store_id,
            staff_user_id=staff_user_id,
            kind=kind,
            stamps_delta=stamps_delta,
            points_delta=points_delta,
            balances=balances,
            created_at=created_at,
            amount=amount,
            reason=reason,
            idempotency_key=idempotency_key,
            reverses_entry_id=reverses_entry_id,
            reward_id=reward_id,
            happy_hour_extra=happy_hour_extra,
            request_hash=request_hash,
            receipt=receipt,
        )
        # Every balance change is an event for the merchant's webhooks, written with it.
        await record_operation(self.session, entry, card)
        return entry
