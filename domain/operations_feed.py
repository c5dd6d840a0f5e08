"""The merchant's ledger as a feed for accounting and sync (PRODUCT.md §12): entries in the order
they became final, read page by page from an opaque position that never skips or repeats one.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain import errors
from domain.model import LedgerKind

FEED_PAGE_MAX = 500
_POSITION = re.compile(r"^([0-9]{1,19})\.([0-9]{1,19})$")


@dataclass(frozen=True, order=True)
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
        """A cursor this feed gave back; anything else is refused (InvalidCursor)."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            found = _POSITION.match(raw.decode("ascii"))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            found = None
        if found is None or len(cursor) > 64:
            raise errors.InvalidCursor()
        transaction, entry_id = int(found.group(1)), int(found.group(2))
        if transaction >= 2**63 or entry_id >= 2**63:
            raise errors.InvalidCursor()
        return FeedPosition(transaction, entry_id)


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
