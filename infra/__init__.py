"""Infrastructure that is not the card domain: the update inbox, the effects outbox, pending
conversation steps and cross-process locks.

It sits beside `domain/` so that `domain/` reads as rules and use cases; the Telegram layer
uses it through the small classes below (never through SQLAlchemy), and the domain reaches the
outbox only through its `EffectLog` port.
"""

from __future__ import annotations

from datetime import timedelta

from domain.clock import Clock
from domain.db.uow import Database
from infra.inbox import Inbox
from infra.locks import Locks
from infra.outbox import LEASE, Outbox, OutboxItem
from infra.steps import PendingSteps, Step


class Infrastructure:
    """Everything above, on one database and one clock."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        *,
        wallet_enabled: bool = False,
        chat_locks: int = 32,
        database_url: str | None = None,
        outbox_lease: timedelta = LEASE,
    ) -> None:
        self.inbox = Inbox(database, clock)
        self.outbox = Outbox(database, clock, wallet_enabled=wallet_enabled, lease=outbox_lease)
        self.steps = PendingSteps(database, clock)
        self.locks = Locks(database, chat_locks=chat_locks, database_url=database_url)

    async def dispose(self) -> None:
        await self.locks.dispose()


__all__ = ["Inbox", "Infrastructure", "Locks", "Outbox", "OutboxItem", "PendingSteps", "Step"]
