"""The rewards a card offers and which of them it can pay for now.

Today a programme has one stamp reward and one points reward; a ladder of rewards will make
`rewards_of` return more of them, and the counter's Redeem buttons follow without change.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.model import CardView

STAMPS, POINTS = "stamps", "points"


@dataclass(frozen=True)
class Reward:
    ref: str  # what the Redeem button sends back: which reward
    label: str
    cost: int
    affordable: bool


def rewards_of(card: CardView) -> list[Reward]:
    rewards = []
    if card.program_type.has_stamps:
        rewards.append(Reward(STAMPS, card.reward, card.stamps_target, card.stamp_reward_ready))
    if card.program_type.has_points:
        rewards.append(
            Reward(POINTS, card.points_reward_text, card.points_reward, card.points_reward_ready)
        )
    return rewards


def affordable_rewards(card: CardView) -> list[Reward]:
    return [reward for reward in rewards_of(card) if reward.affordable]
