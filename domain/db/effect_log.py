"""The port through which use cases record effects: in their own transaction, on the unit of
work's session, so an effect commits with the ledger row that caused it (the outbox).

It lives beside the unit of work, not with the effects: effects are plain values that know
nothing of sessions; recording them is a matter of the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.db.uow import Session
from domain.effects import Effect


class EffectLog(Protocol):
    """Where use cases record effects, inside their own transaction (the outbox)."""

    async def record(self, session: Session, effects: Sequence[Effect]) -> None: ...


class NoEffects:
    """For tools and tests that run use cases without delivering anything."""

    async def record(self, session: Session, effects: Sequence[Effect]) -> None:
        return None
