"""The programme's settings: the /program menu (a button per setting, a choice of common values,
"Other value…" typed in reply to a prompt), /program set <key> <value>, and the confirmations
that merging duplicate cards and a type that hides balances need, whichever way they came.

Each screen of the menu is a step: a tap closes the step of the screen it was on (a double tap
acts once) and the next screen opens a new one, so any worker, after any restart, knows what a
tap means. A tap on an older screen changes nothing and shows the menu as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction, Token
from bot.confirmations import Confirmation
from bot.context import BotContext
from bot.features.common import (
    CONFIRMATION_TTL,
    PROMPT_TTL,
    Audience,
    Command,
    Feature,
    Viewer,
    edit_or_reply,
    prompt,
    reply,
)
from bot.step_kinds import StepKind, StepPayloadTooLong
from bot.texts import bonuses as bonus_texts
from bot.texts import general, setting_registry
from bot.texts import owner as owner_texts
from bot.texts import program as program_texts
from bot.texts.commands import usage
from bot.texts.refusals import refusal_text
from domain import errors
from domain.program import SETTING_KEYS, ProgramSettings, keys_for
from infra import Step, StepState

FROM_MENU = "menu"  # a confirmation asked for a change made in the menu: show the menu after


@dataclass(frozen=True)
class MergeChange:
    """Cross-location turned on, merging each customer's duplicate cards, waiting for Yes;
    `origin` FROM_MENU or None."""

    origin: str | None


@dataclass(frozen=True)
class HiddenBalancesChange:
    """A type change that hides balances, waiting for Yes; `origin` FROM_MENU or None."""

    key: str
    value: str
    origin: str | None


@dataclass(frozen=True)
class PastMidnightChange:
    """Happy hours ending the next day, waiting for Yes; `origin` FROM_MENU or None."""

    value: str
    origin: str | None


@dataclass(frozen=True)
class MenuScreen:
    """The menu screen on show: the menu itself (`key` None), or one setting and the values
    its buttons offer, by index."""

    key: str | None
    choices: tuple[str, ...]


@dataclass(frozen=True)
class ValueAsked:
    """A value typed in reply to a prompt, for one setting."""

    key: str


MENU = StepKind("program_menu", MenuScreen)
VALUE = StepKind("program_value", ValueAsked)
MERGE = StepKind("merge", MergeChange)
HIDE_BALANCES = StepKind("hide_balances", HiddenBalancesChange)
PAST_MIDNIGHT = StepKind("past_midnight", PastMidnightChange)

OPEN_SETTING = ButtonAction("ps", (int, Token))  # menu step, setting key
CHOOSE = ButtonAction("pv", (int, int))  # setting step, index of the value it offers
OTHER_VALUE = ButtonAction("po", (int,))  # setting step
BACK = ButtonAction("pb", (int,))  # setting step


async def program(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/program (the menu), or /program set <key> <value>."""
    args = context.args or []
    if not args:
        settings = await context.service.merchants.program(viewer.user_id)
        await _show_menu(update, context, viewer, settings)
        return
    if args[0].lower() != "set" or len(args) < 3:
        await reply(update, usage(viewer.t, "program"))
        return
    await _change_setting(update, context, viewer, args[1], " ".join(args[2:]), origin=None)


# --- the menu's screens ---------------------------------------------------------------------


async def _show_menu(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    settings: ProgramSettings,
    note: str | None = None,
    *,
    edit: bool = False,
) -> None:
    """The menu: a button per setting with its value; it replaces any older menu screen."""
    step = await context.infra.steps.open(
        viewer.chat_id,
        MENU.name,
        payload=MENU.encode(MenuScreen(None, ())),
        ttl=CONFIRMATION_TTL,
        supersedes=(MENU.name,),
    )
    t = viewer.t
    markup = keyboards.program_menu_keyboard(
        [
            (program_texts.menu_button(t, key, settings), OPEN_SETTING.data(step.id, key))
            for key in keys_for(settings.type)
        ]
    )
    text = program_texts.menu_text(t, note)
    if edit:
        await edit_or_reply(update, text, markup)
    else:
        await reply(update, text, markup)


async def _tapped(
    update: Update, context: BotContext, viewer: Viewer, step_id: int
) -> tuple[Step, ProgramSettings] | None:
    """The menu screen a tap came from, closed by this tap, and the settings now. None when
    the tap is not to be acted on: a second tap of the same button (nothing to do) or a tap
    on an older screen (the menu is shown again as it is now)."""
    settings = await context.service.merchants.program(viewer.user_id)  # owners only
    steps = context.infra.steps
    step = await steps.get(viewer.chat_id, step_id)
    if step is not None and step.kind == MENU.name and await steps.close(step.id):
        return step, settings
    again = None if step is None else await steps.get(viewer.chat_id, step.id)
    if again is not None and again.kind == MENU.name and again.closed_as is StepState.DONE:
        return None  # the first tap already answered, on this same message
    await _show_menu(
        update, context, viewer, settings, program_texts.menu_out_of_date(viewer.t), edit=True
    )
    return None


def _open_setting_of(step: Step) -> tuple[str, tuple[str, ...]] | None:
    """The setting a menu step's screen shows, None on the menu itself (or an unreadable step,
    which then shows the menu as it is now)."""
    screen = MENU.parse(step)
    if screen is None or screen.key is None or screen.key not in SETTING_KEYS:
        return None
    return screen.key, screen.choices


async def _open_setting(
    update: Update, context: BotContext, viewer: Viewer, step_id: int, key: str
) -> None:
    """A setting pressed in the menu: its common values, "Other value…" and Back."""
    tapped = await _tapped(update, context, viewer, step_id)
    if tapped is None:
        return
    _, settings = tapped
    if key not in SETTING_KEYS:
        await _show_menu(update, context, viewer, settings, edit=True)
        return
    t = viewer.t
    choices = list(setting_registry.view_of(key).choices)
    if not choices:  # nothing to pick from (a reward's name): ask for the value at once
        await _show_menu(update, context, viewer, settings, edit=True)
        await _ask_value(update, context, viewer, key, settings)
        return
    step = await context.infra.steps.open(
        viewer.chat_id,
        MENU.name,
        payload=MENU.encode(MenuScreen(key, tuple(choices))),
        ttl=CONFIRMATION_TTL,
        supersedes=(MENU.name,),
    )
    buttons = [
        ("✓ " + choice.text if choice.chosen else choice.text, CHOOSE.data(step.id, index))
        for index, choice in enumerate(program_texts.choices_of(t, key, settings))
    ]
    await edit_or_reply(
        update,
        program_texts.setting_screen(t, key, settings),
        keyboards.program_choices_keyboard(
            t, buttons, OTHER_VALUE.data(step.id), BACK.data(step.id)
        ),
    )


async def _choose(
    update: Update, context: BotContext, viewer: Viewer, step_id: int, index: int
) -> None:
    """One of the offered values: change the setting (asking first where needed)."""
    tapped = await _tapped(update, context, viewer, step_id)
    if tapped is None:
        return
    step, settings = tapped
    opened = _open_setting_of(step)
    if opened is None or index >= len(opened[1]):
        await _show_menu(update, context, viewer, settings, edit=True)
        return
    key, choices = opened
    await _change_setting(update, context, viewer, key, choices[index], origin=FROM_MENU)


async def _other_value(update: Update, context: BotContext, viewer: Viewer, step_id: int) -> None:
    """ "Other value…": the menu again, and a prompt whose reply sets this setting."""
    tapped = await _tapped(update, context, viewer, step_id)
    if tapped is None:
        return
    step, settings = tapped
    opened = _open_setting_of(step)
    await _show_menu(update, context, viewer, settings, edit=True)
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
    tapped = await _tapped(update, context, viewer, step_id)
    if tapped is not None:
        await _show_menu(update, context, viewer, tapped[1], edit=True)


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
        await _change_setting(update, context, viewer, key, message.text, origin=FROM_MENU)
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


# --- changing a setting -----------------------------------------------------------------------


async def _change_setting(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    key: str,
    value: str,
    *,
    origin: str | None,
    confirm: bool = False,
    confirm_hidden: bool = False,
    confirm_past_midnight: bool = False,
) -> None:
    """Change one setting, or ask first; `origin` FROM_MENU shows the menu after the change,
    else the one-line confirmation of /program set."""
    edit = origin == FROM_MENU and update.callback_query is not None
    try:
        await _change_or_ask(
            update,
            context,
            viewer,
            key,
            value,
            origin,
            confirm=confirm,
            confirm_hidden=confirm_hidden,
            confirm_past_midnight=confirm_past_midnight,
            edit=edit,
        )
    except StepPayloadTooLong:  # nothing changed, nothing asked
        await reply(update, program_texts.value_too_long_to_confirm(viewer.t))


async def _change_or_ask(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    key: str,
    value: str,
    origin: str | None,
    *,
    confirm: bool,
    confirm_hidden: bool,
    confirm_past_midnight: bool,
    edit: bool,
) -> None:
    try:
        change = await context.service.merchants.change_program(
            viewer.user_id,
            key,
            value,
            confirm_merge=confirm,
            confirm_hidden_balances=confirm_hidden,
            confirm_past_midnight=confirm_past_midnight,
        )
    except errors.HappyHourPastMidnight as asked:
        question = bonus_texts.past_midnight_question(viewer.t, asked.window, asked.minutes)
        answer = PastMidnightChange(value, origin)
        buttons = await PAST_MIDNIGHT_CONFIRMATION.ask(context, viewer, answer)
        await _ask(update, question, buttons, edit=edit)
        return
    except errors.TypeChangeHidesBalances as asked:
        question = owner_texts.hidden_balances_question(viewer.t, asked.cards, asked.hidden)
        answer_hide = HiddenBalancesChange(key, value, origin)
        buttons = await HIDE_CONFIRMATION.ask(context, viewer, answer_hide)
        await _ask(update, question, buttons, edit=edit)
        return
    except errors.MergeConfirmationRequired as asked:
        question = owner_texts.merge_question(viewer.t, asked.customers)
        buttons = await MERGE_CONFIRMATION.ask(context, viewer, MergeChange(origin))
        await _ask(update, question, buttons, edit=edit)
        return
    if key.strip().lower() == "type":  # the owner's menu: only the commands of the new type
        await context.menus.refresh(viewer.chat_id, viewer.user_id, viewer.t)
    if origin == FROM_MENU:
        note = program_texts.saved(viewer.t, key.lower(), change.settings)
        await _show_menu(update, context, viewer, change.settings, note, edit=edit)
    else:
        await reply(update, owner_texts.program_changed(viewer.t, key.lower(), change.settings))


async def _ask(
    update: Update, text: str, markup: keyboards.InlineKeyboardMarkup, *, edit: bool
) -> None:
    if edit:
        await edit_or_reply(update, text, markup)
    else:
        await reply(update, text, markup)


# --- the confirmations a change may need --------------------------------------------------------


async def _declined(update: Update, context: BotContext, viewer: Viewer, step: Step | None) -> None:
    """No: for a change made in the menu, the menu again; else "Cancelled"."""
    if step is None or _origin(step) != FROM_MENU:
        await edit_or_reply(update, general.change_declined(viewer.t))
        return
    settings = await context.service.merchants.program(viewer.user_id)
    await _show_menu(
        update, context, viewer, settings, general.change_declined(viewer.t), edit=True
    )


def _origin(step: Step) -> str | None:
    """Where the change a confirmation step asks about came from."""
    merge = MERGE.parse(step)
    hide = HIDE_BALANCES.parse(step)
    past_midnight = PAST_MIDNIGHT.parse(step)
    asked = merge or hide or past_midnight
    return None if asked is None else asked.origin


async def _merge_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, change: MergeChange
) -> None:
    await _change_setting(
        update, context, viewer, "cross_location", "on", origin=change.origin, confirm=True
    )


async def _hide_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, change: HiddenBalancesChange
) -> None:
    await _change_setting(
        update, context, viewer, change.key, change.value, origin=change.origin, confirm_hidden=True
    )


async def _past_midnight_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, change: PastMidnightChange
) -> None:
    await _change_setting(
        update,
        context,
        viewer,
        "happy_hour",
        change.value,
        origin=change.origin,
        confirm_past_midnight=True,
    )


MERGE_CONFIRMATION = Confirmation(MERGE, ButtonAction("mg", (int, Token)), declined=_declined)
HIDE_CONFIRMATION = Confirmation(
    HIDE_BALANCES, ButtonAction("hb", (int, Token)), declined=_declined
)
PAST_MIDNIGHT_CONFIRMATION = Confirmation(
    PAST_MIDNIGHT, ButtonAction("hm", (int, Token)), declined=_declined
)


FEATURE = Feature(
    name="program",
    commands=(Command("program", Audience.OWNER, program),),
    buttons=(
        (OPEN_SETTING, _open_setting),
        (CHOOSE, _choose),
        (OTHER_VALUE, _other_value),
        (BACK, _back),
        *MERGE_CONFIRMATION.buttons(_merge_confirmed),
        *HIDE_CONFIRMATION.buttons(_hide_confirmed),
        *PAST_MIDNIGHT_CONFIRMATION.buttons(_past_midnight_confirmed),
    ),
    text_steps={VALUE.name: value_answered},
    text_fallbacks=(unanswerable_value,),
)
