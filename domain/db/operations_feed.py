"""The merchant's ledger read as a feed: a page of entries after a position, in the order they
became final.

Why not simply `id > after ORDER BY id`: on PostgreSQL an id is drawn from a sequence when the
row is inserted, not when it commits. A transaction that drew id 100 may commit after another
that drew 101; a reader that saw 101 and moved its cursor past it would never see 100. SQLite
has one writer at a time, so there ids commit in order and the plain id order is safe.

So on PostgreSQL every row keeps the id of the transaction that wrote it (`transaction_id`,
pg_current_xact_id(), see the ledger feed's migration), and a page holds only rows of
transactions older than the oldest one still running (pg_snapshot_xmin of the statement's own
snapshot). Those transactions have all ended: no row can ever appear among them again, so
paging in (transaction_id, id) order neither skips nor repeats a row, whatever commits
meanwhile. A row shows up once every transaction that began before its own has ended (a
writer's transaction lasts milliseconds). We chose this over locking writers out while a page
is read (LOCK TABLE, advisory locks): those make every write wait for readers and can close a
deadlock with a writer holding a second card's lock (a referral pays two cards). (A restore
into a new PostgreSQL server counts transactions from the start again: docs/operating.md.)
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Text, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.dialect import Dialect
from domain.db.tables import Card, LedgerEntry, Store
from domain.operations_feed import FeedPosition


class OperationsFeedRepository:
    def __init__(self, session: AsyncSession, dialect: Dialect) -> None:
        self.session = session
        self._dialect = dialect

    async def page(
        self, merchant_id: int, store_id: int | None, after: FeedPosition, limit: int
    ) -> list[tuple[LedgerEntry, str, str]]:
        """Up to `limit` entries of the merchant (of one store when `store_id`) after `after`,
        with their card's number and their store's name; on the merchant's feed index."""
        query = (
            select(LedgerEntry, Card.number, Store.name)
            .join(Card, Card.id == LedgerEntry.card_id)
            .join(Store, Store.id == LedgerEntry.store_id)
            .where(
                LedgerEntry.merchant_id == merchant_id,
                or_(
                    LedgerEntry.transaction_id > after.transaction,
                    and_(
                        LedgerEntry.transaction_id == after.transaction,
                        LedgerEntry.id > after.entry_id,
                    ),
                ),
            )
            .order_by(LedgerEntry.transaction_id, LedgerEntry.id)
            .limit(limit)
        )
        if store_id is not None:
            query = query.where(LedgerEntry.store_id == store_id)
        if self._dialect.commits_out_of_id_order:
            oldest_running = cast(
                cast(func.pg_snapshot_xmin(func.pg_current_snapshot()), Text), BigInteger
            )
            query = query.where(LedgerEntry.transaction_id < oldest_running)
        return [(entry, number, name) for entry, number, name in await self.session.execute(query)]
