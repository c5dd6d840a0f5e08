"""What an operation at the counter needs before it decides, read in one statement."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BindParameter, Select, and_, bindparam, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.db.dialect import Dialect
from domain.db.stores_of_day import latest_day_of
from domain.db.tables import (
    Card,
    LedgerEntry,
    LookupFailure,
    Merchant,
    OfferConsent,
    Program,
    StaffMembership,
    Store,
    StoreOfDay,
    User,
)
from domain.db.webhooks import has_endpoints, remember_endpoints


@dataclass(frozen=True)
class AtCounter:
    """The staff member's seat and the card they named, with what surrounds them."""

    seat: StaffMembership
    seat_store_name: str | None  # the seat's store (None: a seat at every store)
    card: Card
    merchant: Merchant
    store: Store  # the card's home store
    customer: User | None
    programme_version: int
    failed_lookups: int  # since the window's start
    prior_entry_id: int | None  # the entry already made with the idempotency key
    prior_known: bool  # False: the key was not looked up (see at_counter)
    consent_asked: bool  # the customer was asked about this merchant's offers
    stores: int  # how many stores the merchant has
    # The last store the seat said it works at, with the merchant-local day it was said for.
    store_of_day: tuple[date, int, str] | None


async def at_counter(
    session: AsyncSession,
    dialect: Dialect,
    *,
    staff_user_id: int,
    number: str | None,
    qr_token: str | None,
    failures_since: datetime,
    idempotency_key: str | None,
    lock: bool,
) -> AtCounter | None:
    """The active seat of `staff_user_id` and the active card of that seat's merchant with this
    number or QR token; None when either is missing (the caller finds out which, slowly).

    With `lock` on PostgreSQL the card's row is locked (FOR UPDATE OF cards). The entry already
    made with `idempotency_key` is looked up in the same statement. On SQLite that is the last
    word: writers hold the write lock before they read. On PostgreSQL the statement sees what
    was committed when it began, before it waited for the card's lock, so a twin that held the
    lock meanwhile and committed its entry is not seen: the caller finds it later
    (CounterOperations._operate_once).
    """
    key_here = idempotency_key is not None
    query = _at_counter_query(number is not None, key_here, lock and dialect.locks_rows)
    parameters = {
        "staff_user_id": staff_user_id,
        "reference": number if number is not None else qr_token,
        "failures_since": failures_since,
        "idempotency_key": idempotency_key,
    }
    row = (await session.execute(query, parameters)).one_or_none()
    if row is None:
        return None
    seat, seat_store_name, card, merchant, store, customer, version, failed, consent = row[:9]
    count, said_day, said_store, said_name, endpoints = row[9:14]
    remember_endpoints(session, card.merchant_id, bool(endpoints))
    return AtCounter(
        seat=seat,
        seat_store_name=seat_store_name,
        card=card,
        merchant=merchant,
        store=store,
        customer=customer,
        programme_version=int(version),
        failed_lookups=int(failed),
        prior_entry_id=row[14] if key_here else None,
        prior_known=key_here,
        consent_asked=bool(consent),
        stores=int(count),
        store_of_day=None if said_day is None else (said_day, said_store, said_name),
    )


@functools.cache
def _at_counter_query(by_number: bool, key_here: bool, for_update: bool) -> Select[Any]:
    """at_counter's statement, built once per variant: building it (aliases, sub-queries) and
    its cache key cost more CPU than running it. Values come as bound parameters."""
    seat_store, day_store, every_store = aliased(Store), aliased(Store), aliased(Store)
    staff_user_id: BindParameter[int] = bindparam("staff_user_id")
    failures = (
        select(func.count())
        .where(
            LookupFailure.staff_user_id == staff_user_id,
            LookupFailure.failed_at >= bindparam("failures_since"),
        )
        .scalar_subquery()
    )
    asked = exists().where(
        OfferConsent.merchant_id == Card.merchant_id,
        OfferConsent.customer_id == Card.customer_id,
    )
    stores = (
        select(func.count(every_store.id))
        .where(every_store.merchant_id == StaffMembership.merchant_id)
        .scalar_subquery()
    )
    columns: list[Any] = [
        StaffMembership,
        seat_store.name,
        Card,
        Merchant,
        Store,
        User,
        Program.version,
        failures,
        asked,
        stores,
        StoreOfDay.local_day,
        StoreOfDay.store_id,
        day_store.name,
        has_endpoints(Card.merchant_id),  # spares the event writer a statement of its own
    ]
    if key_here:
        columns.append(
            select(LedgerEntry.id)
            .where(LedgerEntry.idempotency_key == bindparam("idempotency_key"))
            .scalar_subquery()
        )
    reference: BindParameter[str] = bindparam("reference")
    by_reference = Card.number == reference if by_number else Card.qr_token == reference
    seat_card = and_(Card.merchant_id == StaffMembership.merchant_id, Card.active, by_reference)
    query = (
        select(*columns)
        .select_from(StaffMembership)
        .join(Card, seat_card)
        .join(Merchant, Merchant.id == Card.merchant_id)
        .join(Store, Store.id == Card.store_id)
        .join(Program, Program.merchant_id == Card.merchant_id)
        .outerjoin(seat_store, seat_store.id == StaffMembership.store_id)
        .outerjoin(User, User.id == Card.customer_id)
        .outerjoin(
            StoreOfDay,
            and_(
                StoreOfDay.membership_id == StaffMembership.id,
                StoreOfDay.local_day == latest_day_of(StaffMembership.id),
            ),
        )
        .outerjoin(day_store, day_store.id == StoreOfDay.store_id)
        .where(StaffMembership.user_id == staff_user_id, StaffMembership.active)
        .execution_options(populate_existing=True)
    )
    return query.with_for_update(of=Card) if for_update else query


@dataclass(frozen=True)
class EntryAndCard:
    """A ledger entry with its card and what a notice of it shows, read together."""

    entry: LedgerEntry
    card: Card
    merchant: Merchant
    store: Store  # the card's home store
    entry_store_name: str  # where the entry was made
    customer: User | None
    programme_version: int


def _entry_and_card_query() -> Select[LedgerEntry, Card, Merchant, Store, str, User, int]:
    entry_store = aliased(Store)
    return (
        select(LedgerEntry, Card, Merchant, Store, entry_store.name, User, Program.version)
        .select_from(LedgerEntry)
        .join(Card, Card.id == LedgerEntry.card_id)
        .join(Merchant, Merchant.id == Card.merchant_id)
        .join(Store, Store.id == Card.store_id)
        .join(entry_store, entry_store.id == LedgerEntry.store_id)
        .join(Program, Program.merchant_id == Card.merchant_id)
        .outerjoin(User, User.id == Card.customer_id)
        .where(LedgerEntry.id == bindparam("entry_id"))
    )


_ENTRY_AND_CARD = _entry_and_card_query()  # built once, like at_counter's


async def entry_and_card(session: AsyncSession, entry_id: int) -> EntryAndCard | None:
    """The entry `entry_id` and its card, merchant, stores, customer and programme version, in
    one statement (the outbox's notices read this for every operation)."""
    row = (await session.execute(_ENTRY_AND_CARD, {"entry_id": entry_id})).one_or_none()
    if row is None:
        return None
    entry, card, merchant, store, entry_store_name, customer, version = row
    return EntryAndCard(entry, card, merchant, store, entry_store_name, customer, int(version))
