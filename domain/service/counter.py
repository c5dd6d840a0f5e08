"""Use cases at the counter: staff stamp, credit, redeem, void and look up. Undo and
corrections come with the service from `corrections`, the machinery every balance change goes
through from `counter_operations`, the decisions on a card from `counter_rules`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from domain import errors
from domain.apikeys import Scope
from domain.db.bonuses import BonusRepository
from domain.db.counter import entry_and_card
from domain.db.ledger import LedgerRepository
from domain.model import (
    CardView,
    Correction,
    LedgerKind,
    Operation,
    ProgramType,
    Redeemable,
    RewardUnit,
    check_amount,
    check_points,
    check_stamp_allowed,
    check_stamp_count,
    happy_hour_extra,
    is_large_purchase,
    local_day_start,
    points_for_amount,
    stamps_that_fit,
    void_reason,
    voids_whole_balance,
)
from domain.service.base import make_card_view
from domain.service.bonuses import paid_bonus
from domain.service.corrections import Corrections
from domain.service.counter_card import CardAtCounter, operation_from
from domain.service.counter_operations import Actor, ApiRequest, Change
from domain.service.counter_rules import (
    key_may,
    multiplier,
    nothing_affordable,
    reward_change,
    rungs,
)


class CounterService(Corrections):
    """Balance changes made by staff. Each is one transaction: balances, ledger row, key."""

    async def lookup(self, actor: Actor, card_reference: str) -> CardView:
        """The card a staff member typed or scanned, if it is within their reach."""
        key_may(actor, Scope.READ)
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
                reward_change(found.card, found.program, picked, self._clock.now())  # refuses
                return Redeemable(view, (picked,))
            if not view.affordable:
                raise nothing_affordable(view)
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
        key_may(actor, Scope.EARN)
        check_stamp_count(n)

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> Change:
            card, program = found.card, found.program
            if not ProgramType(program.type).has_stamps:
                raise errors.StampsNotInProgram()
            top = max(r.cost for r in rungs(found, RewardUnit.STAMPS))
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
                happy_hour_extra(given, multiplier(program, now)),
                top - card.stamp_count - given,
            )
            return Change(
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
        key_may(actor, Scope.REDEEM)

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> Change:
            card, program = found.card, found.program
            # The ladder holds the merchant's current rewards only: not another's, not removed.
            reward = next((r for r in found.ladder if r.reward_id == reward_id), None)
            if reward is None:
                raise errors.RewardNotFound()
            return reward_change(card, program, reward, now)

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
        key_may(actor, Scope.REDEEM)

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> Change:
            card, program = found.card, found.program
            first = (rungs(found, RewardUnit.STAMPS))[0]
            return reward_change(card, program, first, now)

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
        key_may(actor, Scope.EARN)
        check_amount(amount)  # out of range is refused at once, not asked about
        if is_large_purchase(amount) and not confirmed:
            card = await self.lookup(actor, card_reference)
            raise errors.LargePurchaseUnconfirmed(amount=amount, card_number=card.number)

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> Change:
            program = found.program
            if not ProgramType(program.type).has_points:
                raise errors.PointsNotInProgram()
            points = points_for_amount(amount, program.points_per_euro)
            if points < 1:
                raise errors.NoPointsForAmount(
                    amount=amount, points_per_euro=program.points_per_euro
                )
            extra = happy_hour_extra(points, multiplier(program, now))
            return Change(
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
        key_may(actor, Scope.REDEEM)
        if points is not None:
            check_points(points)

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> Change:
            card, program = found.card, found.program
            if not ProgramType(program.type).has_points:
                raise errors.PointsNotInProgram()
            if points is None:
                first = (rungs(found, RewardUnit.POINTS))[0]
                return reward_change(card, program, first, now)
            needed = points
            if card.points_balance < needed:
                raise errors.NotEnoughPoints(
                    points_balance=card.points_balance, points_needed=needed
                )
            return Change(
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
        cleaned = void_reason(reason)
        if not confirmed:
            card = await self.lookup(actor_id, card_reference)
            if not card.program_type.has_points:
                raise errors.PointsNotInProgram()
            if voids_whole_balance(points, card.points_balance):
                raise errors.WholeBalanceVoidUnconfirmed(
                    points_balance=card.points_balance, card_number=card.number
                )

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> Change:
            card, program = found.card, found.program
            if not ProgramType(program.type).has_points:
                raise errors.PointsNotInProgram()
            removed = min(points, card.points_balance)
            if removed == 0:
                raise errors.NotEnoughPoints(points_balance=0, points_needed=points)
            return Change(LedgerKind.VOID_POINTS, points_delta=-removed, reason=cleaned)

        return await self._operate(actor_id, card_reference, idempotency_key, decide)

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
