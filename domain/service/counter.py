"""Use cases at the counter: staff stamp, credit, redeem, void, look up, undo and correct."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from domain import errors
from domain.apikeys import ApiKeyActor, Scope
from domain.db.bonuses import BonusRepository
from domain.db.counter import entry_and_card
from domain.db.directory import DirectoryRepository
from domain.db.ledger import LedgerRepository
from domain.db.tables import Card, LedgerEntry, Program
from domain.db.uow import IntegrityError
from domain.effects import Effect, NotifyCustomer, RefreshWallet, StaffCorrected
from domain.happy_hours import happy_hours_of
from domain.model import (
    UNDO_WINDOW,
    UNDO_WINDOW_MINUTES,
    UNDOABLE_KINDS,
    CardView,
    Correction,
    LedgerKind,
    Operation,
    ProgramType,
    Redeemable,
    Reversal,
    Reward,
    RewardUnit,
    StaffRole,
    check_amount,
    check_correction,
    check_correction_balance,
    check_points,
    check_stamp_allowed,
    check_stamp_count,
    clean_reason,
    happy_hour_extra,
    is_large_purchase,
    local_day_start,
    points_for_amount,
    stamps_that_fit,
    voids_whole_balance,
)
from domain.service.base import (
    Seat,
    ServiceBase,
    make_card_view,
    operation_result,
    require_staff,
    reverse_entry,
)
from domain.service.bonuses import FirstVisit, paid_bonus, pay_first_visit
from domain.service.consent import ask_after_first_visit
from domain.service.counter_card import (
    CardAtCounter,
    card_at_counter,
    operation_at_counter,
    operation_from,
    prior_entry,
)
from domain.store_of_day import StoreChoice, booked_store, local_day

REASON_MAX_LENGTH = 200
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
class _Change:
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
_Decide = Callable[[CardAtCounter, LedgerRepository, datetime], Awaitable[_Change]]
_Permit = Callable[[Seat, Program], None]
# Who asks: a staff member by their user id, or an API key acting for its merchant.
Actor = int | ApiKeyActor


async def _check_added_back(ledger: LedgerRepository, found: CardAtCounter, delta: int) -> None:
    """Stamps added back by a correction are bounded: never past the top reward; a cashier
    adds back only what corrections and undos took off this card (the owner decides beyond)."""
    if delta <= 0:
        return
    card = found.card
    if found.seat.role != StaffRole.OWNER.value:
        most = await ledger.stamps_taken_back(card.id)
        if delta > most:
            raise errors.CorrectionNotJustified(most=most)
    top = max(r.cost for r in _rungs(found, RewardUnit.STAMPS))
    if card.stamp_count + delta > top:
        raise errors.CorrectionAboveTopReward(top=top, stamp_count=card.stamp_count)


def _may_correct(seat: Seat, program: Program) -> None:
    """The owner corrects stamps; staff only when the owner allows it."""
    if seat.role != StaffRole.OWNER.value and not program.staff_corrections:
        raise errors.CorrectionNotAllowed()


class CounterService(ServiceBase):
    """Balance changes made by staff. Each is one transaction: balances, ledger row, key."""

    async def lookup(self, actor: Actor, card_reference: str) -> CardView:
        """The card a staff member typed or scanned, if it is within their reach."""
        _key_may(actor, Scope.READ)
        return await self._counting_failures(actor, self._lookup(actor, card_reference))

    async def _lookup(self, actor: Actor, card_reference: str) -> CardView:
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            found = await self._card_at_counter(ledger, directory, actor, card_reference)
            view = found.view()
            correction = await ledger.last_correction(found.card.id)
            if correction is None:
                return view
            return replace(
                view,
                last_correction=Correction(
                    stamps_delta=correction.stamps_delta,
                    reason=correction.reason,
                    created_at=correction.created_at,
                ),
            )

    async def redeemable(
        self,
        actor_id: int,
        card_reference: str,
        points: int | None = None,
        reward_id: int | None = None,
    ) -> Redeemable:
        """What a redemption can give now, checked before asking for confirmation: every
        affordable reward of the ladder, the one reward picked (refused as `redeem_reward`
        would refuse it), or an explicit number of points."""
        if points is not None:
            check_points(points)
        return await self._counting_failures(
            actor_id, self._redeemable(actor_id, card_reference, points, reward_id)
        )

    async def _redeemable(
        self, actor_id: int, card_reference: str, points: int | None, reward_id: int | None
    ) -> Redeemable:
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            found = await self._card_at_counter(ledger, directory, actor_id, card_reference)
            if found.card.customer_id == actor_id:
                raise errors.OwnCard()
            view = found.view()
            if points is not None:
                if not view.program_type.has_points:
                    raise errors.PointsNotInProgram()
                if view.points_balance < points:
                    raise errors.NotEnoughPoints(
                        points_balance=view.points_balance, points_needed=points
                    )
                return Redeemable(view, ())
            if reward_id is not None:
                picked = next((r for r in found.ladder if r.reward_id == reward_id), None)
                if picked is None:
                    raise errors.RewardNotFound()
                _reward_change(found.card, found.program, picked, self._clock.now())  # refuses
                return Redeemable(view, (picked,))
            if not view.affordable:
                raise _nothing_affordable(view)
            return Redeemable(view, view.affordable)

    async def stamp(
        self,
        actor: Actor,
        card_reference: str,
        n: int = 1,
        *,
        idempotency_key: str | None = None,
        request: ApiRequest | None = None,
    ) -> Operation:
        """Give n stamps, unless the cooldown or the daily limit forbids it."""
        _key_may(actor, Scope.EARN)
        check_stamp_count(n)

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> _Change:
            card, program = found.card, found.program
            if not ProgramType(program.type).has_stamps:
                raise errors.StampsNotInProgram()
            top = max(r.cost for r in _rungs(found, RewardUnit.STAMPS))
            given = stamps_that_fit(n, card.stamp_count, top)
            today = (
                await ledger.stamps_since(card.id, local_day_start(now, program.timezone))
                if program.daily_limit > 0  # 0: no daily limit, nothing to count
                else 0
            )
            # The daily limit counts what cashiers entered, not what happy hours added: it
            # guards against stamping too often, while the multiplier is the merchant's gift
            # (a happy-hour visit would otherwise use up two of the day's stamps).
            check_stamp_allowed(
                n=given,
                last_stamp_at=card.last_stamp_at,
                cooldown_minutes=program.cooldown_minutes,
                daily_limit=program.daily_limit,
                stamps_today=today,
                now=now,
            )
            # A happy hour multiplies what the card takes, and the extra still stops at the top
            # reward's cost (the card holds no more than that).
            extra = min(
                happy_hour_extra(given, _multiplier(program, now)),
                top - card.stamp_count - given,
            )
            return _Change(
                LedgerKind.STAMP,
                stamps_delta=given + extra,
                timestamps={"last_stamp_at": now, "last_activity_at": now},
                happy_hour_extra=extra,
            )

        return await self._operate(actor, card_reference, idempotency_key, decide, request=request)

    async def redeem_reward(
        self,
        actor: Actor,
        card_reference: str,
        reward_id: int,
        *,
        idempotency_key: str | None = None,
        request: ApiRequest | None = None,
    ) -> Operation:
        """Exchange stamps or points for one reward of the ladder: its cost is subtracted, the
        rest stays on the card. One ledger row, naming the reward."""
        _key_may(actor, Scope.REDEEM)

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> _Change:
            card, program = found.card, found.program
            # The ladder holds the merchant's current rewards only: not another's, not removed.
            reward = next((r for r in found.ladder if r.reward_id == reward_id), None)
            if reward is None:
                raise errors.RewardNotFound()
            return _reward_change(card, program, reward, now)

        return await self._operate(actor, card_reference, idempotency_key, decide, request=request)

    async def redeem_stamps(
        self,
        actor: Actor,
        card_reference: str,
        *,
        idempotency_key: str | None = None,
        request: ApiRequest | None = None,
    ) -> Operation:
        """Redeem the first (cheapest) stamp reward of the ladder."""
        _key_may(actor, Scope.REDEEM)

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> _Change:
            card, program = found.card, found.program
            first = (_rungs(found, RewardUnit.STAMPS))[0]
            return _reward_change(card, program, first, now)

        return await self._operate(actor, card_reference, idempotency_key, decide, request=request)

    async def earn_points(
        self,
        actor: Actor,
        card_reference: str,
        amount: Decimal,
        *,
        confirmed: bool = False,
        idempotency_key: str | None = None,
        request: ApiRequest | None = None,
    ) -> Operation:
        """Credit points for a purchase of `amount`: amount × rate, rounded down. A large
        purchase is refused until `confirmed` (LargePurchaseUnconfirmed names the card)."""
        _key_may(actor, Scope.EARN)
        check_amount(amount)  # out of range is refused at once, not asked about
        if is_large_purchase(amount) and not confirmed:
            card = await self.lookup(actor, card_reference)
            raise errors.LargePurchaseUnconfirmed(amount=amount, card_number=card.number)

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> _Change:
            program = found.program
            if not ProgramType(program.type).has_points:
                raise errors.PointsNotInProgram()
            points = points_for_amount(amount, program.points_per_euro)
            if points < 1:
                raise errors.NoPointsForAmount(
                    amount=amount, points_per_euro=program.points_per_euro
                )
            extra = happy_hour_extra(points, _multiplier(program, now))
            return _Change(
                LedgerKind.EARN_POINTS,
                points_delta=points + extra,
                amount=amount,
                timestamps={"last_points_at": now, "last_activity_at": now},
                happy_hour_extra=extra,
            )

        return await self._operate(actor, card_reference, idempotency_key, decide, request=request)

    async def redeem_points(
        self,
        actor: Actor,
        card_reference: str,
        points: int | None = None,
        *,
        idempotency_key: str | None = None,
        request: ApiRequest | None = None,
    ) -> Operation:
        """Spend an explicit number of points from the balance; without one, redeem the first
        (cheapest) points reward of the ladder."""
        _key_may(actor, Scope.REDEEM)
        if points is not None:
            check_points(points)

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> _Change:
            card, program = found.card, found.program
            if not ProgramType(program.type).has_points:
                raise errors.PointsNotInProgram()
            if points is None:
                first = (_rungs(found, RewardUnit.POINTS))[0]
                return _reward_change(card, program, first, now)
            needed = points
            if card.points_balance < needed:
                raise errors.NotEnoughPoints(
                    points_balance=card.points_balance, points_needed=needed
                )
            return _Change(
                LedgerKind.REDEEM_POINTS,
                points_delta=-needed,
                timestamps={"last_redemption_at": now, "last_activity_at": now},
            )

        return await self._operate(actor, card_reference, idempotency_key, decide, request=request)

    async def void_points(
        self,
        actor_id: int,
        card_reference: str,
        points: int,
        reason: str | None = None,
        *,
        confirmed: bool = False,
        idempotency_key: str | None = None,
    ) -> Operation:
        """Take back points after a return; clamped at the balance, the reason is kept. A void
        of the whole balance is refused until `confirmed` (WholeBalanceVoidUnconfirmed)."""
        check_points(points)
        cleaned = " ".join((reason or "").split())[:REASON_MAX_LENGTH] or None
        if not confirmed:
            card = await self.lookup(actor_id, card_reference)
            if not card.program_type.has_points:
                raise errors.PointsNotInProgram()
            if voids_whole_balance(points, card.points_balance):
                raise errors.WholeBalanceVoidUnconfirmed(
                    points_balance=card.points_balance, card_number=card.number
                )

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> _Change:
            card, program = found.card, found.program
            if not ProgramType(program.type).has_points:
                raise errors.PointsNotInProgram()
            removed = min(points, card.points_balance)
            if removed == 0:
                raise errors.NotEnoughPoints(points_balance=0, points_needed=points)
            return _Change(LedgerKind.VOID_POINTS, points_delta=-removed, reason=cleaned)

        return await self._operate(actor_id, card_reference, idempotency_key, decide)

    async def correction_preview(
        self, actor_id: int, card_reference: str, stamps_delta: int, reason: str
    ) -> CardView:
        """The card a correction would change, checked before asking for confirmation: the
        actor may correct, the reason and the count are valid, the card has the stamps."""
        check_correction(stamps_delta)
        clean_reason(reason)
        return await self._counting_failures(
            actor_id, self._correction_preview(actor_id, card_reference, stamps_delta)
        )

    async def _correction_preview(
        self, actor_id: int, card_reference: str, stamps_delta: int
    ) -> CardView:
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            found = await self._card_at_counter(ledger, directory, actor_id, card_reference)
            _may_correct(found.seat, found.program)
            if found.card.customer_id == actor_id:
                raise errors.OwnCard()
            if not ProgramType(found.program.type).has_stamps:
                raise errors.StampsNotInProgram()
            check_correction_balance(stamps_delta, found.card.stamp_count)
            await _check_added_back(ledger, found, stamps_delta)
            return found.view()

    async def correct_stamps(
        self,
        actor_id: int,
        card_reference: str,
        stamps_delta: int,
        reason: str,
        *,
        idempotency_key: str | None = None,
    ) -> Operation:
        """Take stamps off a card (negative) or add them back (positive) with a reason: a
        compensating entry for a mistake found after the undo window.

        The owner may always; staff only with staff_corrections on. A correction cannot take
        more stamps than the card has. It moves the balance only: the lifetime counters keep
        what happened at the counter, and the cooldown and the daily limit do not apply.
        """
        check_correction(stamps_delta)
        cleaned = clean_reason(reason)

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> _Change:
            card, program, seat = found.card, found.program, found.seat
            if not ProgramType(program.type).has_stamps:
                raise errors.StampsNotInProgram()
            check_correction_balance(stamps_delta, card.stamp_count)
            await _check_added_back(ledger, found, stamps_delta)
            tell = None
            if seat.role != StaffRole.OWNER.value:  # the owner hears of a cashier's correction
                assert seat.user_id is not None  # corrections are made by people (int actor)
                staff = await self._directory(ledger.session).user(seat.user_id)
                name = (staff.first_name if staff is not None else None) or str(seat.user_id)
                tell = (found.merchant.owner_user_id, name)
            return _Change(
                LedgerKind.CORRECT_STAMPS,
                stamps_delta=stamps_delta,
                reason=cleaned,
                tell_owner=tell,
            )

        return await self._operate(
            actor_id, card_reference, idempotency_key, decide, permit=_may_correct
        )

    async def operation_of(self, entry_id: int, bonus_entries: Sequence[int] = ()) -> Operation:
        """A ledger entry as its notice shows it (for the outbox's dispatcher), with the
        bonuses the same operation paid on the card and the card as it stood after them."""
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            found = await entry_and_card(session, entry_id)
            if found is None:
                raise errors.EntryNotFound()
            entry, card = found.entry, found.card
            programme = await self._db.programmes.get(
                session, card.merchant_id, found.programme_version
            )
            view = make_card_view(
                card, programme.program, found.merchant, found.store, programme.ladder
            )
            op = await operation_from(
                directory, entry, view, found.customer, programme.ladder, found.entry_store_name
            )
            paid = [e for e in [await ledger.entry(i) for i in bonus_entries] if e is not None]
            if paid:
                last = paid[-1]
                after = replace(
                    op.card,
                    stamp_count=last.stamp_balance_after,
                    points_balance=last.points_balance_after,
                )
                bonuses = tuple(paid_bonus(e) for e in paid)
                op = replace(op, card=after, bonuses=bonuses)
            if op.kind is LedgerKind.REFERRAL:
                side = await BonusRepository(session, self._dialect).referral_side(entry.id)
                op = replace(op, referral_side=side)
            return op

    async def undo(self, actor_id: int) -> Reversal:
        """Reverse the staff member's own last operation, within the undo window."""
        now = self._clock.now()
        async with self._db.write() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            seat = await require_staff(directory, actor_id)
            entry = await ledger.last_entry_by_staff(actor_id)
            if (
                entry is None
                or entry.merchant_id != seat.merchant_id
                or LedgerKind(entry.kind) not in UNDOABLE_KINDS
                or await ledger.is_reversed(entry.id)
            ):
                raise errors.NothingToUndo()
            if now - entry.created_at > UNDO_WINDOW:
                raise errors.UndoWindowExpired(
                    window_minutes=UNDO_WINDOW_MINUTES,
                    done_at=entry.created_at,
                    stamps=entry.stamps_delta != 0,
                )
            reversal = await reverse_entry(
                ledger, entry, kind=LedgerKind.UNDO, staff_user_id=actor_id, now=now
            )
            card = await ledger.card_by_id(entry.card_id)
            assert card is not None
            await self._effects.record(session, _after_change(reversal.id, card))
            return Reversal(
                reversed_kind=LedgerKind(entry.kind),
                operation=await operation_result(ledger, directory, reversal),
            )

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
        try:
            return await self._counting_failures(
                actor,
                self._operate_once(actor, card_reference, idempotency_key, decide, permit, request),
            )
        except IntegrityError as clash:
            # Two operations at once on two cards (two locks) with one receipt or one key: the
            # unique indexes let the first commit and roll the other back, refused as if they
            # had come one after the other.
            text = str(clash.orig)
            if request.receipt is not None and "receipt" in text:
                raise errors.ReceiptAlreadyUsed(receipt=request.receipt) from None
            if idempotency_key is not None and "idempotency_key" in text:
                raise errors.KeyUsedForAnotherCard() from None
            raise

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
            seat, card, program = found.seat, found.card, found.program
            # Checked under the card's lock, so a duplicate delivered concurrently waits and
            # then finds the first one's row.
            if idempotency_key is not None:
                prior = await prior_entry(ledger, found, idempotency_key)
                if prior is not None and prior.request_hash != request.request_hash:
                    raise errors.KeyUsedForAnotherRequest()
                if prior is not None and prior.card_id != card.id:
                    raise errors.KeyUsedForAnotherCard()
                if prior is not None:
                    return await self._replayed(ledger, directory, found, prior)
            if permit is not None:
                permit(seat, program)
            if seat.user_id is not None and card.customer_id == seat.user_id:
                raise errors.OwnCard()
            if request.receipt is not None and await ledger.receipt_used(
                card.merchant_id, request.receipt
            ):
                raise errors.ReceiptAlreadyUsed(receipt=request.receipt)
            store_id = await _booked_store(directory, found, now)
            change = await decide(found, ledger, now)
            entry = await ledger.post(
                card,
                kind=change.kind,
                store_id=store_id,
                staff_user_id=seat.user_id,
                created_at=now,
                stamps_delta=change.stamps_delta,
                points_delta=change.points_delta,
                timestamps=change.timestamps,
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
            if change.kind.is_earning and card.first_visit_at is None:
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
            # One notice for the visit: the bonuses it paid on this card are told with it.
            effects = _after_change(entry.id, card, tuple(b.entry_id for b in visit.bonuses))
            if change.tell_owner is not None:
                owner_id, staff_name = change.tell_owner
                effects.append(StaffCorrected(entry.id, owner_id, staff_name))
            await self._effects.record(session, [*effects, *visit.effects, *asked])
            op = await operation_at_counter(directory, found, entry)
            if not visit.bonuses:
                return op
            # The cashier sees the card as it stands with the bonuses paid.
            after = replace(
                op.card, stamp_count=card.stamp_count, points_balance=card.points_balance
            )
            return replace(op, card=after, bonuses=visit.bonuses)

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


def _key_may(actor: Actor, scope: Scope) -> None:
    """An API key does at the counter only what its scopes allow."""
    if isinstance(actor, ApiKeyActor):
        actor.require(scope)


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


def _multiplier(program: Program, now: datetime) -> int:
    """The happy-hour multiplier in force at `now` in the merchant's timezone (1: none)."""
    if program.happy_hour is None:
        return 1
    return happy_hours_of(program.happy_hour).multiplier_at(now, program.timezone)


def _after_change(entry_id: int, card: Card, bonus_entries: tuple[int, ...] = ()) -> list[Effect]:
    """A balance change is told to the card's holder and shown on its wallet passes."""
    return [
        NotifyCustomer(
            entry_id=entry_id, customer_id=card.customer_id, bonus_entries=bonus_entries
        ),
        RefreshWallet(card_id=card.id, cause=str(entry_id)),
    ]


def _shortfall(card: Card, program: Program, change: _Change) -> errors.DomainError:
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


def _rungs(found: CardAtCounter, unit: RewardUnit) -> list[Reward]:
    """The programme's rewards of one unit, by cost (a programme always has one of each)."""
    return [r for r in found.ladder if r.unit is unit]


def _reward_change(card: Card, program: Program, reward: Reward, now: datetime) -> _Change:
    """Redeeming `reward`: refused when the programme does not collect its unit or the card
    cannot afford it (checked under the card's lock)."""
    program_type = ProgramType(program.type)
    if reward.unit is RewardUnit.STAMPS:
        if not program_type.has_stamps:
            raise errors.StampsNotInProgram()
        if card.stamp_count < reward.cost:
            raise errors.NotEnoughStamps(stamp_count=card.stamp_count, stamps_target=reward.cost)
        stamps, points = -reward.cost, 0
    else:
        if not program_type.has_points:
            raise errors.PointsNotInProgram()
        if card.points_balance < reward.cost:
            raise errors.NotEnoughPoints(
                points_balance=card.points_balance, points_needed=reward.cost
            )
        stamps, points = 0, -reward.cost
    return _Change(
        LedgerKind.REDEEM_REWARD,
        stamps_delta=stamps,
        points_delta=points,
        timestamps={"last_redemption_at": now, "last_activity_at": now},
        reward_id=reward.reward_id,
    )


def _nothing_affordable(card: CardView) -> errors.DomainError:
    """The refusal when no reward is ready: the stamps one first, as the card shows it."""
    if card.program_type.has_stamps and (
        not card.program_type.has_points or card.stamps_to_reward <= card.points_to_reward
    ):
        return errors.NotEnoughStamps(
            stamp_count=card.stamp_count, stamps_target=card.stamp_rewards[0].cost
        )
    return errors.NotEnoughPoints(
        points_balance=card.points_balance, points_needed=card.points_rewards[0].cost
    )
