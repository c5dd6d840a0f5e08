"""The counter's decisions on a card and its programme: which rewards it can take, what a
redemption changes, what a happy hour adds, who may correct and how far, what a key may do."""

from __future__ import annotations

from datetime import datetime

from domain import errors
from domain.apikeys import ApiKeyActor, Scope
from domain.db.ledger import LedgerRepository
from domain.db.tables import Card, Program
from domain.happy_hours import happy_hours_of
from domain.model import CardView, LedgerKind, ProgramType, Reward, RewardUnit, StaffRole
from domain.service.base import Seat
from domain.service.counter_card import CardAtCounter
from domain.service.counter_operations import Actor, Change


def key_may(actor: Actor, scope: Scope) -> None:
    """An API key does at the counter only what its scopes allow."""
    if isinstance(actor, ApiKeyActor):
        actor.require(scope)


def rungs(found: CardAtCounter, unit: RewardUnit) -> list[Reward]:
    """The programme's rewards of one unit, by cost (a programme always has one of each)."""
    return [r for r in found.ladder if r.unit is unit]


def reward_change(card: Card, program: Program, reward: Reward, now: datetime) -> Change:
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
    return Change(
        LedgerKind.REDEEM_REWARD,
        stamps_delta=stamps,
        points_delta=points,
        timestamps={"last_redemption_at": now, "last_activity_at": now},
        reward_id=reward.reward_id,
    )


def nothing_affordable(card: CardView) -> errors.DomainError:
    """The refusal when no reward is ready: the stamps one first, as the card shows it."""
    if card.program_type.has_stamps and (
        not card.program_type.has_points or card.stamps_to_reward <= card.points_to_reward
    ):
        return errors.NotEnoughStamps(
            stamp_count=card.stamp_count, stamps_target=card.first_reward(RewardUnit.STAMPS).cost
        )
    return errors.NotEnoughPoints(
        points_balance=card.points_balance, points_needed=card.first_reward(RewardUnit.POINTS).cost
    )


def multiplier(program: Program, now: datetime) -> int:
    """The happy-hour multiplier in force at `now` in the merchant's timezone (1: none)."""
    if program.happy_hour is None:
        return 1
    return happy_hours_of(program.happy_hour).multiplier_at(now, program.timezone)


async def check_added_back(ledger: LedgerRepository, found: CardAtCounter, delta: int) -> None:
    """Stamps added back by a correction are bounded: never past the top reward; a cashier
    adds back only what corrections and undos took off this card (the owner decides beyond)."""
    if delta <= 0:
        return
    card = found.card
    if found.seat.role != StaffRole.OWNER.value:
        most = await ledger.stamps_taken_back(card.id)
        if delta > most:
            raise errors.CorrectionNotJustified(most=most)
    top = max(r.cost for r in rungs(found, RewardUnit.STAMPS))
    if card.stamp_count + delta > top:
        raise errors.CorrectionAboveTopReward(top=top, stamp_count=card.stamp_count)


def may_correct(seat: Seat, program: Program) -> None:
    """The owner corrects stamps; staff only when the owner allows it."""
    if seat.role != StaffRole.OWNER.value and not program.staff_corrections:
        raise errors.CorrectionNotAllowed()
