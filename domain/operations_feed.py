"""The merchant's ledger as a feed for accounting and sync (PRODUCT.md §12): entries in the order
they became final, read page by page from an opaque position that never skips or repeats one.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain import errors
from domain.model import LedgerKind

FEED_PAGE_MAX = 500
_CURSOR = re.compile(r"[A-Za-z0-9_-]{2,64}")
_POSITION = re.compile(r"(0|[1-9][0-9]{0,17})\.(0|[1-9][0-9]{0,17})")  # < 2**63 each


@dataclass(frozen=True)
class FeedPosition:
    """Where a reader stands: after the entry `entry_id` of the transaction `transaction`
    (on SQLite, where commits follow ids, `transaction` is always 0)."""

    transaction: int = 0
    entry_id: int = 0

    def cursor(self) -> str:
        """The position as the reader is given it: opaque, URL-safe."""
        raw = f"{self.transaction}.{self.entry_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def of_cursor(cursor: str) -> FeedPosition:
        """A cursor this feed gave back, exactly; anything else is refused (InvalidCursor)."""
        found = None
        if _CURSOR.fullmatch(cursor):
            try:
                raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            except ValueError:  # a length base64 never has
                raw = b""
            found = _POSITION.fullmatch(raw.decode("ascii", errors="replace"))
        if found is None:
            raise errors.InvalidCursor()
        position = FeedPosition(int(found.group(1)), int(found.group(2)))
        if position.cursor() != cursor:  # another spelling of a position (padding, zeros)
            raise errors.InvalidCursor()
        return position


@dataclass(frozen=True)
class FeedEntry:
    """One ledger entry as the feed shows it: the card by its number, never its holder."""

    entry_id: int
    position: FeedPosition
    kind: LedgerKind
    card_number: str
    stamps_delta: int
    points_delta: int
    stamp_balance_after: int
    points_balance_after: int
    amount: Decimal | None
    receipt: str | None
    reverses_entry_id: int | None
    reward_id: int | None
    store_name: str
    created_at: datetime


@dataclass(frozen=True)
class FeedPage:
    entries: tuple[FeedEntry, ...]
    after: FeedPosition  # where the next page starts (the same position when nothing was new)
    more: bool  # the page is full: there may be more to read at once
