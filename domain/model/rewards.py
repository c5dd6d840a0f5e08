"""Programme types and the reward ladder: rungs, their units and costs, and the rules of both."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from domain import errors
from domain.model.counter import POINTS_RANGE

LADDER_MAX_RUNGS = 10  # rewards per unit (stamps, points) of one programme
REWARD_NAME_MAX_LENGTH = 100


class ProgramType(StrEnum):
    STAMPS = "stamps"
    POINTS = "points"
    HYBRID = "hybrid"

    @property
    def has_stamps(self) -> bool:
        return self is not ProgramType.POINTS

    @property
    def has_points(self) -> bool:
        return self is not ProgramType.STAMPS


class RewardUnit(StrEnum):
    """What a reward costs: stamps or points."""

    STAMPS = "stamps"
    POINTS = "points"

    @property
    def cost_range(self) -> tuple[int, int]:
        return (1, 50) if self is RewardUnit.STAMPS else POINTS_RANGE


@dataclass(frozen=True)
class Reward:
    """One rung of a programme's reward ladder."""

    reward_id: int
    unit: RewardUnit
    cost: int
    name: str  # the name given, in whichever language the owner wrote it
    # The owner's names for it in other languages, (language, name) by language.
    translations: tuple[tuple[str, str], ...] = ()

    def name_in(self, language: str | None) -> str:
        """The name a person reading `language` sees: the owner's name in that language,
        else the name given. Every screen, notice, image and pass asks this."""
        return dict(self.translations).get(language or "", self.name)

    def translation(self, language: str) -> str | None:
        """The owner's name in `language`, if they gave one."""
        return dict(self.translations).get(language)


class Rung(Protocol):
    """A rung as a value (Reward) or as its row carries it."""

    @property
    def unit(self) -> str: ...

    @property
    def cost(self) -> int: ...


RungT = TypeVar("RungT", bound=Rung)


def first_rung(rungs: Iterable[RungT], unit: RewardUnit) -> RungT:
    """A unit's first reward: its cheapest rung. It is what the settings `stamps_target` and
    `reward` (`points_reward` and `points_reward_text`) read and change; a programme always
    has one of each unit, and two current rungs of a unit never cost the same."""
    return min((r for r in rungs if r.unit == unit), key=lambda r: r.cost)


def rewards_reached(rewards: Iterable[Reward], before: int, after: int) -> list[Reward]:
    """The rewards a balance going from `before` to `after` made ready: out of reach before,
    reached now. What the customer is told, and what the webhooks' `reward.ready` says."""
    return [reward for reward in rewards if before < reward.cost <= after]


def units_of(program_type: ProgramType) -> tuple[RewardUnit, ...]:
    """The ladders a programme of this type shows: stamps, points, or both."""
    units = []
    if program_type.has_stamps:
        units.append(RewardUnit.STAMPS)
    if program_type.has_points:
        units.append(RewardUnit.POINTS)
    return tuple(units)


def check_reward_cost(unit: RewardUnit, cost: int) -> None:
    low, high = unit.cost_range
    if not low <= cost <= high:
        raise errors.InvalidRewardCost(unit=unit.value, minimum=low, maximum=high)


def clean_reward_name(raw: str) -> str:
    """A reward's name: trimmed, single-spaced, 1 to 100 printable characters."""
    name = " ".join(raw.split())
    if not name or len(name) > REWARD_NAME_MAX_LENGTH or not name.isprintable():
        raise errors.InvalidRewardName(max_length=REWARD_NAME_MAX_LENGTH)
    return name


def reward_translations(names: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """A reward's names in other languages as the value carries them: by language, so two
    snapshots of the same names compare equal."""
    return tuple(sorted(names.items()))


def stamps_that_fit(n: int, stamp_count: int, top_cost: int) -> int:
    """How many of n stamps a card takes: stamps collect up to the top rung's cost, then the
    card must be redeemed first."""
    if stamp_count >= top_cost:
        raise errors.RewardReadyRedeemFirst(stamp_count=stamp_count, top_cost=top_cost)
    return min(n, top_cost - stamp_count)
