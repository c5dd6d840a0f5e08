"""The rewards a card offers (its reward ladder) and which of them it can pay for now."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import Translator
from bot.texts import webapp as texts
from domain.model import CardView, RewardUnit
from domain.model import Reward as Rung

STAMPS, POINTS = "stamps", "points"


@dataclass(frozen=True)
class Reward:
    ref: str  # what the Redeem button sends back: the ladder's reward id
    label: str  # its name in the reader's language
    cost: int
    affordable: bool
    rung: Rung
    percent: int  # of the way to it, for the progress bar
    have: int  # the stamps or points counted toward it (at most its cost): the "7" of "7/8"


def _ref(rung: Rung) -> str:
    # A snapshot made without the ladder names the programme's single reward by its unit.
    if rung.reward_id:
        return str(rung.reward_id)
    return STAMPS if rung.unit is RewardUnit.STAMPS else POINTS


def rewards_of(card: CardView, language: str) -> list[Reward]:
    """The card's rewards, each named in `language` (the person looking at the page); which
    are ready is the card's own rule (`CardView.affordable`), as the chat's Redeem offers."""
    ready = card.affordable
    rewards = []
    for rung in card.rewards:
        have = min(card.balance_for(rung.unit), rung.cost)
        rewards.append(
            Reward(
                _ref(rung),
                rung.name_in(language),
                rung.cost,
                rung in ready,
                rung,
                min(100, 100 * have // max(rung.cost, 1)),
                have,
            )
        )
    return rewards


def affordable_rewards(card: CardView, language: str) -> list[Reward]:
    return [reward for reward in rewards_of(card, language) if reward.affordable]


def ladder(card: CardView, language: str) -> list[Reward]:
    """The rungs as the page draws them: the ready ones on top (what can be handed over now),
    then the others by unit and cost, as the ladder orders them."""
    rewards = rewards_of(card, language)
    return [r for r in rewards if r.affordable] + [r for r in rewards if not r.affordable]


def ladder_rows(t: Translator, card: CardView) -> list[tuple[Reward, str, str]]:
    """Each reward's bar with its words, as _ladder.html draws them: the name (and "ready"),
    and the count ("7/8", "40/100 points")."""
    return [
        (
            reward,
            texts.rung_label(t, reward.label, reward.affordable),
            texts.rung_count(t, reward.have, reward.cost, reward.rung.unit is RewardUnit.POINTS),
        )
        for reward in ladder(card, t.language)
    ]
