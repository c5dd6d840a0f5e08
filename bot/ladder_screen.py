"""The owner's reward ladder on screen: the ladder with a button for each thing that can be
done to each reward, and one reward's names in other languages."""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction, Token
from bot.context import BotContext
from bot.features.common import Viewer, edit_or_reply, reply
from bot.texts import rewards as texts
from domain.model import Reward, units_of
from domain.program import LANGUAGES
from domain.service import Ladder

ADD = ButtonAction("ra", (Token,))  # unit
RENAME = ButtonAction("rn", (int,))  # reward
COST = ButtonAction("rk", (int,))  # reward
REMOVE = ButtonAction("rm", (int,))  # reward
NAMES = ButtonAction("rt", (int,))  # reward: its names in other languages
NAME_IN_LANGUAGE = ButtonAction("rl", (int, Token))  # reward, language
CLEAR_NAME = ButtonAction("rd", (int, Token))  # reward, language


async def show_ladder(
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


async def show_names(
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
