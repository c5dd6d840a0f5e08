"""The last line of defence: log the failure and tell the person what is certain.

"Nothing was changed" is said only when it is known: no write transaction of this update
reached COMMIT (`domain.db.uow.commit_attempted`). After a commit was attempted the change may
stand, so staff are told to check the card before repeating it, and customers their card.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.context import BotContext
from bot.i18n import language_of, translator
from bot.texts import general
from domain.service import commit_attempted

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    log.error("unhandled error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    identity = None
    if user is not None:
        try:
            identity = await context.service.staff.identity(user.id)
        except Exception:  # the database may be what failed
            log.warning("could not read who hit the error")
    language = language_of(
        identity, user.language_code if user else None, context.settings.default_language
    )
    t = translator(language)
    changed_maybe = commit_attempted.get() or isinstance(context.error, TelegramError)
    if not changed_maybe:
        text = general.something_went_wrong(t)
    elif identity is not None and identity.is_staff:
        text = general.staff_check_the_card(t)
    else:
        text = general.customer_check_the_card(t)
    try:
        await update.effective_chat.send_message(text, parse_mode=ParseMode.HTML)
    except TelegramError:
        log.warning("could not tell the user about the error")
