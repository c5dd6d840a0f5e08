"""What every handler shares: who is asking (role, language), replies, refusals, notifications."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.context import BotContext
from bot.i18n import Translator, choose_language, translator
from bot.ratelimit import SendPriority
from bot.texts.refusals import refusal_text
from domain.errors import DomainError
from domain.model import Identity, Recipient, UserProfile, normalise_card_number

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Viewer:
    """The person behind an update: Telegram's view of them and ours."""

    user_id: int
    first_name: str | None
    username: str | None
    telegram_language: str | None
    identity: Identity
    t: Translator

    @property
    def profile(self) -> UserProfile:
        return UserProfile(
            user_id=self.user_id,
            first_name=self.first_name,
            username=self.username,
            telegram_language=self.telegram_language,
        )


async def viewer_for(update: Update, context: BotContext) -> Viewer:
    user = update.effective_user
    assert user is not None  # private-chat updates always have a sender
    identity = await context.service.staff.identity(user.id)
    merchant_language = identity.membership.merchant_language if identity.membership else None
    language = choose_language(
        identity.language, user.language_code, merchant_language, context.settings.default_language
    )
    return Viewer(
        user_id=user.id,
        first_name=user.first_name,
        username=user.username,
        telegram_language=user.language_code,
        identity=identity,
        t=translator(language),
    )


Handler = Callable[[Update, BotContext, Viewer], Awaitable[None]]


def handles(function: Handler) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """Resolve the viewer, run the handler, and turn any refusal into its translated message."""

    @functools.wraps(function)
    async def wrapper(update: Update, context: BotContext) -> None:
        if update.effective_user is None or update.effective_chat is None:
            return
        if update.effective_chat.type != "private":
            return  # cards are personal: the bot works in private chats only
        viewer = await viewer_for(update, context)
        try:
            await function(update, context, viewer)
        except DomainError as refusal:
            await reply(update, refusal_text(viewer.t, refusal))

    return wrapper


async def reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Answer in the chat the update came from (HTML parse mode)."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def edit_or_reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the message a button belongs to; send a new one if it cannot be edited."""
    query = update.callback_query
    if query is not None and query.message is not None and isinstance(query.message, Message):
        try:
            if query.message.photo:
                await query.message.edit_caption(
                    text, parse_mode=ParseMode.HTML, reply_markup=markup
                )
            else:
                await query.message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            return
        except BadRequest as failure:
            if "not modified" in str(failure).lower():
                return
            log.info("could not edit a message, sending a new one: %s", failure)
    await reply(update, text, markup)


def split_card_reference(tokens: list[str]) -> tuple[str | None, list[str]]:
    """The card reference at the start of a command's arguments, and the arguments after it.

    A card number may be typed as one token (1234-5678-9012, 123456789012) or as three
    (1234 5678 9012); a QR token is one token.
    """
    if not tokens:
        return None, []
    if len(tokens) >= 3 and normalise_card_number(" ".join(tokens[:3])):
        return " ".join(tokens[:3]), tokens[3:]
    return tokens[0], tokens[1:]


def recipient_of(identity: Identity) -> Recipient:
    """Someone to message (an owner, say) from what we know of them."""
    return Recipient(
        user_id=identity.user_id,
        language=identity.language,
        telegram_language=identity.telegram_language,
        reachable=True,
    )


def update_key(update: Update) -> str:
    """Idempotency key of an operation triggered by a command: the update itself."""
    return f"u{update.update_id}"


async def notify(
    context: BotContext,
    recipient: Recipient,
    merchant_language: str,
    render: Callable[[Translator], str],
    markup: Callable[[Translator], InlineKeyboardMarkup | None] | None = None,
) -> bool:
    """Message a customer in their language. A customer who blocked the bot, or any other
    delivery failure, never fails the operation that caused the message."""
    language = choose_language(
        recipient.language,
        recipient.telegram_language,
        merchant_language,
        context.settings.default_language,
    )
    t = translator(language)
    try:
        await context.bot.send_message(
            recipient.user_id,
            render(t),
            parse_mode=ParseMode.HTML,
            reply_markup=None if markup is None else markup(t),
            rate_limit_args=SendPriority.BACKGROUND,  # the counter's replies go first
        )
    except Forbidden:
        await context.service.staff.mark_unreachable(recipient.user_id)
        return False
    except TelegramError as failure:
        log.warning("could not notify a customer: %s", failure)
        return False
    return True
