"""Where an operation happened: the store an all-stores staff member works at today.

A seat bound to one store books there; in a café with one store there is nothing to ask, nor
where each card works at its own store only (cross-location off): the card says where. A seat
at every store of a café with several, whose cards work everywhere, books to the store its
holder named for the merchant-local day, and is asked for it before the day's first operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class StoreChoice:
    """A store as a choice offers it (an offer's audience, the store of the day)."""

    store_id: int
    name: str


@dataclass(frozen=True)
class StoresOfDay:
    """What a staff member is asked, and what they said, for one merchant-local day."""

    day: date
    stores: tuple[StoreChoice, ...]  # the merchant's stores, in the order they were added
    chosen: StoreChoice | None  # today's store, said or (for a bound seat) fixed
    asks: bool  # False: a seat bound to one store, or a café with one store

    @property
    def chosen_id(self) -> int | None:
        return None if self.chosen is None else self.chosen.store_id


def local_day(now: datetime, timezone: str) -> date:
    """The merchant-local date of `now`."""
    return now.astimezone(ZoneInfo(timezone)).date()


def asks_for_store(seat_store_id: int | None, stores: int, cross_location: bool) -> bool:
    """An all-stores seat in a café with several stores, whose cards work at every one, says
    where it works each day."""
    return seat_store_id is None and stores > 1 and cross_location


def booked_store(
    *,
    seat_store_id: int | None,
    card_store_id: int,
    stores: int,
    cross_location: bool,
    chosen_store_id: int | None,
) -> int | None:
    """The store an operation is booked to; None when the staff member must first say which
    store they are at today (`chosen_store_id`: what they said for today, if anything)."""
    if seat_store_id is not None:
        return seat_store_id
    if not asks_for_store(seat_store_id, stores, cross_location):
        return card_store_id
    return chosen_store_id
