"""The last line of defence: log the failure and tell the user nothing was changed."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.context import BotContext
from bot.i18n import choose_language, translator
from bot.texts import general

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Unexpected exceptions: the transaction was rolled back, so say so and log the cause."""
    log.error("unhandled error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    language = choose_language(
        None, user.language_code if user else None, None, context.settings.default_language
    )
    t = translator(language)
    # A Telegram error comes from sending a reply, after the operation was committed: saying
    # "nothing was changed" then would make the cashier repeat it.
    text = (
        general.reply_not_delivered(t)
        if isinstance(context.error, TelegramError)
        else general.something_went_wrong(t)
    )
    try:
        await update.effective_chat.send_message(text, parse_mode=ParseMode.HTML)
    except TelegramError:
        log.warning("could not tell the user about the error")
