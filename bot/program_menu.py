"""The /program menu's screens: the menu (a button per setting with its value) and one
setting's screen (its common values, "Other value…", Back).

Each screen is a step: a tap closes the step of the screen it was on (a double tap acts once)
and the next screen opens a new one, so any worker, after any restart, knows what a tap means.
A tap on an older screen changes nothing and shows the menu as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction, Token
from bot.context import BotContext
from bot.features.common import CONFIRMATION_TTL, Viewer, edit_or_reply, reply
from bot.step_kinds import StepKind
from bot.texts import program as program_texts
from domain.program import SETTING_KEYS, ProgramSettings, keys_for
from infra import Step, StepState

FROM_MENU = "menu"  # a confirmation asked for a change made in the menu: show the menu after


@dataclass(frozen=True)
class MenuScreen:
    """The menu screen on show: the menu itself (`key` None), or one setting and the values
    its buttons offer, by index."""

    key: str | None
    choices: tuple[str, ...]


MENU = StepKind("program_menu", MenuScreen)

OPEN_SETTING = ButtonAction("ps", (int, Token))  # menu step, setting key
CHOOSE = ButtonAction("pv", (int, int))  # setting step, index of the value it offers
OTHER_VALUE = ButtonAction("po", (int,))  # setting step
BACK = ButtonAction("pb", (int,))  # setting step


async def show_menu(
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


async def menu_tapped(
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
    await show_menu(
        update, context, viewer, settings, program_texts.menu_out_of_date(viewer.t), edit=True
    )
    return None


def open_setting_of(step: Step) -> tuple[str, tuple[str, ...]] | None:
    """The setting a menu step's screen shows, None on the menu itself (or an unreadable step,
    which then shows the menu as it is now)."""
    screen = MENU.parse(step)
    if screen is None or screen.key is None or screen.key not in SETTING_KEYS:
        return None
    return screen.key, screen.choices


async def show_setting(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    key: str,
    choices: tuple[str, ...],
    settings: ProgramSettings,
) -> None:
    """One setting's screen: its common values, "Other value…" and Back."""
    t = viewer.t
    step = await context.infra.steps.open(
        viewer.chat_id,
        MENU.name,
        payload=MENU.encode(MenuScreen(key, choices)),
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
