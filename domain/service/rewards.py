"""The owner's reward ladder: list, add, rename, name in other languages, change the cost of
and remove rewards.

A programme has 1 to 10 rewards of each unit (stamps, points), ordered by cost. Changing the
ladder never changes a card's balance: a card above the new top reward keeps its stamps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import errors
from domain.db.rewards import RewardRepository, reward_value
from domain.db.tables import Program
from domain.db.tables import Reward as RewardRow
from domain.db.uow import Session
from domain.model import (
    LADDER_MAX_RUNGS,
    ProgramType,
    Reward,
    RewardUnit,
    check_reward_cost,
    clean_reward_name,
    units_of,
)
from domain.program import LANGUAGES
from domain.service.base import ServiceBase, require_owner


@dataclass(frozen=True)
class Ladder:
    """The rewards /rewards lists (the units the programme's type shows), numbered from 1."""

    program_type: ProgramType
    rewards: tuple[Reward, ...]

    def number_of(self, reward_id: int) -> int:
        return next(i for i, r in enumerate(self.rewards, 1) if r.reward_id == reward_id)


@dataclass(frozen=True)
class LadderChange:
    """A change to the ladder: the reward concerned (as it is now, or was, when removed)."""

    ladder: Ladder
    reward: Reward


def default_unit(program_type: ProgramType) -> RewardUnit:
    """The unit a reward is added in when none is named: the one the programme collects
    (points for hybrid, like its bonuses)."""
    return RewardUnit.STAMPS if program_type is ProgramType.STAMPS else RewardUnit.POINTS


async def add_rung(
    rewards: RewardRepository,
    program: Program,
    unit: RewardUnit,
    cost: int,
    name: str,
    now: datetime,
) -> RewardRow:
    check_reward_cost(unit, cost)
    name = clean_reward_name(name)
    same_unit = [r for r in await rewards.rungs(program.merchant_id) if r.unit == unit.value]
    if len(same_unit) >= LADDER_MAX_RUNGS:
        raise errors.LadderFull(unit=unit.value, maximum=LADDER_MAX_RUNGS)
    _refuse_duplicate_cost(same_unit, unit, cost, None)
    row = await rewards.add(program.merchant_id, unit, cost, name, now)
    await rewards.settle()
    return row


def _refuse_duplicate_cost(
    same_unit: list[RewardRow], unit: RewardUnit, cost: int, except_id: int | None
) -> None:
    for other in same_unit:
        if other.cost == cost and other.id != except_id:
            raise errors.DuplicateRewardCost(unit=unit.value, cost=cost, name=other.name)


async def edit_rung(
    rewards: RewardRepository,
    program: Program,
    row: RewardRow,
    *,
    cost: int | None = None,
    name: str | None = None,
) -> None:
    """Rename a rung or change its cost (the ladder re-sorts itself by cost)."""
    unit = RewardUnit(row.unit)
    if cost is not None:
        check_reward_cost(unit, cost)
        same_unit = [r for r in await rewards.rungs(program.merchant_id) if r.unit == row.unit]
        _refuse_duplicate_cost(same_unit, unit, cost, row.id)
        row.cost = cost
    if name is not None:
        row.name = clean_reward_name(name)
    await rewards.settle()


def name_in_language(row: RewardRow, language: str, name: str | None) -> None:
    """Give a rung its name in `language` (checked like the name given), or take it away
    (`name` None): customers reading that language then see the name given."""
    if language not in LANGUAGES:
        raise errors.InvalidSettingValue(key="language", value=language, choices=LANGUAGES)
    names = dict(row.name_translations or {})
    if name is None:
        names.pop(language, None)
    else:
        names[language] = clean_reward_name(name)
    row.name_translations = names  # a new dict: the JSON column sees no change made inside one


class RewardService(ServiceBase):
    """The owner's ladder use cases; each one transaction under the programme's lock."""

    def _rewards(self, session: Session) -> RewardRepository:
        return RewardRepository(session)

    async def ladder(self, owner_id: int) -> Ladder:
        async with self._db.read() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            program = await self._directory(session).program(merchant.id)
            return await _ladder_of(self._rewards(session), program)

    async def add(
        self, owner_id: int, cost: int, name: str, unit: RewardUnit | None = None
    ) -> LadderChange:
        """A new reward; refused beyond 10 of a unit, out of range or at a cost already used."""
        now = self._clock.now()
        async with self._db.write() as session:
            directory, rewards = self._directory(session), self._rewards(session)
            merchant = await require_owner(directory, owner_id)
            program = await directory.program(merchant.id, lock=True)
            chosen = unit or default_unit(ProgramType(program.type))
            row = await add_rung(rewards, program, chosen, cost, name, now)
            return LadderChange(await _ladder_of(rewards, program), reward_value(row))

    async def rename(self, owner_id: int, reward_id: int, name: str) -> LadderChange:
        return await self._edit(owner_id, reward_id, name=name)

    async def change_cost(self, owner_id: int, reward_id: int, cost: int) -> LadderChange:
        return await self._edit(owner_id, reward_id, cost=cost)

    async def name_in_language(
        self, owner_id: int, reward_id: int, language: str, name: str | None
    ) -> LadderChange:
        """The reward's name for customers reading `language`; None takes it away."""
        async with self._db.write() as session:
            directory, rewards = self._directory(session), self._rewards(session)
            merchant = await require_owner(directory, owner_id)
            program = await directory.program(merchant.id, lock=True)
            row = await _current(rewards, merchant.id, reward_id)
            name_in_language(row, language, name)
            await rewards.settle()
            return LadderChange(await _ladder_of(rewards, program), reward_value(row))

    async def _edit(
        self, owner_id: int, reward_id: int, *, cost: int | None = None, name: str | None = None
    ) -> LadderChange:
        async with self._db.write() as session:
            directory, rewards = self._directory(session), self._rewards(session)
            merchant = await require_owner(directory, owner_id)
            program = await directory.program(merchant.id, lock=True)
            row = await _current(rewards, merchant.id, reward_id)
            await edit_rung(rewards, program, row, cost=cost, name=name)
            return LadderChange(await _ladder_of(rewards, program), reward_value(row))

    async def remove(self, owner_id: int, reward_id: int) -> LadderChange:
        """Take a reward off the ladder; balances stay as they are. A unit keeps one reward."""
        now = self._clock.now()
        async with self._db.write() as session:
            directory, rewards = self._directory(session), self._rewards(session)
            merchant = await require_owner(directory, owner_id)
            program = await directory.program(merchant.id, lock=True)
            row = await _current(rewards, merchant.id, reward_id)
            same_unit = [r for r in await rewards.rungs(merchant.id) if r.unit == row.unit]
            if len(same_unit) <= 1:
                raise errors.LastRewardKept(unit=row.unit)
            row.removed_at = now
            await rewards.settle()
            return LadderChange(await _ladder_of(rewards, program), reward_value(row))

    async def reward_at(self, owner_id: int, number: int) -> Reward:
        """The reward at position `number` of /rewards."""
        ladder = await self.ladder(owner_id)
        if not 1 <= number <= len(ladder.rewards):
            raise errors.RewardNotFound(number=number)
        return ladder.rewards[number - 1]

    async def reward(self, owner_id: int, reward_id: int) -> Reward:
        """One of the owner's current rewards (a button's, checked again when it is used)."""
        async with self._db.read() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            return reward_value(await _current(self._rewards(session), merchant.id, reward_id))


async def _current(rewards: RewardRepository, merchant_id: int, reward_id: int) -> RewardRow:
    row = await rewards.get(reward_id)
    if row is None or row.merchant_id != merchant_id or row.removed_at is not None:
        raise errors.RewardNotFound()
    return row


async def _ladder_of(rewards: RewardRepository, program: Program) -> Ladder:
    program_type = ProgramType(program.type)
    shown = {unit.value for unit in units_of(program_type)}
    rows = [r for r in await rewards.rungs(program.merchant_id) if r.unit in shown]
    return Ladder(program_type, tuple(reward_value(r) for r in rows))
