"""The owner's reward ladder: /rewards with buttons to add, rename, change the cost of,
remove and name in other languages (🌐) rewards; `/rewards add <cost> [stamps|points] <name>`,
`/rewards remove <n>` and `/rewards name <n> <language> <name | ->`.

Each prompt (a new reward, a name, a name in a language, a cost) is a pending step bound to
its reward (bot/ladder_prompts.py, with their answers); the ladder on screen is
bot/ladder_screen.py. Removing asks first.
"""

from __future__ import annotations

from telegram import Update

from bot import ladder_prompts
from bot.callbacks import ButtonAction, Token
from bot.confirmations import Confirmation
from bot.context import BotContext
from bot.features.common import (
    Audience,
    Command,
    Feature,
    Viewer,
    edit_or_reply,
    prompt,
    reply,
    small_int,
)
from bot.ladder_prompts import (
    CLEAR_WORD,
    NAME_IN,
    NEW_REWARD,
    REWARD_COST,
    REWARD_NAME,
    NameIn,
    NewReward,
    cost_unit_name,
    open_prompt,
    typed_name,
)
from bot.ladder_screen import (
    ADD,
    CLEAR_NAME,
    COST,
    NAME_IN_LANGUAGE,
    NAMES,
    REMOVE,
    RENAME,
    show_ladder,
    show_names,
)
from bot.step_kinds import Nothing, StepKind
from bot.texts import rewards as texts
from bot.texts.commands import usage
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import RewardUnit
from domain.program import LANGUAGES, read_language
from infra import Step

# The answer carries its step and "y" or "n".
REMOVE_CONFIRMATION = Confirmation(
    StepKind("reward_remove", Nothing), ButtonAction("ry", (int, Token))
)


async def rewards(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/rewards, /rewards add <cost> [stamps|points] <name>, /rewards remove <n>."""
    args = context.args or []
    action = args[0].lower() if args else ""
    if not args:
        await show_ladder(update, context, viewer, None)
    elif action == "add" and len(args) >= 3:
        parsed = cost_unit_name(args[1:])
        if parsed is None:
            await reply(update, usage(viewer.t, "rewards"))
            return
        cost, unit, name = parsed
        change = await context.service.rewards.add(viewer.user_id, cost, name, unit)
        await show_ladder(
            update, context, viewer, texts.added(viewer.t, change.reward), change.ladder
        )
    elif action == "remove" and len(args) == 2 and small_int(args[1]) is not None:
        number = small_int(args[1])
        assert number is not None
        reward = await context.service.rewards.reward_at(viewer.user_id, number)
        await _ask_remove(update, context, viewer, reward.reward_id)
    elif action == "name" and len(args) >= 4 and small_int(args[1]) is not None:
        await _name_command(update, context, viewer, args[1:])
    else:
        await reply(update, usage(viewer.t, "rewards"))


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
        viewer.user_id, reward_id, language, typed_name(name)
    )
    await show_names(
        update,
        viewer,
        change.reward,
        texts.name_changed(viewer.t, change.reward, language),
        edit=edit,
    )


# --- buttons ------------------------------------------------------------------------------------


async def _add_button(update: Update, context: BotContext, viewer: Viewer, unit: str) -> None:
    if unit not in {u.value for u in RewardUnit}:
        return
    await context.service.rewards.ladder(viewer.user_id)  # refuses anyone but the owner
    step = await open_prompt(context, viewer, NEW_REWARD, NewReward(RewardUnit(unit)))
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
    step = await open_prompt(context, viewer, REWARD_NAME, Nothing(), subject_id=reward_id)
    await prompt(
        update, context, step, texts.ask_name(viewer.t, reward), texts.name_placeholder(viewer.t)
    )


async def _names_button(
    update: Update, context: BotContext, viewer: Viewer, reward_id: int
) -> None:
    reward = await context.service.rewards.reward(viewer.user_id, reward_id)
    await show_names(update, viewer, reward, None)


async def _name_in_button(
    update: Update, context: BotContext, viewer: Viewer, reward_id: int, language: str
) -> None:
    if language not in LANGUAGES:
        return
    reward = await context.service.rewards.reward(viewer.user_id, reward_id)
    step = await open_prompt(context, viewer, NAME_IN, NameIn(language), subject_id=reward_id)
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
    step = await open_prompt(context, viewer, REWARD_COST, Nothing(), subject_id=reward_id)
    await prompt(
        update, context, step, texts.ask_cost(viewer.t, reward), texts.cost_placeholder(viewer.t)
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
    await show_ladder(
        update, context, viewer, texts.removed(viewer.t, change.reward), change.ladder, edit=True
    )


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
    text_steps=ladder_prompts.TEXT_STEPS,
)
