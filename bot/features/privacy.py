"""A person's own data: /mydata (a JSON file) and /forget (after confirmation)."""

from __future__ import annotations

import json

from telegram import InputFile, Update

from bot.callbacks import ButtonAction, Token
from bot.confirmations import Confirmation, says
from bot.context import BotContext
from bot.features.common import (
    Audience,
    Command,
    Feature,
    Viewer,
    edit_or_reply,
    reply,
)
from bot.step_kinds import Nothing, StepKind
from bot.texts import general
from infra import Step

# Erase the person's data (subject: the person); the answer carries its step and "y" or "n".
FORGET = Confirmation(
    StepKind("forget", Nothing),
    ButtonAction("fg", (int, Token)),
    declined=says(general.forget_cancelled),
)


async def mydata(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/mydata: a JSON file of everything stored about the user."""
    data = await context.service.customers.export_data(viewer.user_id)
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(content, filename="my-loyalty-data.json"),
        caption=general.mydata_caption(viewer.t),
    )


async def forget(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/forget: erase personal data after confirmation."""
    buttons = await FORGET.ask(context, viewer, Nothing(), subject_id=viewer.user_id)
    await reply(update, general.forget_question(viewer.t), buttons)


async def _forget_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, _: Nothing
) -> None:
    if step.subject_id != viewer.user_id:  # a private chat is its user's
        return
    erased = await context.service.customers.erase(viewer.user_id)
    await context.infra.steps.forget_chat(viewer.chat_id)
    await context.infra.bots.forget_person(viewer.user_id)
    await edit_or_reply(update, general.forget_done(viewer.t, erased))


FEATURE = Feature(
    name="privacy",
    commands=(
        Command("mydata", Audience.CUSTOMER, mydata),
        Command("forget", Audience.CUSTOMER, forget),
    ),
    buttons=FORGET.buttons(_forget_confirmed),
)
