"""Changing one programme setting, from /program set or from the menu, and the confirmations
some changes need first (merging duplicate cards, a type that hides balances, happy hours past
midnight), whichever way they came; a change made in the menu shows the menu after.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction, Token
from bot.confirmations import Confirmation
from bot.context import BotContext
from bot.features.common import ButtonHandler, Viewer, edit_or_reply, reply
from bot.program_menu import FROM_MENU, show_menu
from bot.step_kinds import StepKind, StepPayloadTooLong
from bot.texts import bonuses as bonus_texts
from bot.texts import general
from bot.texts import owner as owner_texts
from bot.texts import program as program_texts
from domain import errors
from infra import Step


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


MERGE = StepKind("merge", MergeChange)
HIDE_BALANCES = StepKind("hide_balances", HiddenBalancesChange)
PAST_MIDNIGHT = StepKind("past_midnight", PastMidnightChange)


# --- changing a setting -----------------------------------------------------------------------


async def change_setting(
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
        await show_menu(update, context, viewer, change.settings, note, edit=edit)
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
    await show_menu(update, context, viewer, settings, general.change_declined(viewer.t), edit=True)


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
    await change_setting(
        update, context, viewer, "cross_location", "on", origin=change.origin, confirm=True
    )


async def _hide_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, change: HiddenBalancesChange
) -> None:
    await change_setting(
        update, context, viewer, change.key, change.value, origin=change.origin, confirm_hidden=True
    )


async def _past_midnight_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, change: PastMidnightChange
) -> None:
    await change_setting(
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

BUTTONS: tuple[tuple[ButtonAction, ButtonHandler], ...] = (
    *MERGE_CONFIRMATION.buttons(_merge_confirmed),
    *HIDE_CONFIRMATION.buttons(_hide_confirmed),
    *PAST_MIDNIGHT_CONFIRMATION.buttons(_past_midnight_confirmed),
)
