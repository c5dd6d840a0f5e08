"""The merchant's ledger for accounting and sync (GET /api/v1/operations): pages of entries
after an opaque cursor; a store's key reads its store's entries only."""

from __future__ import annotations

from domain.apikeys import ApiKeyActor, Scope
from domain.db.operations_feed import OperationsFeedRepository
from domain.model import LedgerKind, format_card_number
from domain.operations_feed import FEED_PAGE_MAX, FeedEntry, FeedPage, FeedPosition
from domain.service.base import ServiceBase


class OperationsFeedService(ServiceBase):
    async def page(self, key: ApiKeyActor, after: str | None, limit: int) -> FeedPage:
        """Up to `limit` entries (at most FEED_PAGE_MAX) after the cursor `after` (from the
        start without one), in the order they became final; no holder's name or id."""
        key.require(Scope.READ)
        start = FeedPosition() if after is None else FeedPosition.of_cursor(after)
        limit = max(1, min(limit, FEED_PAGE_MAX))
        async with self._db.read() as session:
            rows = await OperationsFeedRepository(session, self._dialect).page(
                key.merchant_id, key.store_id, start, limit
            )
        entries = tuple(
            FeedEntry(
                entry_id=entry.id,
                position=FeedPosition(entry.transaction_id, entry.id),
                kind=LedgerKind(entry.kind),
                card_number=format_card_number(number),
                stamps_delta=entry.stamps_delta,
                points_delta=entry.points_delta,
                stamp_balance_after=entry.stamp_balance_after,
                points_balance_after=entry.points_balance_after,
                amount=entry.amount,
                receipt=entry.receipt,
                reverses_entry_id=entry.reverses_entry_id,
                reward_id=entry.reward_id,
                store_name=store_name,
                created_at=entry.created_at,
            )
            for entry, number, store_name in rows
        )
        return FeedPage(
            entries=entries,
            after=entries[-1].position if entries else start,
            more=len(entries) == limit,
        )
