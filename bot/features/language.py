"""/language: the person picks English, French, German or Luxembourgish."""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction, Token
from bot.context import BotContext
from bot.features.common import Audience, Command, Feature, Viewer, edit_or_reply, reply
from bot.i18n import LANGUAGES, translator
from bot.texts import general

CHOOSE = ButtonAction("lang", (Token,))  # language code


async def language(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/language: pick en, fr, de or lb."""
    await reply(update, general.choose_language(viewer.t), keyboards.language_keyboard(CHOOSE.data))


async def _chosen(update: Update, context: BotContext, viewer: Viewer, code: str) -> None:
    if code not in LANGUAGES:
        return
    await context.service.customers.set_language(viewer.profile, code)
    t = translator(code)
    await edit_or_reply(update, general.language_set(t))
    if viewer.identity.is_staff:
        await context.menus.refresh(viewer.chat_id, viewer.user_id, t)


FEATURE = Feature(
    name="language",
    commands=(Command("language", Audience.CUSTOMER, language),),
    buttons=((CHOOSE, _chosen),),
)
