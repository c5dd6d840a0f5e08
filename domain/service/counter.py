"""Use cases at the counter: staff stamp, credit, redeem, void, look up and undo."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from domain import errors
from domain.db.ledger import LedgerRepository
from domain.db.tables import Card, Program
from domain.effects import Effect, NotifyCustomer, RefreshWallet
from domain.model import (
    UNDO_WINDOW,
    UNDOABLE_KINDS,
    CardView,
    LedgerKind,
    Operation,
    ProgramType,
    Reversal,
    check_amount,
    check_points,
    check_stamp_allowed,
    check_stamp_count,
    local_day_start,
    points_for_amount,
)
from domain.service.base import (
    ServiceBase,
    card_view,
    operation_result,
    require_staff,
    resolve_card,
    reverse_entry,
)
from domain.service.consent import ask_after_first_visit

REASON_MAX_LENGTH = 200
# Operations that mean the customer was served (a return's void does not count as a visit).
_VISITS = frozenset(
    {
        LedgerKind.STAMP,
        LedgerKind.EARN_POINTS,
        LedgerKind.REDEEM_STAMPS,
        LedgerKind.REDEEM_POINTS,
    }
)


@dataclass(frozen=True)
class _Change:
    """What an operation will do to a card, decided by its rule before anything is written."""

    kind: LedgerKind
    stamps_delta: int = 0
    points_delta: int = 0
    amount: Decimal | None = None
    reason: str | None = None
    timestamps: dict[str, datetime | None] = field(default_factory=dict)


_T = TypeVar("_T")
_Decide = Callable[[Card, Program, LedgerRepository, datetime], Awaitable[_Change]]


class CounterService(ServiceBase):
    """Balance changes made by staff. Each is one transaction: balances, ledger row, key."""

    async def lookup(self, actor_id: int, card_reference: str) -> CardView:
        """The card a staff member typed or scanned, if it is within their reach."""
        return await self._counting_failures(actor_id, self._lookup(actor_id, card_reference))

    async def _lookup(self, actor_id: int, card_reference: str) -> CardView:
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            seat = await require_staff(directory, actor_id)
            card, program = await resolve_card(
                ledger, directory, seat, card_reference, lock=False, now=self._clock.now()
            )
            return await card_view(directory, card, program)

    async def redeemable(
        self, actor_id: int, card_reference: str, points: int | None = None
    ) -> tuple[CardView, LedgerKind]:
        """Which reward a redemption would give now, checked before asking for confirmation.

        Without `points`: the stamp reward of a stamp program, the points reward of a points
        program, and in a hybrid program the stamp reward if it is ready, else the points one.
        """
        if points is not None:
            check_points(points)
        return await self._counting_failures(
            actor_id, self._redeemable(actor_id, card_reference, points)
        )

    async def _redeemable(
        self, actor_id: int, card_reference: str, points: int | None
    ) -> tuple[CardView, LedgerKind]:
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            seat = await require_staff(directory, actor_id)
            card, program = await resolve_card(
                ledger, directory, seat, card_reference, lock=False, now=self._clock.now()
            )
            if card.customer_id == actor_id:
                raise errors.OwnCard()
            view = await card_view(directory, card, program)
            kind = _reward_kind(view, points)
            if kind is LedgerKind.REDEEM_STAMPS and not view.stamp_reward_ready:
                raise errors.NotEnoughStamps(
                    stamp_count=view.stamp_count, stamps_target=view.stamps_target
                )
            needed = view.points_reward if points is None else points
            if kind is LedgerKind.REDEEM_POINTS and view.points_balance < needed:
                raise errors.NotEnoughPoints(
                    points_balance=view.points_balance, points_needed=needed
                )
            return view, kind

    async def stamp(
        self, actor_id: int, card_reference: str, n: int = 1, *, idempotency_key: str | None = None
    ) -> Operation:
        """Give n stamps, unless the cooldown or the daily limit forbids it."""
        check_stamp_count(n)

        async def decide(
            card: Card, program: Program, ledger: LedgerRepository, now: datetime
        ) -> _Change:
            if not ProgramType(program.type).has_stamps:
                raise errors.StampsNotInProgram()
            today = (
                await ledger.stamps_since(card.id, local_day_start(now, program.timezone))
                if program.daily_limit > 0  # 0: no daily limit, nothing to count
                else 0
            )
            check_stamp_allowed(
                n=n,
                last_stamp_at=card.last_stamp_at,
                cooldown_minutes=program.cooldown_minutes,
                daily_limit=program.daily_limit,
                stamps_today=today,
                now=now,
            )
            return _Change(
                LedgerKind.STAMP,
                stamps_delta=n,
                timestamps={"last_stamp_at": now, "last_activity_at": now},
            )

        return await self._operate(actor_id, card_reference, idempotency_key, decide)

    async def redeem_stamps(
        self, actor_id: int, card_reference: str, *, idempotency_key: str | None = None
    ) -> Operation:
        """Exchange a full card for the reward: the target is subtracted, the rest carries over."""

        async def decide(
            card: Card, program: Program, ledger: LedgerRepository, now: datetime
        ) -> _Change:
            if not ProgramType(program.type).has_stamps:
                raise errors.StampsNotInProgram()
            if card.stamp_count < program.stamps_target:
                raise errors.NotEnoughStamps(
                    stamp_count=card.stamp_count, stamps_target=program.stamps_target
                )
            return _Change(
                LedgerKind.REDEEM_STAMPS,
                stamps_delta=-program.stamps_target,
                timestamps={"last_redemption_at": now, "last_activity_at": now},
            )

        return await self._operate(actor_id, card_reference, idempotency_key, decide)

    async def earn_points(
        self,
        actor_id: int,
        card_reference: str,
        amount: Decimal,
        *,
        idempotency_key: str | None = None,
    ) -> Operation:
        """Credit points for a purchase of `amount`: amount × rate, rounded down."""
        check_amount(amount)

        async def decide(
            card: Card, program: Program, ledger: LedgerRepository, now: datetime
        ) -> _Change:
            if not ProgramType(program.type).has_points:
                raise errors.PointsNotInProgram()
            points = points_for_amount(amount, program.points_per_euro)
            if points < 1:
                raise errors.NoPointsForAmount(
                    amount=amount, points_per_euro=program.points_per_euro
                )
            return _Change(
                LedgerKind.EARN_POINTS,
                points_delta=points,
                amount=amount,
                timestamps={"last_points_at": now, "last_activity_at": now},
            )

        return await self._operate(actor_id, card_reference, idempotency_key, decide)

    async def redeem_points(
        self,
        actor_id: int,
        card_reference: str,
        points: int | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> Operation:
        """Spend the program's reward price, or an explicit number of points, from the balance."""
        if points is not None:
            check_points(points)

        async def decide(
            card: Card, program: Program, ledger: LedgerRepository, now: datetime
        ) -> _Change:
            if not ProgramType(program.type).has_points:
                raise errors.PointsNotInProgram()
            needed = program.points_reward if points is None else points
            if card.points_balance < needed:
                raise errors.NotEnoughPoints(
                    points_balance=card.points_balance, points_needed=needed
                )
            return _Change(
                LedgerKind.REDEEM_POINTS,
                points_delta=-needed,
                timestamps={"last_redemption_at": now, "last_activity_at": now},
            )

        return await self._operate(actor_id, card_reference, idempotency_key, decide)

    async def void_points(
        self,
        actor_id: int,
        card_reference: str,
        points: int,
        reason: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> Operation:
        """Take back points after a return; clamped at the balance, the reason is kept."""
        check_points(points)
        cleaned = " ".join((reason or "").split())[:REASON_MAX_LENGTH] or None

        async def decide(
            card: Card, program: Program, ledger: LedgerRepository, now: datetime
        ) -> _Change:
            if not ProgramType(program.type).has_points:
                raise errors.PointsNotInProgram()
            removed = min(points, card.points_balance)
            if removed == 0:
                raise errors.NotEnoughPoints(points_balance=0, points_needed=points)
            return _Change(LedgerKind.VOID_POINTS, points_delta=-removed, reason=cleaned)

        return await self._operate(actor_id, card_reference, idempotency_key, decide)

    async def operation_of(self, entry_id: int) -> Operation:
        """A ledger entry as its notice shows it (for the outbox's dispatcher)."""
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            entry = await ledger.entry(entry_id)
            if entry is None:
                raise errors.EntryNotFound()
            return await operation_result(ledger, directory, entry)

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
                    window_minutes=int(UNDO_WINDOW.total_seconds() // 60), done_at=entry.created_at
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

    async def _counting_failures(self, actor_id: int, work: Awaitable[_T]) -> _T:
        """Run `work`; an unknown card counts against the staff member's look-up budget."""
        try:
            return await work
        except errors.CardNotFound:
            await self._record_failed_lookup(actor_id)
            raise

    async def _operate(
        self, actor_id: int, card_reference: str, idempotency_key: str | None, decide: _Decide
    ) -> Operation:
        return await self._counting_failures(
            actor_id, self._operate_once(actor_id, card_reference, idempotency_key, decide)
        )

    async def _operate_once(
        self, actor_id: int, card_reference: str, idempotency_key: str | None, decide: _Decide
    ) -> Operation:
        now = self._clock.now()
        async with self._db.write() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            seat = await require_staff(directory, actor_id)
            card, program = await resolve_card(
                ledger, directory, seat, card_reference, lock=True, now=now
            )
            # Checked under the card's lock, so a duplicate delivered concurrently waits and
            # then finds the first one's row.
            if idempotency_key is not None:
                prior = await ledger.entry_by_key(idempotency_key)
                if prior is not None:
                    return await operation_result(
                        ledger, directory, prior, replayed=True, card=card, program=program
                    )
            if card.customer_id == actor_id:
                raise errors.OwnCard()
            change = await decide(card, program, ledger, now)
            entry = await ledger.post(
                card,
                kind=change.kind,
                store_id=seat.store_id if seat.store_id is not None else card.store_id,
                staff_user_id=actor_id,
                created_at=now,
                stamps_delta=change.stamps_delta,
                points_delta=change.points_delta,
                timestamps=change.timestamps,
                amount=change.amount,
                reason=change.reason,
                idempotency_key=idempotency_key,
            )
            if entry is None:  # the rule checked under the lock; this is the backstop
                raise _shortfall(card, program, change)
            effects = _after_change(entry.id, card)
            if change.kind in _VISITS:  # the customer was at the counter: ask about offers once
                effects += await ask_after_first_visit(
                    session, self._dialect, card.merchant_id, card.customer_id, now
                )
            await self._effects.record(session, effects)
            return await operation_result(ledger, directory, entry, card=card, program=program)


def _after_change(entry_id: int, card: Card) -> list[Effect]:
    """A balance change is told to the card's holder and shown on its wallet passes."""
    return [
        NotifyCustomer(entry_id=entry_id, customer_id=card.customer_id),
        RefreshWallet(card_id=card.id, cause=str(entry_id)),
    ]


def _shortfall(card: Card, program: Program, change: _Change) -> errors.DomainError:
    """The refusal for a change that the conditional UPDATE found would go negative."""
    if change.stamps_delta < 0:
        return errors.NotEnoughStamps(
            stamp_count=card.stamp_count, stamps_target=program.stamps_target
        )
    return errors.NotEnoughPoints(
        points_balance=card.points_balance, points_needed=-change.points_delta
    )


def _reward_kind(card: CardView, points: int | None) -> LedgerKind:
    if points is not None:
        if not card.program_type.has_points:
            raise errors.PointsNotInProgram()
        return LedgerKind.REDEEM_POINTS
    if card.program_type is ProgramType.STAMPS:
        return LedgerKind.REDEEM_STAMPS
    if card.program_type is ProgramType.POINTS:
        return LedgerKind.REDEEM_POINTS
    return (
        LedgerKind.REDEEM_STAMPS
        if card.stamp_reward_ready or not card.points_reward_ready
        else LedgerKind.REDEEM_POINTS
    )
