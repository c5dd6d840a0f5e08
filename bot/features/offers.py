"""Offers and the messages that bring customers back: the customer's consent (asked once after
the first visit, /offers on|off, Unsubscribe and "Stop these messages" buttons) and the owner's
/offer flow (text or photo → audience → preview → Send), and /offers with the figures.

Every step of the owner's flow is a pending step (infra/steps.py), so it goes on whichever
worker receives the next tap, and after a restart. What customers receive about offers (the
consent question, an offer's copy, the messages that bring them back) and its buttons are
bot/offer_messages.py.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from bot import offer_messages
from bot.callbacks import ButtonAction, Token
from bot.confirmations import Confirmation, says
from bot.context import BotContext
from bot.features.common import (
    CONFIRMATION_TTL,
    PROMPT_TTL,
    Audience,
    Command,
    Feature,
    Viewer,
    edit_or_reply,
    prompt,
    reply,
)
from bot.i18n import Translator
from bot.offer_messages import PREVIEW, UNSUBSCRIBE
from bot.step_kinds import Nothing, StepKind
from bot.texts import general
from bot.texts import offers as texts
from bot.texts.commands import usage
from bot.texts.refusals import refusal_text
from domain import errors
from domain.offers import AudienceKind
from domain.service import OfferDraft, OfferPreview
from infra import Step

OFFER_TEXT = StepKind("offer_text", Nothing)  # the owner writes the offer
OFFER_AUDIENCE = StepKind("offer_audience", Nothing)  # who gets it (subject: the draft)
OFFER_SEND = StepKind("offer_send", Nothing)  # Send or Cancel after the preview (the draft)
OWNER_STEPS = (OFFER_TEXT.name, OFFER_AUDIENCE.name, OFFER_SEND.name)
CHOOSE_SHOP = ButtonAction("oc", (int, Token))  # merchant (0: all of them), "on" or "off"
CHOOSE_AUDIENCE = ButtonAction("oa", (int, Token, int))  # step, audience, store id or days

_SWITCH = {"on": True, "off": False}


# --- keyboards (labels from bot/texts/offers) ---------------------------------------------------


def _send_keyboard(t: Translator, send: str, cancel: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.send_label(t), callback_data=send),
                InlineKeyboardButton(texts.cancel_label(t), callback_data=cancel),
            ]
        ]
    )


def _audience_keyboard(t: Translator, step_id: int) -> InlineKeyboardMarkup:
    def button(kind: AudienceKind, arg: int = 0) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            texts.audience_label(t, kind, arg),
            callback_data=CHOOSE_AUDIENCE.data(step_id, kind.value, arg),
        )

    return InlineKeyboardMarkup(
        [
            [button(AudienceKind.ALL)],
            [button(AudienceKind.STORE)],
            [button(AudienceKind.LAPSED, days) for days in texts.LAPSED_CHOICES],
            [button(AudienceKind.NEAR)],
        ]
    )


def _stores_keyboard(draft: OfferDraft, step_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    store.name[:60],
                    callback_data=CHOOSE_AUDIENCE.data(
                        step_id, AudienceKind.STORE.value, store.store_id
                    ),
                )
            ]
            for store in draft.stores
        ]
    )


# --- the customer -----------------------------------------------------------------------------


async def customer_offers(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/offers: the customer's choices; /offers on|off changes them."""
    args = [a.lower() for a in context.args or []]
    consent = context.service.consent
    if not args:
        choices = await consent.choices(viewer.user_id)
        if not choices:
            raise errors.NoMerchantOfCustomer()
        await reply(update, texts.choices_text(viewer.t, choices))
        return
    if len(args) != 1 or args[0] not in _SWITCH:
        await reply(update, usage(viewer.t, "offers"))
        return
    wanted = _SWITCH[args[0]]
    choices = await consent.choices(viewer.user_id)
    if len(choices) > 1:
        rows = [
            [
                InlineKeyboardButton(
                    c.merchant_name[:60], callback_data=CHOOSE_SHOP.data(c.merchant_id, args[0])
                )
            ]
            for c in choices
        ]
        rows.append(
            [
                InlineKeyboardButton(
                    texts.all_shops_label(viewer.t), callback_data=CHOOSE_SHOP.data(0, args[0])
                )
            ]
        )
        await reply(update, texts.which_merchant(viewer.t, wanted), InlineKeyboardMarkup(rows))
        return
    changed = await consent.set_offers(viewer.user_id, None, wanted)
    await reply(update, texts.offers_changed(viewer.t, changed, wanted))


async def _choose_shop(
    update: Update, context: BotContext, viewer: Viewer, merchant_id: int, switch: str
) -> None:
    if switch not in _SWITCH:
        await edit_or_reply(update, general.button_expired(viewer.t))
        return
    wanted = _SWITCH[switch]
    changed = await context.service.consent.set_offers(viewer.user_id, merchant_id or None, wanted)
    await edit_or_reply(update, texts.offers_changed(viewer.t, changed, wanted))


# --- the owner --------------------------------------------------------------------------------


async def offer(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/offer: write an offer, choose who gets it, see it, send it."""
    await context.service.offers.check_allowance(viewer.user_id)
    step = await context.infra.steps.open(
        viewer.chat_id, OFFER_TEXT.name, ttl=PROMPT_TTL, supersedes=OWNER_STEPS
    )
    await prompt(
        update, context, step, texts.offer_prompt(viewer.t), texts.offer_placeholder(viewer.t)
    )


async def _offer_written(update: Update, context: BotContext, viewer: Viewer, step: Step) -> None:
    """The offer's text, or a photo with it as its caption; a bad one keeps the prompt open."""
    message = update.effective_message
    assert message is not None
    photo = message.photo[-1].file_id if message.photo else None
    text = (message.caption if photo else message.text) or ""
    try:
        draft = await context.service.offers.draft(viewer.user_id, text, photo)
    except errors.InvalidOfferText as refusal:
        await reply(update, refusal_text(viewer.t, refusal))
        return
    if photo is not None:
        length = texts.offer_visible_length(draft.merchant_name, draft.text)
        if length > texts.TELEGRAM_CAPTION_LIMIT:
            allowed = texts.TELEGRAM_CAPTION_LIMIT - (length - len(draft.text))
            await reply(update, texts.caption_too_long(viewer.t, allowed))
            return
    if not await context.infra.steps.close(step.id):
        return  # answered meanwhile (a double send): the first answer goes on
    chosen = await context.infra.steps.open(
        viewer.chat_id,
        OFFER_AUDIENCE.name,
        subject_id=draft.offer_id,
        ttl=CONFIRMATION_TTL,
        supersedes=OWNER_STEPS,
    )
    await reply(update, texts.audience_question(viewer.t), _audience_keyboard(viewer.t, chosen.id))


async def _choose_audience(
    update: Update, context: BotContext, viewer: Viewer, step_id: int, kind: str, arg: int
) -> None:
    steps = context.infra.steps
    step = await steps.get(viewer.chat_id, step_id)
    now = context.service.clock.now()
    if (
        step is None
        or step.kind != OFFER_AUDIENCE.name
        or not step.is_open(now)
        or step.subject_id is None
    ):
        await edit_or_reply(update, general.button_expired(viewer.t))
        return
    try:
        audience = AudienceKind(kind)
    except ValueError:
        await edit_or_reply(update, general.button_expired(viewer.t))
        return
    offers = context.service.offers
    if audience is AudienceKind.STORE and arg == 0:
        draft = await offers.draft_of(viewer.user_id, step.subject_id)
        if len(draft.stores) > 1:
            await edit_or_reply(
                update, texts.store_question(viewer.t), _stores_keyboard(draft, step.id)
            )
            return
        arg = draft.stores[0].store_id
    preview = await offers.choose_audience(viewer.user_id, step.subject_id, audience, arg or None)
    if not await steps.close(step.id):
        await edit_or_reply(update, general.button_expired(viewer.t))
        return
    markup = await SENDING.ask(context, viewer, Nothing(), subject_id=preview.draft.offer_id)
    await edit_or_reply(
        update,
        texts.audience_question(viewer.t) + " " + texts.audience_label(viewer.t, audience, arg),
    )
    await _show_preview(update, viewer, preview)
    await reply(update, texts.preview_question(viewer.t, preview), markup)


async def _show_preview(update: Update, viewer: Viewer, preview: OfferPreview) -> None:
    """The offer exactly as a customer gets it (its Unsubscribe button included)."""
    chat = update.effective_chat
    assert chat is not None
    # Its button only says what it does for customers.
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.unsubscribe_label(viewer.t), callback_data=UNSUBSCRIBE.data(PREVIEW)
                )
            ]
        ]
    )
    body = texts.offer_message(preview.draft.merchant_name, preview.draft.text)
    if preview.draft.photo_file_id:
        await chat.send_photo(
            preview.draft.photo_file_id,
            caption=body,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
    else:
        await chat.send_message(body, parse_mode=ParseMode.HTML, reply_markup=markup)


async def _send_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, _: Nothing
) -> None:
    if step.subject_id is None:
        return
    preview = await context.service.offers.send(viewer.user_id, step.subject_id)
    await edit_or_reply(update, texts.sending(viewer.t, preview))
    context.bot_data.runtime.dispatcher.wake()


async def owner_offers(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/offers: the latest offers with their figures (/offers on|off: as a customer)."""
    if context.args:
        await customer_offers(update, context, viewer)
        return
    offers = await context.service.offers.recent(viewer.user_id)
    await reply(update, texts.recent_offers(viewer.t, offers))


SENDING = Confirmation(
    OFFER_SEND,
    ButtonAction("os", (int, Token)),
    declined=says(texts.not_sent),
    keyboard=_send_keyboard,
    supersedes=OWNER_STEPS,
)


FEATURE = Feature(
    name="offers",
    commands=(
        Command("offers", Audience.CUSTOMER, customer_offers),
        Command("offer", Audience.OWNER, offer),
        Command("offers", Audience.OWNER, owner_offers, text_key="owner:offers"),
    ),
    buttons=(
        *offer_messages.BUTTONS,
        (CHOOSE_SHOP, _choose_shop),
        (CHOOSE_AUDIENCE, _choose_audience),
        *SENDING.buttons(_send_confirmed),
    ),
    text_steps={OFFER_TEXT.name: _offer_written},
    media_steps={OFFER_TEXT.name: _offer_written},
)
