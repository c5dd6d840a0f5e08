"""The ladder's prompts: a new reward, a name, a name in a language, a cost, each a pending
step bound to its reward, and their answers. A wrong answer says what is wrong and keeps the
step open; a change made shows the ladder under what was done."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram import Update

from bot.context import BotContext
from bot.features.common import PROMPT_TTL, StepHandler, Viewer, prompt, reply, small_int
from bot.ladder_screen import show_ladder, show_names
from bot.step_kinds import Nothing, P, StepKind
from bot.texts import general
from bot.texts import rewards as texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import RewardUnit
from domain.program import LANGUAGES
from domain.service import LadderChange
from infra import Step, StepState


@dataclass(frozen=True)
class NewReward:
    unit: RewardUnit


@dataclass(frozen=True)
class NameIn:
    language: str


# The answer to a prompt (subject: the reward renamed, re-costed or named; none for a new one).
NEW_REWARD = StepKind("reward_new", NewReward)
REWARD_NAME = StepKind("reward_name", Nothing)
REWARD_COST = StepKind("reward_cost", Nothing)
NAME_IN = StepKind("reward_name_in", NameIn)
PROMPTS = tuple(kind.name for kind in (NEW_REWARD, REWARD_NAME, REWARD_COST, NAME_IN))
T = TypeVar("T")
CLEAR_WORD = "-"  # `/rewards name 1 fr -` takes the French name away

_UNIT_WORDS = {
    "stamp": RewardUnit.STAMPS,
    "stamps": RewardUnit.STAMPS,
    "point": RewardUnit.POINTS,
    "points": RewardUnit.POINTS,
}


def cost_unit_name(tokens: list[str]) -> tuple[int, RewardUnit | None, str] | None:
    """`15 Free cake`, `15 stamps Free cake`: the cost, the unit if named, the name."""
    if not tokens or small_int(tokens[0]) is None:
        return None
    cost = small_int(tokens[0])
    assert cost is not None
    unit = _UNIT_WORDS.get(tokens[1].lower()) if len(tokens) > 2 else None
    name = " ".join(tokens[2:] if unit is not None else tokens[1:])
    return (cost, unit, name) if name.strip() else None


def typed_name(text: str) -> str | None:
    """A name as typed for a language; None for `-` (take the name away)."""
    return None if text.strip() == CLEAR_WORD else text


async def open_prompt(
    context: BotContext,
    viewer: Viewer,
    kind: StepKind[P],
    payload: P,
    *,
    subject_id: int | None = None,
) -> Step:
    return await context.infra.steps.open(
        viewer.chat_id,
        kind.name,
        subject_id=subject_id,
        payload=kind.encode(payload),
        ttl=PROMPT_TTL,
        supersedes=PROMPTS,
    )


# --- answers to the prompts ---------------------------------------------------------------------


async def _new_reward_answered(
    update: Update, context: BotContext, viewer: Viewer, step: Step
) -> None:
    text = _answer(update)
    asked = NEW_REWARD.parse(step)
    if asked is None:
        await _expired(update, context, viewer, step)
        return
    unit = asked.unit
    parsed = cost_unit_name(text.split())
    if parsed is None or (parsed[1] is not None and parsed[1] is not unit):
        await _again(update, context, viewer, step, texts.unreadable_new_reward(viewer.t))
        return
    cost, _, name = parsed
    await _carry_out(update, context, viewer, step, lambda: _add(context, viewer, cost, name, unit))


async def _add(context: BotContext, viewer: Viewer, cost: int, name: str, unit: RewardUnit) -> str:
    change = await context.service.rewards.add(viewer.user_id, cost, name, unit)
    return texts.added(viewer.t, change.reward)


async def _name_answered(update: Update, context: BotContext, viewer: Viewer, step: Step) -> None:
    assert step.subject_id is not None
    reward_id, name = step.subject_id, _answer(update)

    async def rename() -> str:
        change = await context.service.rewards.rename(viewer.user_id, reward_id, name)
        return texts.renamed(viewer.t, change.reward)

    await _carry_out(update, context, viewer, step, rename)


async def _name_in_answered(
    update: Update, context: BotContext, viewer: Viewer, step: Step
) -> None:
    asked = NAME_IN.parse(step)
    if step.subject_id is None or asked is None or asked.language not in LANGUAGES:
        await _expired(update, context, viewer, step)
        return
    reward_id, language, name = step.subject_id, asked.language, _answer(update)

    async def name_in() -> LadderChange:
        return await context.service.rewards.name_in_language(
            viewer.user_id, reward_id, language, typed_name(name)
        )

    change = await _answered(update, context, viewer, step, name_in)
    if change is not None:
        await show_names(
            update, viewer, change.reward, texts.name_changed(viewer.t, change.reward, language)
        )


async def _cost_answered(update: Update, context: BotContext, viewer: Viewer, step: Step) -> None:
    assert step.subject_id is not None
    reward_id, cost = step.subject_id, small_int(_answer(update).strip())
    if cost is None:
        await _again(update, context, viewer, step, texts.unreadable_cost(viewer.t))
        return

    async def change_cost() -> str:
        change = await context.service.rewards.change_cost(viewer.user_id, reward_id, cost)
        return texts.cost_changed(viewer.t, change.reward)

    await _carry_out(update, context, viewer, step, change_cost)


def _answer(update: Update) -> str:
    message = update.effective_message
    assert message is not None and message.text is not None
    return message.text


_CORRECTABLE = (
    errors.InvalidRewardCost,
    errors.InvalidRewardName,
    errors.DuplicateRewardCost,
)


async def _carry_out(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    step: Step,
    work: Callable[[], Awaitable[str]],
) -> None:
    """Run the change an answer asks for (see `_answered`); success shows the ladder under
    what was done."""
    done = await _answered(update, context, viewer, step, work)
    if done is not None:
        await show_ladder(update, context, viewer, done)


async def _answered(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    step: Step,
    work: Callable[[], Awaitable[T]],
) -> T | None:
    """Run the change an answer asks for: a fixable mistake asks again (the step stays
    open; None); any other refusal closes the step; success closes it and returns the result."""
    try:
        done = await work()
    except _CORRECTABLE as wrong:
        await _again(update, context, viewer, step, refusal_text(viewer.t, wrong))
        return None
    except errors.DomainError:
        await context.infra.steps.close(step.id, StepState.CANCELLED)
        raise
    await context.infra.steps.close(step.id)
    return done


async def _again(
    update: Update, context: BotContext, viewer: Viewer, step: Step, problem: str
) -> None:
    name_in = NAME_IN.parse(step)
    if name_in is not None:
        placeholder = texts.name_in_placeholder(viewer.t, name_in.language)
    else:
        placeholder = {
            NEW_REWARD.name: texts.new_reward_placeholder,
            REWARD_NAME.name: texts.name_placeholder,
            REWARD_COST.name: texts.cost_placeholder,
        }[step.kind](viewer.t)
    await prompt(update, context, step, texts.try_again(viewer.t, problem), placeholder)


async def _expired(update: Update, context: BotContext, viewer: Viewer, step: Step) -> None:
    """An answer to a prompt kept in a shape this version no longer reads."""
    await context.infra.steps.close(step.id, StepState.CANCELLED)
    await reply(update, general.question_expired(viewer.t))


TEXT_STEPS: dict[str, StepHandler] = {
    NEW_REWARD.name: _new_reward_answered,
    REWARD_NAME.name: _name_answered,
    REWARD_COST.name: _cost_answered,
    NAME_IN.name: _name_in_answered,
}
