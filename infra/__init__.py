"""Infrastructure that is not the card domain: the update inbox, the effects outbox, pending
conversation steps, cross-process locks, the message budget and the API's request limit all
workers share.

It sits beside `domain/` so that `domain/` reads as rules and use cases; the Telegram layer
uses it through the small classes below (never through SQLAlchemy), and the domain reaches the
outbox only through its `EffectLog` port.
"""

from __future__ import annotations

from datetime import timedelta

from domain.apikeys import DEFAULT_REQUESTS_PER_MINUTE
from domain.clock import Clock
from domain.db.uow import Database
from infra.api_requests import ApiRequestLimit, RequestsLimited
from infra.bots import BotRegistry, TokenCipher
from infra.inbox import Inbox
from infra.locks import Locks
from infra.outbox import LEASE, Outbox, OutboxItem
from infra.send_budget import WINDOW as TELEGRAM_WINDOW
from infra.send_budget import BudgetSpent, SharedSendBudget, background_share
from infra.steps import PendingSteps, Step, StepState


class Infrastructure:
    """Everything above, on one database and one clock.

    `send_budget` exists on PostgreSQL when messages are limited (`messages_per_second` > 0);
    SQLite is one process, whose own limiter is the whole budget.
    """

    def __init__(
        self,
        database: Database,
        clock: Clock,
        *,
        wallet_enabled: bool = False,
        chat_locks: int = 32,
        outbox_lease: timedelta = LEASE,
        messages_per_second: float = 0.0,
        token_cipher: TokenCipher | None = None,
        api_requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE,
    ) -> None:
        self.inbox = Inbox(database, clock)
        self.outbox = Outbox(database, clock, wallet_enabled=wallet_enabled, lease=outbox_lease)
        self.steps = PendingSteps(database, clock)
        self.locks = Locks(database, chat_locks=chat_locks)
        self.bots = BotRegistry(database, clock, token_cipher or TokenCipher(None))
        shared = messages_per_second > 0 and not database.dialect.single_process
        self.send_budget = SharedSendBudget(database, messages_per_second) if shared else None
        self.api_requests = ApiRequestLimit(database, clock, api_requests_per_minute)

    async def dispose(self) -> None:
        await self.locks.dispose()
        if self.send_budget is not None:
            await self.send_budget.dispose()


__all__ = [
    "TELEGRAM_WINDOW",
    "ApiRequestLimit",
    "BudgetSpent",
    "Inbox",
    "Infrastructure",
    "Locks",
    "Outbox",
    "OutboxItem",
    "PendingSteps",
    "RequestsLimited",
    "SharedSendBudget",
    "Step",
    "StepState",
    "background_share",
]
