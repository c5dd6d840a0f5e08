"""The card a staff member names at the counter, with everything an operation on it needs:
one statement when all is well, the programme from the cache, the refusals as before."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from domain import errors
from domain.apikeys import ApiKeyActor
from domain.codes import looks_like_qr_token
from domain.db.counter import at_counter
from domain.db.dialect import Dialect
from domain.db.directory import DirectoryRepository
from domain.db.ledger import LedgerRepository
from domain.db.programmes import ProgrammeCache
from domain.db.rewards import RewardRepository, reward_value
from domain.db.stores_of_day import StoresOfDayRepository
from domain.db.tables import Card, LedgerEntry, Merchant, Program, Store, User
from domain.model import (
    LOOKUP_FAILURE_LIMIT,
    LOOKUP_FAILURE_WINDOW,
    CardView,
    LedgerKind,
    Operation,
    Reward,
    normalise_card_number,
)
from domain.service.base import Seat, make_card_view, recipient, require_staff, resolve_card
from domain.serving import serves
from domain.store_of_day import StoreChoice, local_day


@dataclass(frozen=True)
class CardAtCounter:
    seat: Seat
    card: Card
    program: Program  # shared by every operation of the worker: never change it
    ladder: tuple[Reward, ...]
    merchant: Merchant
    store: Store  # the card's home store
    customer: User | None
    store_names: dict[int, str]  # the stores known without another read
    # The entry already made with the operation's idempotency key, if `prior_known` (a card
    # found step by step looks it up once locked, by a statement of its own).
    prior_entry_id: int | None = None
    prior_known: bool = False
    consent_asked: bool | None = None  # None: not known
    stores: int = 1  # the merchant's stores (counted for a seat at every store)
    # The store the seat last said it works at, and the merchant-local day it was said for.
    store_of_day: tuple[date, StoreChoice] | None = None

    def said_store(self, day: date) -> StoreChoice | None:
        """The store the seat said it works at on `day`, if it did."""
        if self.store_of_day is None or self.store_of_day[0] != day:
            return None
        return self.store_of_day[1]

    def view(self) -> CardView:
        view = make_card_view(self.card, self.program, self.merchant, self.store, self.ladder)
        holder = self.customer
        if holder is None or holder.erased_at is not None:
            return view
        return replace(view, customer_first_name=holder.first_name)  # for the cashier's greeting


async def card_at_counter(
    ledger: LedgerRepository,
    directory: DirectoryRepository,
    programmes: ProgrammeCache,
    dialect: Dialect,
    actor: int | ApiKeyActor,
    card_reference: str,
    *,
    lock: bool,
    now: datetime,
    idempotency_key: str | None = None,
) -> CardAtCounter:
    """The staff member's seat (or the API key's) and the card they mean, within their reach
    (as `require_staff` and `resolve_card` decide, and with their refusals)."""
    reference = card_reference.strip()
    if isinstance(actor, ApiKeyActor):  # a till: its merchant's cards, found step by step
        seat = Seat(
            merchant_id=actor.merchant_id,
            store_id=actor.store_id,
            role="staff",
            api_key_id=actor.key_id,
        )
        return await _step_by_step(
            ledger, directory, programmes, dialect, seat, reference, lock, now
        )
    actor_id = actor
    number = normalise_card_number(reference)
    token = None if number else (reference if looks_like_qr_token(reference) else None)
    found = None
    if number is not None or token is not None:
        found = await at_counter(
            ledger.session,
            dialect,
            staff_user_id=actor_id,
            number=number,
            qr_token=token,
            failures_since=now - LOOKUP_FAILURE_WINDOW,
            idempotency_key=idempotency_key,
            lock=lock,
        )
    if (
        found is None
        or not serves(found.seat.merchant_id)
        or found.failed_lookups >= LOOKUP_FAILURE_LIMIT
    ):
        # Something is refused, or the card changed hands since: the step by step way says
        # which refusal applies (and in the order the person would be told).
        seat = Seat.of(await require_staff(directory, actor_id))
        return await _step_by_step(
            ledger, directory, programmes, dialect, seat, reference, lock, now
        )
    programme = await programmes.get(
        ledger.session, found.card.merchant_id, found.programme_version
    )
    program, seat, card = programme.program, Seat.of(found.seat), found.card
    if not program.cross_location and seat.store_id is not None and card.store_id != seat.store_id:
        raise errors.CardOfOtherStore(store_name=found.store.name)
    names = {found.store.id: found.store.name}
    if seat.store_id is not None and found.seat_store_name is not None:
        names[seat.store_id] = found.seat_store_name
    said = None
    if found.store_of_day is not None:
        said_day, said_id, said_name = found.store_of_day
        said = (said_day, StoreChoice(said_id, said_name))
        names[said_id] = said_name
    return CardAtCounter(
        seat=seat,
        card=card,
        program=program,
        ladder=programme.ladder,
        merchant=found.merchant,
        store=found.store,
        customer=found.customer,
        store_names=names,
        prior_entry_id=found.prior_entry_id,
        prior_known=found.prior_known,
        consent_asked=found.consent_asked,
        stores=found.stores,
        store_of_day=said,
    )


async def _step_by_step(
    ledger: LedgerRepository,
    directory: DirectoryRepository,
    programmes: ProgrammeCache,
    dialect: Dialect,
    seat: Seat,
    reference: str,
    lock: bool,
    now: datetime,
) -> CardAtCounter:
    card, program = await resolve_card(ledger, directory, seat, reference, lock=lock, now=now)
    merchant, store = await directory.merchant_and_store(card.merchant_id, card.store_id)
    programme = await programmes.get(ledger.session, card.merchant_id, -1)
    stores, said, names = 1, None, {store.id: store.name}
    if seat.store_id is None and seat.membership_id is not None:
        # A staff seat at every store: where it works today, read apart (a till's key books
        # to the card's store, or its own).
        every = await directory.stores_of_merchant(seat.merchant_id)
        stores, day = len(every), local_day(now, program.timezone)
        chosen = await StoresOfDayRepository(ledger.session, dialect).chosen(
            seat.membership_id, day
        )
        said = next(((day, StoreChoice(s.id, s.name)) for s in every if s.id == chosen), None)
        names |= {s.id: s.name for s in every}
    return CardAtCounter(
        seat=seat,
        card=card,
        program=program,
        ladder=programme.ladder,
        merchant=merchant,
        store=store,
        customer=await directory.user(card.customer_id),
        store_names=names,
        stores=stores,
        store_of_day=said,
    )


async def prior_entry(
    ledger: LedgerRepository, found: CardAtCounter, key: str
) -> LedgerEntry | None:
    """The entry already made with the idempotency key `key` (read now if it was not yet)."""
    if not found.prior_known:
        return await ledger.entry_by_key(key)
    if found.prior_entry_id is None:
        return None
    return await ledger.entry(found.prior_entry_id)


async def operation_at_counter(
    directory: DirectoryRepository,
    found: CardAtCounter,
    entry: LedgerEntry,
    *,
    replayed: bool = False,
) -> Operation:
    """The Operation for `entry` on the found card, as `operation_result` makes it, from what
    was read already (the card as it stands after the entry)."""
    return await operation_from(
        directory,
        entry,
        found.view(),
        found.customer,
        found.ladder,
        found.store_names.get(entry.store_id),
        replayed=replayed,
    )


async def operation_from(
    directory: DirectoryRepository,
    entry: LedgerEntry,
    view: CardView,
    customer: User | None,
    ladder: tuple[Reward, ...],
    store_name: str | None,
    *,
    replayed: bool = False,
) -> Operation:
    """The Operation of `entry` from its card's view (shown with the balances right after the
    entry, also when the card moved on since) and what else was read; the entry's store and a
    reward gone from the ladder are read only when not at hand."""
    after = replace(
        view, stamp_count=entry.stamp_balance_after, points_balance=entry.points_balance_after
    )
    where = store_name if store_name is not None else (await directory.store(entry.store_id)).name
    reward = next((r for r in ladder if r.reward_id == entry.reward_id), None)
    if entry.reward_id is not None and reward is None:  # removed from the ladder since
        row = await RewardRepository(directory.session).get(entry.reward_id)
        reward = None if row is None else reward_value(row)
    return Operation(
        entry_id=entry.id,
        kind=LedgerKind(entry.kind),
        stamps_delta=entry.stamps_delta,
        points_delta=entry.points_delta,
        amount=entry.amount,
        card=after,
        store_name=where,
        customer=recipient(customer, view.customer_id),
        created_at=entry.created_at,
        replayed=replayed,
        reason=entry.reason,
        reward=reward,
        happy_hour_extra=entry.happy_hour_extra,
    )
