"""The outbox's hot SQL, each statement built once (with its SQL cache key: building one cost
more CPU than running it) and its values bound at the call: recording rows where a dispatcher
runs, and claiming due rows. infra/outbox.py says what the outbox does with them."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BindParameter, Table, and_, bindparam, case, exists, select, update
from sqlalchemy.orm import aliased

from domain.db.dialect import Dialect
from domain.effects import Effect, SendOffer
from infra.tables import OutboxMessage

OFFER_COPY = SendOffer.kind

ROW_FIELDS = ("kind", "key", "recipient_id", "payload")


def how_leased(effect: Effect) -> str:
    """How a row goes in where a dispatcher runs (see leasing_insert)."""
    if isinstance(effect, SendOffer):
        return "claim"
    return "lease" if effect.recipient_id is None else "ordered"


@functools.cache
def plain_insert(dialect: Dialect) -> Any:
    """OutboxLog.record's INSERT where no dispatcher runs, built once per engine and executed
    with every row's values (an INSERT of several VALUES rows would have no SQL cache key):
    the rows are left to any dispatcher's claim."""
    table = OutboxMessage.__table__  # Core: the ORM would take the parameters for rows
    return dialect.insert(table).on_conflict_do_nothing(index_elements=["key"])


@functools.cache
def leasing_insert(how: str, dialect: Dialect) -> Any:
    """OutboxLog.record's INSERT of one row where a dispatcher runs, built once per way of
    leasing it (`how_leased`) and engine; the values are bound at the call. The row goes in
    leased to this worker, its try counted as a claim's, or left to the claim ("claim").

    One row per statement: SQLAlchemy gives an INSERT of several VALUES rows no cache key, so
    it would be compiled again at every call (a tenth of the bot's CPU in the rush).

    The order rule ("ordered" rows): a row is leased only if every older row for its recipient
    that is not done yet is one this worker has delivered already (`delivered`: its mark is on
    the way). An older row another worker holds, one waiting for a retry or one still being
    sent here leaves it to the claim, which sends a recipient's rows in their order. Rows
    recorded together for one recipient are leased together or not at all (the dispatcher sends
    them one after the other), so the check looks past them (`keys`: the keys of every row
    recorded with it). Rows with no recipient have no order to keep ("lease"). Offers' copies
    are never leased: they are claimed in batches, at their share of the budget ("claim")."""
    table = OutboxMessage.__table__  # Core: the ORM would take the parameters for rows
    moment = table.c.claimed_until.type
    now = bindparam("now", type_=moment)
    lease_end = bindparam("lease_end", type_=moment)
    row: dict[str, Any] = {name: bindparam(name) for name in ROW_FIELDS}
    row |= {"created_at": now, "available_at": now}
    if how == "claim":
        row |= {"claimed_until": None, "attempts": 0}
    elif how == "lease":
        row |= {"claimed_until": lease_end, "attempts": 1}
    else:
        older = aliased(OutboxMessage)
        waits = exists().where(
            older.recipient_id == row["recipient_id"],
            older.done_at.is_(None),
            older.key.not_in(bindparam("keys", expanding=True)),
            older.id.not_in(bindparam("delivered", expanding=True)),
        )
        row["claimed_until"] = case((waits, None), else_=lease_end)
        row["attempts"] = case((waits, 0), else_=1)
    return (
        dialect.insert(table)
        .values(row)
        .on_conflict_do_nothing(index_elements=["key"])  # recorded before: not again
        .returning(table.c.id, table.c.key, table.c.attempts)
    )


def _claimable(now: BindParameter[datetime]) -> tuple[Any, ...]:
    """A row anyone may claim at `now`: not done, due, and nobody's lease on it."""
    return (
        OutboxMessage.done_at.is_(None),
        OutboxMessage.available_at <= now,
        (OutboxMessage.claimed_until.is_(None)) | (OutboxMessage.claimed_until < now),
    )


# Whether a claim could find anything: one read, so an idle poll takes no write lock (SQLite
# has one writer, and the counter's writes wait behind it) and opens no transaction.
ANYTHING_CLAIMABLE = select(OutboxMessage.id).where(*_claimable(bindparam("now"))).limit(1)

_TABLE = cast(Table, OutboxMessage.__table__)
# Rows done with one outcome (delivered: "sent"; or why never), never tried again.
MARK_DONE = (
    update(_TABLE)
    .where(_TABLE.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        done_at=bindparam("now", type_=_TABLE.c.done_at.type),
        outcome=bindparam("outcome"),
        claimed_until=None,
    )
)


@functools.cache
def claim_statement(limit: int, locks_rows: bool) -> Any:
    """Outbox.claim's statement, built once per batch size and engine (with its SQL cache key:
    building it cost more CPU than running it); `now` and `lease_end` are bound at the call."""
    now: BindParameter[datetime] = bindparam("now")
    older = aliased(OutboxMessage)
    due = (
        select(OutboxMessage.id)
        .where(
            *_claimable(now),
            ~exists().where(
                and_(
                    older.recipient_id == OutboxMessage.recipient_id,
                    older.id < OutboxMessage.id,
                    older.done_at.is_(None),
                )
            ),
        )
        # Offers' copies last: a customer's notice or a reminder does not queue behind
        # two thousand of them.
        .order_by(case((OutboxMessage.kind == OFFER_COPY, 1), else_=0), OutboxMessage.id)
        .limit(limit)
    )
    if locks_rows:
        due = due.with_for_update(skip_locked=True)
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(claimed_until=bindparam("lease_end"), attempts=OutboxMessage.attempts + 1)
        .returning(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.payload,
            OutboxMessage.attempts,
        )
        .execution_options(synchronize_session=False)
    )
