"""Plain text messages and unknown commands."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers.common import Viewer, handles, reply
from bot.handlers.staff import AWAITING_AMOUNT, earn_from_typed_amount, show_card_to_staff
from bot.texts import general
from domain.model import normalise_card_number


@handles
async def on_text(update: Update, context: BotContext, viewer: Viewer) -> None:
    """An amount after "Add points", a card number typed by staff, or a friendly hint."""
    message = update.effective_message
    text = (message.text or "") if message is not None else ""
    pending = context.chat_state.get(AWAITING_AMOUNT)
    if pending is not None and viewer.identity.is_staff:
        await earn_from_typed_amount(update, context, viewer, pending)
    elif viewer.identity.is_staff and normalise_card_number(text):
        await show_card_to_staff(update, context, viewer, text)
    else:
        await reply(update, general.not_understood(viewer.t))


@handles
async def on_unknown_command(update: Update, context: BotContext, viewer: Viewer) -> None:
    await reply(update, general.unknown_command(viewer.t))
