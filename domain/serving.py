"""Which café's front door a request came through.

A café's own bot (and the Mini App opened from it) serves that café only: a person sees only
its cards there, and staff of another café can do nothing. The front end sets `serving_merchant`
for the request it handles; the role checks and card listings of the use cases read it, so the
rule is written once, here in the domain, whatever front end asks. None: the platform bot,
which serves every café (a person's wallet of all their cards).
"""

from __future__ import annotations

from contextvars import ContextVar

serving_merchant: ContextVar[int | None] = ContextVar("serving_merchant", default=None)


def serves(merchant_id: int) -> bool:
    """Whether the current front door may show or act on this merchant's things."""
    scope = serving_merchant.get()
    return scope is None or scope == merchant_id
