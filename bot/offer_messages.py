"""What customers receive about offers, and the buttons under it: the consent question asked
once after a first visit (Yes/No), an offer's copy with its Unsubscribe button, the messages
that bring customers back with their Stop button; and the owner's report of an offer sent.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.callbacks import ButtonAction, Token
from bot.confirmations import Confirmation
from bot.context import BotContext
from bot.courier import Courier, NoLongerWanted
from bot.features.common import ButtonHandler, Viewer, edit_or_reply, reply
from bot.i18n import Translator
from bot.ratelimit import SendPriority
from bot.step_kinds import Nothing, StepKind
from bot.texts import general
from bot.texts import offers as texts
from domain.effects import AskForOffers, BringBack, ReportOffer
from domain.service import WINBACK, OfferCopy
from infra import Step
from infra.bots import current_bot

log = logging.getLogger(__name__)


CONSENT = StepKind("offers_consent", Nothing)  # "Get offers from Café X?" (the merchant)
# How long the consent question's buttons work; /offers on|off works at any time.
CONSENT_QUESTION_TTL = timedelta(days=7)
UNSUBSCRIBE = ButtonAction("ou", (int,))  # merchant
STOP_NUDGES = ButtonAction("ns", (int,))  # merchant
PREVIEW = 0  # the merchant of the preview's Unsubscribe button: none


def unsubscribe_keyboard(t: Translator, merchant_id: int) -> InlineKeyboardMarkup:
    label = texts.unsubscribe_label(t)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=UNSUBSCRIBE.data(merchant_id))]]
    )


def stop_keyboard(t: Translator, merchant_id: int) -> InlineKeyboardMarkup:
    label = texts.stop_label(t)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=STOP_NUDGES.data(merchant_id))]]
    )


async def _consent_given(
    update: Update, context: BotContext, viewer: Viewer, step: Step, _: Nothing
) -> None:
    merchant_id = step.subject_id
    if merchant_id is None:
        await edit_or_reply(update, general.button_expired(viewer.t))
        return
    question = await context.service.consent.consent_question_of(merchant_id, viewer.user_id)
    await context.service.consent.set_offers(viewer.user_id, merchant_id, True, everything=False)
    await edit_or_reply(update, texts.consent_given(viewer.t, question.merchant_name))


async def _consent_refused(
    update: Update, context: BotContext, viewer: Viewer, step: Step | None
) -> None:
    merchant_id = None if step is None else step.subject_id
    if merchant_id is None:
        await edit_or_reply(update, general.button_expired(viewer.t))
        return
    question = await context.service.consent.consent_question_of(merchant_id, viewer.user_id)
    await edit_or_reply(update, texts.consent_refused(viewer.t, question.merchant_name))


async def _unsubscribe(
    update: Update, context: BotContext, viewer: Viewer, merchant_id: int
) -> None:
    if merchant_id == PREVIEW:
        await reply(update, texts.preview_button(viewer.t))
        return
    changed = await context.service.consent.set_offers(
        viewer.user_id, merchant_id, False, everything=False
    )
    await _drop_buttons(update)
    await reply(update, texts.unsubscribed(viewer.t, changed[0].merchant_name))


async def _stop_nudges(
    update: Update, context: BotContext, viewer: Viewer, merchant_id: int
) -> None:
    choice = await context.service.consent.stop_nudges(viewer.user_id, merchant_id)
    await _drop_buttons(update)
    await reply(update, texts.nudges_stopped(viewer.t, choice.merchant_name))


async def _drop_buttons(update: Update) -> None:
    """The tapped button has done its job: take it off the message (if Telegram lets us)."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(None)
        except TelegramError as failure:
            log.info("could not remove a button: %s", failure)


# The answer carries its step and "y" or "n". Each consent question stands on its own.
CONSENT_QUESTION = Confirmation(
    CONSENT,
    ButtonAction("oq", (int, Token)),
    declined=_consent_refused,
    ttl=CONSENT_QUESTION_TTL,
    supersedes=(),
)

BUTTONS: tuple[tuple[ButtonAction, ButtonHandler], ...] = (
    *CONSENT_QUESTION.buttons(_consent_given),
    (UNSUBSCRIBE, _unsubscribe),
    (STOP_NUDGES, _stop_nudges),
)


# --- what the outbox sends about offers ------------------------------------------------------


async def ask_for_offers(courier: Courier, effect: AskForOffers) -> None:
    """ "Get offers from Café X?", once, after the customer's first visit."""
    question = await courier.service.consent.consent_question_of(
        effect.merchant_id, effect.customer_id
    )
    t = courier.language_of(question.customer, question.merchant_language)
    sender = await courier.sender(effect.merchant_id, effect.customer_id)
    # A step per question, in the chat with the bot that asks it: the answer applies to this
    # merchant, on whichever worker.
    chat = current_bot.set(sender.key)
    try:
        markup = await CONSENT_QUESTION.ask_in(
            courier.infra.steps, effect.customer_id, t, Nothing(), subject_id=effect.merchant_id
        )
    finally:
        current_bot.reset(chat)
    text = texts.consent_question(t, question.merchant_name)
    await courier.message(effect.merchant_id, effect.customer_id, text, markup, sender=sender)


async def bring_back(courier: Courier, effect: BringBack) -> None:
    """Win-back or "almost there", unless the customer turned these messages off since."""
    message = await courier.service.consent.bring_back_message_of(effect.card_id, effect.reason)
    if not message.wanted:
        raise NoLongerWanted()
    t = courier.language_of(message.customer, message.card.merchant_language)
    if effect.reason == WINBACK:
        text = texts.winback_text(t, message.card)
    else:
        text = texts.almost_there_text(t, message.card)
    markup = stop_keyboard(t, message.card.merchant_id)
    await courier.message(message.card.merchant_id, message.customer.user_id, text, markup)


async def send_copy(courier: Courier, copy: OfferCopy) -> None:
    """One customer's copy of an offer, with its unsubscribe button."""
    t = courier.language_of(copy.customer, None)
    body = texts.offer_message(copy.merchant_name, copy.text)
    markup = unsubscribe_keyboard(t, copy.merchant_id)
    user_id = copy.customer.user_id
    photo = copy.photo_file_id
    if not photo:
        await courier.message(copy.merchant_id, user_id, body, markup)
        return
    await courier.through(
        await courier.sender(copy.merchant_id, user_id),
        user_id,
        lambda bot: bot.send_photo(
            user_id,
            photo,
            caption=body,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            rate_limit_args=SendPriority.BACKGROUND,
        ),
    )


async def report_offer(courier: Courier, effect: ReportOffer) -> None:
    """The owner's report of an offer sent: audience, delivered, blocked, unsubscribed."""
    figures = await courier.service.offers.figures(effect.offer_id)
    t = await courier.owner_language(effect.owner_user_id, figures.merchant_language)
    await courier.message(None, effect.owner_user_id, texts.report_text(t, figures))
