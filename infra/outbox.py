"""The effects outbox: what use cases asked to happen after their commit, delivered once.

Use cases record effects in their own transaction (`OutboxLog.record`, the domain's EffectLog
port), so an effect exists if and only if its cause was committed. Dispatchers in any number
of workers claim due rows for a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), deliver them
and mark them done; a worker that dies mid-delivery leaves its rows to be claimed again when
the lease runs out. A recipient's messages go out in the order they were recorded.

Where a dispatcher runs in the recording process (`OutboxLog.hand_to`), a row is recorded as if
that dispatcher had claimed it at once (leased, its try counted) and handed to it when the
transaction commits: no claim round trip between a stamp and its notice. Should the worker die
first, the lease runs out and any worker claims the row, as after a claim.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import Clock
from domain.db.uow import Database, Rows, after_commit
from domain.effects import (
    EFFECT_TYPES,
    Effect,
    RefreshBrandedPasses,
    RefreshWallet,
    RemindExpiry,
    SendSummary,
    stored_fields,
)
from infra import outbox_statements as statements
from infra.tables import OutboxMessage

# How long a claim holds without renewal. The dispatcher renews the claims it still holds (a
# message may wait a minute for the budget behind counter replies), so this only decides how
# soon the messages of a worker that died are taken over. OUTBOX_LEASE_SECONDS changes it.
LEASE = timedelta(seconds=30)
MAX_ATTEMPTS = 10
MAX_BACKOFF_SECONDS = 300.0


@dataclass(frozen=True)
class OutboxItem:
    id: int
    effect: Effect
    attempts: int  # including this one


def _payload(effect: Effect) -> str:
    return json.dumps(stored_fields(effect), default=lambda value: value.isoformat())


def _effect(kind: str, payload: str) -> Effect:
    fields: dict[str, Any] = {
        name: tuple(value) if isinstance(value, list) else value  # JSON has no tuples
        for name, value in json.loads(payload).items()
    }
    cls = EFFECT_TYPES[kind]
    if cls is SendSummary:
        fields["day"] = date.fromisoformat(fields["day"])
    elif cls is RemindExpiry:
        fields["expires_at"] = datetime.fromisoformat(fields["expires_at"])
    return cls(**fields)


def _hand_over(receiver: HandOff, handed: list[OutboxItem], left: bool) -> None:
    """After the commit: the leased rows to the dispatcher, and a wake for the others."""
    if handed:
        receiver.accept(handed)
    if left:
        receiver.wake()


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try after `attempts` failed ones."""
    return timedelta(seconds=min(MAX_BACKOFF_SECONDS, 2.0**attempts))


class HandOff(Protocol):
    """The dispatcher of this process, as the log hands it the rows it records."""

    def delivered(self) -> Collection[int]:
        """Rows it has delivered whose marking done is still on its way to the database."""
        ...

    def accept(self, items: Sequence[OutboxItem]) -> None:
        """Rows leased to it in a transaction that has just committed, oldest first."""
        ...

    def wake(self) -> None:
        """Rows were committed that it must claim."""
        ...


class OutboxLog:
    """The domain's EffectLog: effects become outbox rows in the caller's transaction."""

    def __init__(
        self, database: Database, clock: Clock, *, wallet_enabled: bool, lease: timedelta = LEASE
    ) -> None:
        self._db = database
        self._clock = clock
        self._wallet_enabled = wallet_enabled
        self._lease = lease
        self._receiver: HandOff | None = None

    def hand_to(self, receiver: HandOff | None) -> None:
        """From now on, rows recorded here go to `receiver` after their commit (None: claimed
        by some dispatcher, as in a process that runs none)."""
        self._receiver = receiver

    async def record(self, session: AsyncSession, effects: Sequence[Effect]) -> None:
        wanted = [
            e
            for e in effects
            if self._wallet_enabled or not isinstance(e, RefreshWallet | RefreshBrandedPasses)
        ]
        if not wanted:
            return
        now = self._clock.now()
        rows = [
            {
                "kind": effect.kind,
                "key": effect.key,
                "recipient_id": effect.recipient_id,
                "payload": _payload(effect),
                "created_at": now,
                "available_at": now,
                "attempts": 0,
            }
            for effect in wanted
        ]
        receiver = self._receiver
        if receiver is None:
            await session.execute(statements.plain_insert(self._db.dialect), rows)
            return
        shared: dict[str, Any] = {
            "now": now,
            "lease_end": now + self._lease,
            "keys": [row["key"] for row in rows],
            "delivered": list(receiver.delivered()),
        }
        found: list[Any] = []  # (id, key, attempts) of each row recorded now
        for effect, row in zip(wanted, rows, strict=True):
            insert = statements.leasing_insert(statements.how_leased(effect), self._db.dialect)
            params = shared | {name: row[name] for name in statements.ROW_FIELDS}
            found.extend((await session.execute(insert, params)).all())
        by_key = {effect.key: effect for effect in wanted}
        handed, left = [], False
        for item_id, key, attempts in sorted(found):
            if attempts:
                handed.append(OutboxItem(item_id, by_key[key], attempts))
            else:
                left = True
        after_commit(session, functools.partial(_hand_over, receiver, handed, left))


class Outbox:
    """Claiming, completing and retrying outbox rows."""

    def __init__(
        self, database: Database, clock: Clock, *, wallet_enabled: bool, lease: timedelta = LEASE
    ) -> None:
        self._db = database
        self._clock = clock
        self._lease = lease
        self.log = OutboxLog(database, clock, wallet_enabled=wallet_enabled, lease=lease)

    async def claim(
        self, limit: int = 20, *, settle: Mapping[int, str] | None = None
    ) -> list[OutboxItem]:
        """Due rows nobody holds, oldest first, each held by us for the lease.

        A row waits while an older undelivered row for the same recipient exists, so that
        "stamp" and its "undo" arrive in that order even when two workers deliver.

        `settle`: rows delivered since the last claim, with their outcomes, marked done in the
        same transaction first (one write for the batch instead of one per message; and a row
        they held back is claimable at once).
        """
        now = self._clock.now()
        if not settle:
            async with self._db.read() as session:
                if (
                    await session.execute(statements.ANYTHING_CLAIMABLE, {"now": now})
                ).first() is None:
                    return []
        claim = statements.claim_statement(limit, self._db.dialect.locks_rows)
        async with self._db.write() as session:
            if settle:
                await self._mark_done(session, settle, now)
            rows = await session.execute(claim, {"now": now, "lease_end": now + self._lease})
            found = sorted(rows.all(), key=lambda row: row[0])
        return [OutboxItem(row[0], _effect(row[1], row[2]), row[3]) for row in found]

    @property
    def database(self) -> Database:
        return self._db

    @property
    def lease(self) -> timedelta:
        return self._lease

    async def renew(self, item_ids: Sequence[int]) -> None:
        """Keep holding these claims for another lease: their delivery is still under way."""
        if not item_ids:
            return
        async with self._db.write() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(list(item_ids)), OutboxMessage.done_at.is_(None))
                .values(claimed_until=self._clock.now() + self._lease)
            )

    async def release_claims(self) -> int:
        """Free every claim: for a process that is the only one (SQLite) and just started, so
        claims can only be those of its own previous life, cut short by a crash."""
        async with self._db.write() as session:
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.done_at.is_(None), OutboxMessage.claimed_until.is_not(None))
                .values(claimed_until=None)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def done(self, item_id: int, outcome: str = "sent") -> None:
        """Delivered (or never deliverable: `outcome` says which); never tried again."""
        await self.done_many({item_id: outcome})

    async def done_many(self, outcomes: Mapping[int, str]) -> None:
        """Rows done, each with its outcome: one UPDATE per outcome, each standing alone (a
        mark lost to a crash means the message may go again once its lease ends, as a crash
        just before the mark always meant)."""
        if not outcomes:
            return
        async with self._db.each_statement_alone() as connection:
            await self._mark_done(connection, outcomes, self._clock.now())

    @staticmethod
    async def _mark_done(
        session: AsyncSession | Rows, outcomes: Mapping[int, str], now: datetime
    ) -> None:
        """One UPDATE per outcome (usually one: "sent")."""
        for outcome in set(outcomes.values()):
            ids = [item_id for item_id, value in outcomes.items() if value == outcome]
            await session.execute(
                statements.MARK_DONE, {"ids": ids, "now": now, "outcome": outcome}
            )

    async def retry_later(self, item: OutboxItem) -> bool:
        """A failed try: back off, or give up after MAX_ATTEMPTS. True if it will be retried."""
        if item.attempts >= MAX_ATTEMPTS:
            await self.done(item.id, "given_up")
            return False
        async with self._db.write() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == item.id)
                .values(available_at=self._clock.now() + backoff(item.attempts), claimed_until=None)
            )
        return True

    async def postpone(self, item: OutboxItem, seconds: float) -> None:
        """Not tried, only put off (its bot is paused): the try it was claimed for is given
        back, so a message waiting for a new token is never given up."""
        async with self._db.write() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == item.id)
                .values(
                    available_at=self._clock.now() + timedelta(seconds=seconds),
                    claimed_until=None,
                    attempts=OutboxMessage.attempts - 1,
                )
            )

    async def resume_postponed(self) -> int:
        """Messages put off for a paused bot are due now (it has a new token). They are the
        rows with no try counted that wait for a later time: new rows are due when recorded,
        and a failed try counts."""
        now = self._clock.now()
        async with self._db.write() as session:
            result = await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.done_at.is_(None),
                    OutboxMessage.attempts == 0,
                    OutboxMessage.available_at > now,
                    OutboxMessage.claimed_until.is_(None),
                )
                .values(available_at=now)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def undelivered(self) -> int:
        """Rows not yet done (for health checks, tests and benchmarks)."""
        async with self._db.read() as session:
            query = select(func.count()).where(OutboxMessage.done_at.is_(None))
            return int((await session.execute(query)).scalar_one())

    async def outcomes(self) -> dict[str, int]:
        async with self._db.read() as session:
            rows = await session.execute(
                select(OutboxMessage.outcome, func.count()).group_by(OutboxMessage.outcome)
            )
            return {str(outcome): int(count) for outcome, count in rows}

    async def prune(self, older_than: timedelta = timedelta(days=7)) -> int:
        """Forget delivered rows after a while: their keys only guard against re-recording,
        which happens within seconds (a re-handled update), never a week later."""
        cutoff = self._clock.now() - older_than
        return await self._db.delete_in_batches((OutboxMessage.id,), OutboxMessage.done_at < cutoff)
