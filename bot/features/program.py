"""The programme's settings: /program and /program set <key> <value>, with the confirmations
that merging duplicate cards and a type that hides balances need."""

from __future__ import annotations

import json

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction, Token
from bot.context import BotContext
from bot.features.common import (
    CONFIRMATION_TTL,
    Audience,
    Command,
    Feature,
    Viewer,
    reply,
    yes_answered,
)
from bot.texts import owner as owner_texts
from bot.texts.commands import usage
from domain import errors

MERGE = "merge"  # step: turn cross-location on, merging each customer's duplicate cards
ANSWER_MERGE = ButtonAction("mg", (int, Token))  # step, "y" or "n"
HIDE_BALANCES = "hide_balances"  # step: a type that hides balances (payload: [key, value])
ANSWER_HIDE = ButtonAction("hb", (int, Token))  # step, "y" or "n"


async def program(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/program, or /program set <key> <value>."""
    args = context.args or []
    if not args:
        settings = await context.service.merchants.program(viewer.user_id)
        await reply(update, owner_texts.program_text(viewer.t, settings))
        return
    if args[0].lower() != "set" or len(args) < 3:
        await reply(update, usage(viewer.t, "program"))
        return
    await _change_setting(update, context, viewer, args[1], " ".join(args[2:]), confirm=False)


async def _change_setting(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    key: str,
    value: str,
    *,
    confirm: bool,
    confirm_hidden: bool = False,
) -> None:
    try:
        change = await context.service.merchants.change_program(
            viewer.user_id,
            key,
            value,
            confirm_merge=confirm,
            confirm_hidden_balances=confirm_hidden,
        )
    except errors.TypeChangeHidesBalances as asked:
        step = await context.infra.steps.open(
            viewer.chat_id,
            HIDE_BALANCES,
            payload=json.dumps([key, value])[:256],
            ttl=CONFIRMATION_TTL,
            supersedes=(HIDE_BALANCES,),
        )
        await reply(
            update,
            owner_texts.hidden_balances_question(viewer.t, asked.cards, asked.hidden),
            keyboards.yes_no_keyboard(
                viewer.t, ANSWER_HIDE.data(step.id, "y"), ANSWER_HIDE.data(step.id, "n")
            ),
        )
        return
    except errors.MergeConfirmationRequired as asked:
        step = await context.infra.steps.open(
            viewer.chat_id, MERGE, ttl=CONFIRMATION_TTL, supersedes=(MERGE,)
        )
        await reply(
            update,
            owner_texts.merge_question(viewer.t, asked.customers),
            keyboards.yes_no_keyboard(
                viewer.t, ANSWER_MERGE.data(step.id, "y"), ANSWER_MERGE.data(step.id, "n")
            ),
        )
        return
    await reply(update, owner_texts.program_changed(viewer.t, key.lower(), change.settings))


async def _answer_merge(
    update: Update, context: BotContext, viewer: Viewer, step_id: int, answer: str
) -> None:
    if await yes_answered(update, context, viewer, step_id, answer, MERGE) is None:
        return
    await _change_setting(update, context, viewer, "cross_location", "on", confirm=True)


async def _answer_hide(
    update: Update, context: BotContext, viewer: Viewer, step_id: int, answer: str
) -> None:
    step = await yes_answered(update, context, viewer, step_id, answer, HIDE_BALANCES)
    if step is None or step.payload is None:
        return
    key, value = json.loads(step.payload)
    await _change_setting(update, context, viewer, key, value, confirm=False, confirm_hidden=True)


FEATURE = Feature(
    name="program",
    commands=(Command("program", Audience.OWNER, program),),
    buttons=((ANSWER_MERGE, _answer_merge), (ANSWER_HIDE, _answer_hide)),
)
