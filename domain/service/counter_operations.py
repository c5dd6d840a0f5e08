"""The machinery of one balance change at the counter: the card found under its lock, the
idempotency key and the receipt checked, the rule's decision written with its effects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from domain import errors
from domain.apikeys import ApiKeyActor
from domain.db.bonuses import BonusRepository
from domain.db.directory import DirectoryRepository
from domain.db.ledger import LedgerRepository
from domain.db.tables import Card, LedgerEntry, Program
from domain.db.uow import IntegrityError, Session
from domain.effects import Effect, NotifyCustomer, RefreshWallet, StaffCorrected
from domain.model import LedgerKind, Operation
from domain.service.base import Seat, ServiceBase
from domain.service.bonuses import FirstVisit, paid_bonus, pay_first_visit
from domain.service.consent import ask_after_first_visit
from domain.service.counter_card import (
    CardAtCounter,
    card_at_counter,
    operation_at_counter,
    prior_entry,
)
from domain.store_of_day import StoreChoice, booked_store, local_day

# Operations that mean the customer was served (a return's void does not count as a visit).
_VISITS = frozenset(
    {
        LedgerKind.STAMP,
        LedgerKind.EARN_POINTS,
        LedgerKind.REDEEM_STAMPS,
        LedgerKind.REDEEM_POINTS,
        LedgerKind.REDEEM_REWARD,
    }
)


@dataclass(frozen=True)
class ApiRequest:
    """What an API request adds to an operation: its fingerprint, kept with its idempotency key
    (the key with another request is refused), and the till's receipt id (earns once)."""

    request_hash: str | None = None
    receipt: str | None = None


@dataclass(frozen=True)
class Change:
    """What an operation will do to a card, decided by its rule before anything is written."""

    kind: LedgerKind
    stamps_delta: int = 0
    points_delta: int = 0
    amount: Decimal | None = None
    reason: str | None = None
    timestamps: dict[str, datetime | None] = field(default_factory=dict)
    reward_id: int | None = None
    happy_hour_extra: int = 0  # of the deltas, what a happy hour added
    # A cashier's correction: the owner is told who made it (owner's id, cashier's name).
    tell_owner: tuple[int, str] | None = None


_T = TypeVar("_T")
_Decide = Callable[[CardAtCounter, LedgerRepository, datetime], Awaitable[Change]]
_Permit = Callable[[Seat, Program], None]
# Who asks: a staff member by their user id, or an API key acting for its merchant.
Actor = int | ApiKeyActor


class CounterOperations(ServiceBase):
    """What every balance change at the counter goes through; the use cases bring the rule."""

    async def _counting_failures(self, actor: Actor, work: Awaitable[_T]) -> _T:
        """Run `work`; an unknown card counts against the staff member's look-up budget."""
        try:
            return await work
        except errors.CardNotFound:
            if isinstance(actor, ApiKeyActor):
                await self._record_failed_key_lookup(actor.key_id)
            else:
                await self._record_failed_lookup(actor)
            raise

    async def _operate(
        self,
        actor: Actor,
        card_reference: str,
        idempotency_key: str | None,
        decide: _Decide,
        *,
        permit: _Permit | None = None,
        request: ApiRequest | None = None,
    ) -> Operation:
        request = request or ApiRequest()
        for attempt in (1, 2):
            try:
                return await self._counting_failures(
                    actor,
                    self._operate_once(
                        actor, card_reference, idempotency_key, decide, permit, request
                    ),
                )
            except IntegrityError as clash:
                _refuse_receipt_clash(clash, request)
                if not _key_clash(clash, idempotency_key):
                    raise
                if attempt == 2:  # the twins keep clashing: say so rather than loop
                    raise errors.KeyUsedForAnotherCard() from None
                # The unique index of keys rolled this operation back: a twin with the same key
                # committed its entry after this one looked for it (on PostgreSQL the look-up
                # does not wait for the card's lock; see at_counter). Made again, the operation
                # finds the twin's entry: answered as the twin was, or refused if it was for
                # another card.
        raise AssertionError("the second attempt returns or raises")

    async def _operate_once(
        self,
        actor: Actor,
        card_reference: str,
        idempotency_key: str | None,
        decide: _Decide,
        permit: _Permit | None,
        request: ApiRequest,
    ) -> Operation:
        now = self._clock.now()
        async with self._db.write() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            found = await self._card_at_counter(
                ledger, directory, actor, card_reference, lock=True, key=idempotency_key
            )
            if idempotency_key is not None:
                prior = await prior_entry(ledger, found, idempotency_key)
                if prior is not None:
                    return await self._answered_before(ledger, directory, found, prior, request)
            try:
                store_id, change = await _decided(
                    ledger, directory, found, decide, permit, request, now
                )
            except errors.DomainError:
                # Refused on the card as a twin with the same key left it (it filled the card or
                # started its cooldown) while this one waited for the card's lock: on PostgreSQL
                # the look-up, made before the lock (see at_counter), did not see the twin; it is
                # seen now, and this operation is answered as the twin was. Nothing was written.
                if idempotency_key is None or not self._dialect.locks_rows:
                    raise
                twin = await ledger.entry_by_key(idempotency_key)
                if twin is None:
                    raise
                return await self._answered_before(ledger, directory, found, twin, request)
            return await self._written(
                session, ledger, directory, found, store_id, change, request, idempotency_key, now
            )

    async def _written(
        self,
        session: Session,
        ledger: LedgerRepository,
        directory: DirectoryRepository,
        found: CardAtCounter,
        store_id: int,
        change: Change,
        request: ApiRequest,
        idempotency_key: str | None,
        now: datetime,
    ) -> Operation:
        """The decided change written on the card found and locked: its entry, the first
        visit's bonuses, the notices; answered as the cashier is shown it."""
        seat, card, program = found.seat, found.card, found.program
        first_visit = change.kind.is_earning and card.first_visit_at is None
        timestamps = change.timestamps
        if first_visit:  # the visit is written by the balance's own UPDATE
            timestamps = {**timestamps, "first_visit_at": now}
        entry = await ledger.post(
            card,
            kind=change.kind,
            store_id=store_id,
            staff_user_id=seat.user_id,
            created_at=now,
            stamps_delta=change.stamps_delta,
            points_delta=change.points_delta,
            timestamps=timestamps,
            amount=change.amount,
            reason=change.reason,
            idempotency_key=idempotency_key,
            reward_id=change.reward_id,
            happy_hour_extra=change.happy_hour_extra,
            request_hash=request.request_hash,
            receipt=request.receipt,
        )
        if entry is None:  # the rule checked under the lock; this is the backstop
            raise _shortfall(card, program, change)
        visit = FirstVisit()
        if first_visit:
            visit = await pay_first_visit(
                ledger,
                BonusRepository(session, self._dialect),
                card,
                program,
                store_id=store_id,
                now=now,
            )
        asked = []  # the customer was at the counter: ask about offers once, after the notices
        if change.kind in _VISITS and not found.consent_asked:
            asked = await ask_after_first_visit(
                session, self._dialect, card.merchant_id, card.customer_id, now, card.id
            )
        op = await operation_at_counter(directory, found, entry)
        if visit.bonuses:  # shown with the card as it stands with the bonuses paid
            after = replace(
                op.card, stamp_count=card.stamp_count, points_balance=card.points_balance
            )
            op = replace(op, card=after, bonuses=visit.bonuses)
        # One notice for the visit: the bonuses it paid on this card are told with it, and
        # the customer is told what the cashier is shown.
        bonus_entries = tuple(b.entry_id for b in visit.bonuses)
        effects = after_change(entry.id, card, bonus_entries, operation=op)
        if change.tell_owner is not None:
            owner_id, staff_name = change.tell_owner
            effects.append(StaffCorrected(entry.id, owner_id, staff_name))
        await self._effects.record(session, [*effects, *visit.effects, *asked])
        return op

    async def _answered_before(
        self,
        ledger: LedgerRepository,
        directory: DirectoryRepository,
        found: CardAtCounter,
        prior: LedgerEntry,
        request: ApiRequest,
    ) -> Operation:
        """The operation already made with this key: answered as it was the first time, or
        refused if the key was used for another request or another card."""
        if prior.request_hash != request.request_hash:
            raise errors.KeyUsedForAnotherRequest()
        if prior.card_id != found.card.id:
            raise errors.KeyUsedForAnotherCard()
        return await self._replayed(ledger, directory, found, prior)

    async def _replayed(
        self,
        ledger: LedgerRepository,
        directory: DirectoryRepository,
        found: CardAtCounter,
        prior: LedgerEntry,
    ) -> Operation:
        """The operation `prior` as it was answered the first time: with the bonuses the card's
        first visit paid with it, and the card as it stood after them."""
        op = await operation_at_counter(directory, found, prior, replayed=True)
        if found.card.first_visit_at != prior.created_at:
            return op
        paid = await ledger.first_visit_bonuses(prior)
        if not paid:
            return op
        after = replace(
            op.card,
            stamp_count=paid[-1].stamp_balance_after,
            points_balance=paid[-1].points_balance_after,
        )
        return replace(op, card=after, bonuses=tuple(paid_bonus(e) for e in paid))

    async def _card_at_counter(
        self,
        ledger: LedgerRepository,
        directory: DirectoryRepository,
        actor: Actor,
        card_reference: str,
        *,
        lock: bool = False,
        key: str | None = None,
    ) -> CardAtCounter:
        return await card_at_counter(
            ledger,
            directory,
            self._db.programmes,
            self._dialect,
            actor,
            card_reference,
            lock=lock,
            now=self._clock.now(),
            idempotency_key=key,
        )


async def _decided(
    ledger: LedgerRepository,
    directory: DirectoryRepository,
    found: CardAtCounter,
    decide: _Decide,
    permit: _Permit | None,
    request: ApiRequest,
    now: datetime,
) -> tuple[int, Change]:
    """The store the operation is booked to and the change to make, or the refusal; reads
    only, so a refusal leaves nothing written."""
    seat, card, program = found.seat, found.card, found.program
    if permit is not None:
        permit(seat, program)
    if seat.user_id is not None and card.customer_id == seat.user_id:
        raise errors.OwnCard()
    if request.receipt is not None and await ledger.receipt_used(card.merchant_id, request.receipt):
        raise errors.ReceiptAlreadyUsed(receipt=request.receipt)
    store_id = await _booked_store(directory, found, now)
    return store_id, await decide(found, ledger, now)


def _refuse_receipt_clash(clash: IntegrityError, request: ApiRequest) -> None:
    """Two operations at once on two cards (two locks) with one receipt: the unique index let
    the first commit and rolled the other back, refused as if they came one after the other."""
    if request.receipt is not None and "receipt" in str(clash.orig):
        raise errors.ReceiptAlreadyUsed(receipt=request.receipt) from None


def _key_clash(clash: IntegrityError, idempotency_key: str | None) -> bool:
    """The unique index of idempotency keys refused the operation's entry."""
    return idempotency_key is not None and "idempotency_key" in str(clash.orig)


async def _booked_store(directory: DirectoryRepository, found: CardAtCounter, now: datetime) -> int:
    """The store the operation happens at: the seat's, the café's only one, or the one its
    holder said for today; refused until they say it (the operation waits for one tap)."""
    said = found.said_store(local_day(now, found.program.timezone))
    store_id = booked_store(
        seat_store_id=found.seat.store_id,
        card_store_id=found.card.store_id,
        stores=found.stores,
        cross_location=found.program.cross_location,
        chosen_store_id=None if said is None else said.store_id,
    )
    if store_id is None:
        stores = await directory.stores_of_merchant(found.seat.merchant_id)
        raise errors.StoreOfDayRequired(tuple(StoreChoice(s.id, s.name) for s in stores))
    return store_id


def after_change(
    entry_id: int,
    card: Card,
    bonus_entries: tuple[int, ...] = (),
    *,
    operation: Operation | None = None,
) -> list[Effect]:
    """A balance change is told to the card's holder and shown on its wallet passes.
    `operation`: the notice's operation if the use case has it at hand (see NotifyCustomer)."""
    return [
        NotifyCustomer(
            entry_id=entry_id,
            customer_id=card.customer_id,
            bonus_entries=bonus_entries,
            operation=operation,
        ),
        RefreshWallet(card_id=card.id, cause=str(entry_id)),
    ]


def _shortfall(card: Card, program: Program, change: Change) -> errors.DomainError:
    """The refusal for a change that the conditional UPDATE found would go negative."""
    if change.kind is LedgerKind.CORRECT_STAMPS:
        return errors.CorrectionExceedsBalance(
            stamp_count=card.stamp_count, requested=-change.stamps_delta
        )
    if change.stamps_delta < 0:
        return errors.NotEnoughStamps(
            stamp_count=card.stamp_count, stamps_target=-change.stamps_delta
        )
    return errors.NotEnoughPoints(
        points_balance=card.points_balance, points_needed=-change.points_delta
    )
