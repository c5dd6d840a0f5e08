"""The programme's settings: the /program menu (a button per setting, a choice of common values,
"Other value…" typed in reply to a prompt) and /program set <key> <value>. The menu's screens
are in bot/program_menu.py, a change and the confirmations it may need in
bot/program_changes.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot import program_changes
from bot.context import BotContext
from bot.features.common import PROMPT_TTL, Audience, Command, Feature, Viewer, prompt, reply
from bot.program_changes import change_setting
from bot.program_menu import (
    BACK,
    CHOOSE,
    FROM_MENU,
    OPEN_SETTING,
    OTHER_VALUE,
    menu_tapped,
    open_setting_of,
    show_menu,
    show_setting,
)
from bot.step_kinds import StepKind
from bot.texts import general, setting_registry
from bot.texts import program as program_texts
from bot.texts.commands import usage
from bot.texts.refusals import refusal_text
from domain import errors
from domain.program import SETTING_KEYS, ProgramSettings
from infra import Step, StepState


@dataclass(frozen=True)
class ValueAsked:
    """A value typed in reply to a prompt, for one setting."""

    key: str


VALUE = StepKind("program_value", ValueAsked)


async def program(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/program (the menu), or /program set <key> <value>."""
    args = context.args or []
    if not args:
        settings = await context.service.merchants.program(viewer.user_id)
        await show_menu(update, context, viewer, settings)
        return
    if args[0].lower() != "set" or len(args) < 3:
        await reply(update, usage(viewer.t, "program"))
        return
    await change_setting(update, context, viewer, args[1], " ".join(args[2:]), origin=None)


# --- the menu's buttons and the value prompt ----------------------------------------------


async def _open_setting(
    update: Update, context: BotContext, viewer: Viewer, step_id: int, key: str
) -> None:
    """A setting pressed in the menu: its common values, "Other value…" and Back."""
    tapped = await menu_tapped(update, context, viewer, step_id)
    if tapped is None:
        return
    _, settings = tapped
    if key not in SETTING_KEYS:
        await show_menu(update, context, viewer, settings, edit=True)
        return
    choices = tuple(setting_registry.view_of(key).choices)
    if not choices:  # nothing to pick from (a reward's name): ask for the value at once
        await show_menu(update, context, viewer, settings, edit=True)
        await _ask_value(update, context, viewer, key, settings)
        return
    await show_setting(update, context, viewer, key, choices, settings)


async def _choose(
    update: Update, context: BotContext, viewer: Viewer, step_id: int, index: int
) -> None:
    """One of the offered values: change the setting (asking first where needed)."""
    tapped = await menu_tapped(update, context, viewer, step_id)
    if tapped is None:
        return
    step, settings = tapped
    opened = open_setting_of(step)
    if opened is None or index >= len(opened[1]):
        await show_menu(update, context, viewer, settings, edit=True)
        return
    key, choices = opened
    await change_setting(update, context, viewer, key, choices[index], origin=FROM_MENU)


async def _other_value(update: Update, context: BotContext, viewer: Viewer, step_id: int) -> None:
    """ "Other value…": the menu again, and a prompt whose reply sets this setting."""
    tapped = await menu_tapped(update, context, viewer, step_id)
    if tapped is None:
        return
    step, settings = tapped
    opened = open_setting_of(step)
    await show_menu(update, context, viewer, settings, edit=True)
    if opened is None:
        return
    await _ask_value(update, context, viewer, opened[0], settings)


async def _ask_value(
    update: Update, context: BotContext, viewer: Viewer, key: str, settings: ProgramSettings
) -> None:
    """A prompt whose reply sets `key`; it replaces any older value prompt."""
    asked = await context.infra.steps.open(
        viewer.chat_id,
        VALUE.name,
        payload=VALUE.encode(ValueAsked(key)),
        ttl=PROMPT_TTL,
        supersedes=(VALUE.name,),
    )
    await prompt(
        update,
        context,
        asked,
        program_texts.ask_value(viewer.t, key, settings),
        program_texts.value_placeholder(viewer.t, key),
    )


async def _back(update: Update, context: BotContext, viewer: Viewer, step_id: int) -> None:
    tapped = await menu_tapped(update, context, viewer, step_id)
    if tapped is not None:
        await show_menu(update, context, viewer, tapped[1], edit=True)


async def value_answered(update: Update, context: BotContext, viewer: Viewer, step: Step) -> None:
    """The value typed for one setting. A value that does not fit says why and asks again
    (the prompt stays open)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    asked = VALUE.parse(step)
    if asked is None:  # a step stored in an older shape: answered like an expired question
        await context.infra.steps.close(step.id, StepState.CANCELLED)
        await reply(update, general.question_expired(viewer.t))
        return
    key = asked.key
    try:
        await change_setting(update, context, viewer, key, message.text, origin=FROM_MENU)
    except errors.InvalidSettingValue as wrong:
        again = program_texts.value_again(viewer.t, refusal_text(viewer.t, wrong), key)
        await prompt(update, context, step, again, program_texts.value_placeholder(viewer.t, key))
        return
    except errors.DomainError:
        await context.infra.steps.close(step.id, StepState.CANCELLED)
        raise
    await context.infra.steps.close(step.id)


async def unanswerable_value(
    update: Update, context: BotContext, viewer: Viewer, answered: Step | None
) -> bool:
    """A reply to a value prompt that was replaced, answered or has expired: nothing changes."""
    asked = None if answered is None else VALUE.parse(answered)
    if answered is None or asked is None:
        return False
    state = answered.state(context.service.clock.now())
    await reply(update, program_texts.value_not_applied(viewer.t, state, asked.key))
    return True


FEATURE = Feature(
    name="program",
    commands=(Command("program", Audience.OWNER, program),),
    buttons=(
        (OPEN_SETTING, _open_setting),
        (CHOOSE, _choose),
        (OTHER_VALUE, _other_value),
        (BACK, _back),
        *program_changes.BUTTONS,
    ),
    text_steps={VALUE.name: value_answered},
    text_fallbacks=(unanswerable_value,),
)
