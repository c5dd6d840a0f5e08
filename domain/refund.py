"""A till's refund of a receipt, as its use case answers it."""

from __future__ import annotations

from dataclasses import dataclass

from domain.model import CardView, Operation


@dataclass(frozen=True)
class Refund:
    """What refunding a receipt did: the compensating rows (the earning's first, then those of
    the bonuses its first visit paid), the card right after them, and what the card no longer
    held to give back (spent before the refund; the balance never goes negative)."""

    receipt: str
    reversals: tuple[Operation, ...]
    card: CardView
    stamps_kept: int = 0
    points_kept: int = 0
    replayed: bool = False  # the Idempotency-Key had answered this before: nothing changed now
