"""The owner's reward ladder: /rewards with buttons to add, rename, change the cost of,
remove and name in other languages (🌐) rewards; `/rewards add <cost> [stamps|points] <name>`,
`/rewards remove <n>` and `/rewards name <n> <language> <name | ->`.

Each prompt (a new reward, a name, a name in a language, a cost) is a pending step bound to
its reward; a wrong answer says what is wrong and keeps the step open. Removing asks first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction, Token
from bot.confirmations import Confirmation
from bot.context import BotContext
from bot.features.common import (
    PROMPT_TTL,
    Audience,
    Command,
    Feature,
    Viewer,
    edit_or_reply,
    prompt,
    reply,
    small_int,
)
from bot.step_kinds import Nothing, P, StepKind
from bot.texts import general
from bot.texts import rewards as texts
from bot.texts.commands import usage
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import Reward, RewardUnit, units_of
from domain.program import LANGUAGES, read_language
from domain.service import Ladder, LadderChange
from infra import Step, StepState


@dataclass(frozen=True)
class NewReward:
    unit: RewardUnit


@dataclass(frozen=True)
class NameIn:
    language: str


# Steps: the answer to a prompt (subject: the reward renamed, re-costed or named), and the
# confirmation of a removal (subject: the reward).
NEW_REWARD = StepKind("reward_new", NewReward)
REWARD_NAME = StepKind("reward_name", Nothing)
REWARD_COST = StepKind("reward_cost", Nothing)
NAME_IN = StepKind("reward_name_in", NameIn)
PROMPTS = tuple(kind.name for kind in (NEW_REWARD, REWARD_NAME, REWARD_COST, NAME_IN))
T = TypeVar("T")
CLEAR_WORD = "-"  # `/rewards name 1 fr -` takes the French name away

ADD = ButtonAction("ra", (Token,))  # unit
RENAME = ButtonAction("rn", (int,))  # reward
COST = ButtonAction("rk", (int,))  # reward
REMOVE = ButtonAction("rm", (int,))  # reward
# The answer carries its step and "y" or "n".
REMOVE_CONFIRMATION = Confirmation(
    StepKind("reward_remove", Nothing), ButtonAction("ry", (int, Token))
)
NAMES = ButtonAction("rt", (int,))  # reward: its names in other languages
NAME_IN_LANGUAGE = ButtonAction("rl", (int, Token))  # reward, language
CLEAR_NAME = ButtonAction("rd", (int, Token))  # reward, language

_UNIT_WORDS = {
    "stamp": RewardUnit.STAMPS,
    "stamps": RewardUnit.STAMPS,
    "point": RewardUnit.POINTS,
    "points": RewardUnit.POINTS,
}


async def rewards(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/rewards, /rewards add <cost> [stamps|points] <name>, /rewards remove <n>."""
    args = context.args or []
    action = args[0].lower() if args else ""
    if not args:
        await _show(update, context, viewer, None)
    elif action == "add" and len(args) >= 3:
        parsed = _cost_unit_name(args[1:])
        if parsed is None:
            await reply(update, usage(viewer.t, "rewards"))
            return
        cost, unit, name = parsed
        change = await context.service.rewards.add(viewer.user_id, cost, name, unit)
        await _show(update, context, viewer, texts.added(viewer.t, change.reward), change.ladder)
    elif action == "remove" and len(args) == 2 and small_int(args[1]) is not None:
        number = small_int(args[1])
        assert number is not None
        reward = await context.service.rewards.reward_at(viewer.user_id, number)
        await _ask_remove(update, context, viewer, reward.reward_id)
    elif action == "name" and len(args) >= 4 and small_int(args[1]) is not None:
        await _name_command(update, context, viewer, args[1:])
    else:
        await reply(update, usage(viewer.t, "rewards"))


def _cost_unit_name(tokens: list[str]) -> tuple[int, RewardUnit | None, str] | None:
    """`15 Free cake`, `15 stamps Free cake`: the cost, the unit if named, the name."""
    if not tokens or small_int(tokens[0]) is None:
        return None
    cost = small_int(tokens[0])
    assert cost is not None
    unit = _UNIT_WORDS.get(tokens[1].lower()) if len(tokens) > 2 else None
    name = " ".join(tokens[2:] if unit is not None else tokens[1:])
    return (cost, unit, name) if name.strip() else None


async def _show(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    head: str | None,
    ladder: Ladder | None = None,
    *,
    edit: bool = False,
) -> None:
    """The ladder with its buttons, under what was just done (if anything)."""
    ladder = ladder or await context.service.rewards.ladder(viewer.user_id)
    text = texts.ladder_text(viewer.t, ladder)
    if head is not None:
        text = f"{head}\n\n{text}"
    ids = [r.reward_id for r in ladder.rewards]
    markup = keyboards.ladder_keyboard(
        viewer.t,
        ladder,
        add={unit: ADD.data(unit.value) for unit in units_of(ladder.program_type)},
        rename={i: RENAME.data(i) for i in ids},
        cost={i: COST.data(i) for i in ids},
        remove={i: REMOVE.data(i) for i in ids},
        names={i: NAMES.data(i) for i in ids},
    )
    if edit:
        await edit_or_reply(update, text, markup)
    else:
        await reply(update, text, markup)


async def _name_command(
    update: Update, context: BotContext, viewer: Viewer, tokens: list[str]
) -> None:
    """`/rewards name <n> <language> <name>`, or `-` for the name to take that name away."""
    number = small_int(tokens[0])
    assert number is not None
    language = read_language(tokens[1])
    name = " ".join(tokens[2:])
    reward = await context.service.rewards.reward_at(viewer.user_id, number)
    await _name_in(update, context, viewer, reward.reward_id, language, name)


async def _name_in(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    reward_id: int,
    language: str,
    name: str,
    *,
    edit: bool = False,
) -> None:
    """Name a reward in a language (`-`: take the name away), then show its names."""
    change = await context.service.rewards.name_in_language(
        viewer.user_id, reward_id, language, _typed_name(name)
    )
    await _show_names(
        update,
        viewer,
        change.reward,
        texts.name_changed(viewer.t, change.reward, language),
        edit=edit,
    )


def _typed_name(text: str) -> str | None:
    """A name as typed for a language; None for `-` (take the name away)."""
    return None if text.strip() == CLEAR_WORD else text


async def _show_names(
    update: Update, viewer: Viewer, reward: Reward, head: str | None, *, edit: bool = False
) -> None:
    """A reward's names in each language, with a button to give or take away each."""
    text = texts.names_text(viewer.t, reward)
    if head is not None:
        text = f"{head}\n\n{text}"
    i = reward.reward_id
    markup = keyboards.reward_names_keyboard(
        {language: NAME_IN_LANGUAGE.data(i, language) for language in LANGUAGES},
        {language: CLEAR_NAME.data(i, language) for language, _ in reward.translations},
    )
    if edit:
        await edit_or_reply(update, text, markup)
    else:
        await reply(update, text, markup)


# --- buttons ------------------------------------------------------------------------------------


async def _add_button(update: Update, context: BotContext, viewer: Viewer, unit: str) -> None:
    if unit not in {u.value for u in RewardUnit}:
        return
    await context.service.rewards.ladder(viewer.user_id)  # refuses anyone but the owner
    step = await _open_prompt(context, viewer, NEW_REWARD, NewReward(RewardUnit(unit)))
    await prompt(
        update,
        context,
        step,
        texts.ask_new_reward(viewer.t, RewardUnit(unit)),
        texts.new_reward_placeholder(viewer.t),
    )


async def _rename_button(
    update: Update, context: BotContext, viewer: Viewer, reward_id: int
) -> None:
    reward = await context.service.rewards.reward(viewer.user_id, reward_id)
    step = await _open_prompt(context, viewer, REWARD_NAME, Nothing(), subject_id=reward_id)
    await prompt(
        update, context, step, texts.ask_name(viewer.t, reward), texts.name_placeholder(viewer.t)
    )


async def _names_button(
    update: Update, context: BotContext, viewer: Viewer, reward_id: int
) -> None:
    reward = await context.service.rewards.reward(viewer.user_id, reward_id)
    await _show_names(update, viewer, reward, None)


async def _name_in_button(
    update: Update, context: BotContext, viewer: Viewer, reward_id: int, language: str
) -> None:
    if language not in LANGUAGES:
        return
    reward = await context.service.rewards.reward(viewer.user_id, reward_id)
    step = await _open_prompt(context, viewer, NAME_IN, NameIn(language), subject_id=reward_id)
    await prompt(
        update,
        context,
        step,
        texts.ask_name_in(viewer.t, reward, language),
        texts.name_in_placeholder(viewer.t, language),
    )


async def _clear_name_button(
    update: Update, context: BotContext, viewer: Viewer, reward_id: int, language: str
) -> None:
    if language not in LANGUAGES:
        return
    await _name_in(update, context, viewer, reward_id, language, CLEAR_WORD, edit=True)


async def _cost_button(update: Update, context: BotContext, viewer: Viewer, reward_id: int) -> None:
    reward = await context.service.rewards.reward(viewer.user_id, reward_id)
    step = await _open_prompt(context, viewer, REWARD_COST, Nothing(), subject_id=reward_id)
    await prompt(
        update, context, step, texts.ask_cost(viewer.t, reward), texts.cost_placeholder(viewer.t)
    )


async def _open_prompt(
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


async def _remove_button(
    update: Update, context: BotContext, viewer: Viewer, reward_id: int
) -> None:
    await _ask_remove(update, context, viewer, reward_id)


async def _ask_remove(update: Update, context: BotContext, viewer: Viewer, reward_id: int) -> None:
    reward = await context.service.rewards.reward(viewer.user_id, reward_id)
    buttons = await REMOVE_CONFIRMATION.ask(context, viewer, Nothing(), subject_id=reward_id)
    await reply(update, texts.remove_question(viewer.t, reward), buttons)


async def _remove_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, _: Nothing
) -> None:
    if step.subject_id is None:
        return
    try:
        change = await context.service.rewards.remove(viewer.user_id, step.subject_id)
    except errors.DomainError as refused:
        await edit_or_reply(update, refusal_text(viewer.t, refused))
        return
    await _show(
        update, context, viewer, texts.removed(viewer.t, change.reward), change.ladder, edit=True
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
    parsed = _cost_unit_name(text.split())
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
            viewer.user_id, reward_id, language, _typed_name(name)
        )

    change = await _answered(update, context, viewer, step, name_in)
    if change is not None:
        await _show_names(
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
        await _show(update, context, viewer, done)


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


FEATURE = Feature(
    name="rewards",
    commands=(Command("rewards", Audience.OWNER, rewards),),
    buttons=(
        (ADD, _add_button),
        (RENAME, _rename_button),
        (COST, _cost_button),
        (REMOVE, _remove_button),
        *REMOVE_CONFIRMATION.buttons(_remove_confirmed),
        (NAMES, _names_button),
        (NAME_IN_LANGUAGE, _name_in_button),
        (CLEAR_NAME, _clear_name_button),
    ),
    text_steps={
        NEW_REWARD.name: _new_reward_answered,
        REWARD_NAME.name: _name_answered,
        REWARD_COST.name: _cost_answered,
        NAME_IN.name: _name_in_answered,
    },
)
