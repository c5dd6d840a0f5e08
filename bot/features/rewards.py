"""The owner's reward ladder: /rewards with buttons to add, rename, change the cost of and
remove rewards; `/rewards add <cost> [stamps|points] <name>` and `/rewards remove <n>`.

Each prompt (a new reward, a name, a cost) is a pending step bound to its reward; a wrong
answer says what is wrong and keeps the step open. Removing asks first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction, Token
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
    yes_answered,
    yes_no_step,
)
from bot.texts import rewards as texts
from bot.texts.commands import usage
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import RewardUnit, units_of
from domain.service import Ladder
from infra import Step

# Steps: the answer to a prompt (payload: the unit of a new reward; subject: the reward
# renamed or re-costed), and the confirmation of a removal (subject: the reward).
NEW_REWARD, REWARD_NAME, REWARD_COST, REMOVE_REWARD = (
    "reward_new",
    "reward_name",
    "reward_cost",
    "reward_remove",
)
PROMPTS = (NEW_REWARD, REWARD_NAME, REWARD_COST)

ADD = ButtonAction("ra", (Token,))  # unit
RENAME = ButtonAction("rn", (int,))  # reward
COST = ButtonAction("rk", (int,))  # reward
REMOVE = ButtonAction("rm", (int,))  # reward
ANSWER_REMOVE = ButtonAction("ry", (int, Token))  # step, "y" or "n"

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
    step = await _open_prompt(context, viewer, NEW_REWARD, payload=unit)
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
    step = await _open_prompt(context, viewer, REWARD_NAME, subject_id=reward_id)
    await prompt(
        update, context, step, texts.ask_name(viewer.t, reward), texts.name_placeholder(viewer.t)
    )


async def _cost_button(update: Update, context: BotContext, viewer: Viewer, reward_id: int) -> None:
    reward = await context.service.rewards.reward(viewer.user_id, reward_id)
    step = await _open_prompt(context, viewer, REWARD_COST, subject_id=reward_id)
    await prompt(
        update, context, step, texts.ask_cost(viewer.t, reward), texts.cost_placeholder(viewer.t)
    )


async def _open_prompt(
    context: BotContext,
    viewer: Viewer,
    kind: str,
    *,
    subject_id: int | None = None,
    payload: str | None = None,
) -> Step:
    return await context.infra.steps.open(
        viewer.chat_id,
        kind,
        subject_id=subject_id,
        payload=payload,
        ttl=PROMPT_TTL,
        supersedes=PROMPTS,
    )


async def _remove_button(
    update: Update, context: BotContext, viewer: Viewer, reward_id: int
) -> None:
    await _ask_remove(update, context, viewer, reward_id)


async def _ask_remove(update: Update, context: BotContext, viewer: Viewer, reward_id: int) -> None:
    reward = await context.service.rewards.reward(viewer.user_id, reward_id)
    buttons = await yes_no_step(context, viewer, REMOVE_REWARD, ANSWER_REMOVE, subject_id=reward_id)
    await reply(update, texts.remove_question(viewer.t, reward), buttons)


async def _answer_remove(
    update: Update, context: BotContext, viewer: Viewer, step_id: int, answer: str
) -> None:
    step = await yes_answered(update, context, viewer, step_id, answer, REMOVE_REWARD)
    if step is None or step.subject_id is None:
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
    unit = RewardUnit(step.payload or RewardUnit.STAMPS.value)
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
    """Run the change an answer asks for: a fixable mistake asks again (the step stays
    open); any other refusal closes the step; success shows the ladder."""
    try:
        done = await work()
    except _CORRECTABLE as wrong:
        await _again(update, context, viewer, step, refusal_text(viewer.t, wrong))
        return
    except errors.DomainError:
        await context.infra.steps.close(step.id, "cancelled")
        raise
    await context.infra.steps.close(step.id)
    await _show(update, context, viewer, done)


async def _again(
    update: Update, context: BotContext, viewer: Viewer, step: Step, problem: str
) -> None:
    placeholder = {
        NEW_REWARD: texts.new_reward_placeholder,
        REWARD_NAME: texts.name_placeholder,
        REWARD_COST: texts.cost_placeholder,
    }[step.kind](viewer.t)
    await prompt(update, context, step, texts.try_again(viewer.t, problem), placeholder)


FEATURE = Feature(
    name="rewards",
    commands=(Command("rewards", Audience.OWNER, rewards),),
    buttons=(
        (ADD, _add_button),
        (RENAME, _rename_button),
        (COST, _cost_button),
        (REMOVE, _remove_button),
        (ANSWER_REMOVE, _answer_remove),
    ),
    text_steps={
        NEW_REWARD: _new_reward_answered,
        REWARD_NAME: _name_answered,
        REWARD_COST: _cost_answered,
    },
)
