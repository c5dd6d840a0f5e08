"""What every feature module shares: who is asking, replies and prompts, the command table's
row type and the shape of a feature. Feature modules import this, never each other."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import IntEnum

from telegram import ForceReply, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot import keyboards, wallet
from bot.callbacks import ButtonAction
from bot.context import BotContext
from bot.i18n import Translator, language_of, translator
from bot.images import card_png
from bot.links import LinkKind, bot_link, deep_link
from bot.look import look_of
from bot.menus import web_app_link
from bot.serving import ServingBot
from bot.texts import cards as card_texts
from bot.texts import mybot as mybot_texts
from bot.texts.bonuses import referred_join
from domain.model import (
    CardView,
    Enrolment,
    Identity,
    Membership,
    ProgramType,
    RewardUnit,
    UserProfile,
    normalise_card_number,
    units_of,
)
from domain.setting_input import whole_number
from infra import Step
from infra.bots import PLATFORM, current_bot

log = logging.getLogger(__name__)

# How long the bot waits for an answer: an amount at the counter is typed at once; a yes/no
# about a business or personal data may wait a little longer.
PROMPT_TTL = timedelta(minutes=10)
CONFIRMATION_TTL = timedelta(minutes=30)


@dataclass(frozen=True)
class Viewer:
    """The person behind an update: Telegram's view of them and ours."""

    user_id: int
    chat_id: int
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
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None  # private-chat updates always have both
    identity = await context.service.staff.identity(user.id)
    language = language_of(identity, user.language_code, context.settings.default_language)
    return Viewer(
        user_id=user.id,
        chat_id=chat.id,
        first_name=user.first_name,
        username=user.username,
        telegram_language=user.language_code,
        identity=identity,
        t=translator(language),
    )


# --- the command table's rows -----------------------------------------------------------------


class Audience(IntEnum):
    """Who a command is for; a higher audience also sees the lower ones' commands."""

    CUSTOMER = 0
    STAFF = 1
    OWNER = 2

    @staticmethod
    def of(identity: Identity) -> Audience:
        if identity.is_owner:
            return Audience.OWNER
        return Audience.STAFF if identity.is_staff else Audience.CUSTOMER


Handler = Callable[[Update, BotContext, Viewer], Awaitable[None]]
ButtonHandler = Callable[..., Awaitable[None]]  # (update, context, viewer, *typed arguments)
StepHandler = Callable[[Update, BotContext, Viewer, Step], Awaitable[None]]
# Given the closed step the text replied to, if any.
TextFallback = Callable[[Update, BotContext, Viewer, Step | None], Awaitable[bool]]


@dataclass(frozen=True)
class Command:
    """One slash command. Its menu entry, help line and usage text live in bot/texts/commands."""

    name: str
    audience: Audience
    handler: Handler
    in_menu: bool = True
    text_key: str | None = None  # its words in bot/texts/commands, when not under its name
    # Only the platform bot does it (setting up a café, creating its bot), not a café's bot.
    platform_only: bool = False
    # What a café's cards must collect for the command to mean anything there (/points: points).
    collects: RewardUnit | None = None
    # Only for a seat asked each day which store it works at (/store); not a one-store café's.
    store_of_day: bool = False

    def fits(self, program_type: ProgramType) -> bool:
        return self.collects is None or self.collects in units_of(program_type)

    def shown_to(self, membership: Membership | None) -> bool:
        """Whether the person's /help lists it (staff: what their café and seat can use)."""
        if membership is None:
            return self.collects is None and not self.store_of_day
        return self.fits(membership.program_type) and (
            not self.store_of_day or membership.says_store_of_day
        )

    @property
    def key(self) -> str:
        return self.text_key or self.name


@dataclass(frozen=True)
class Feature:
    """What a feature module contributes to the bot."""

    name: str
    commands: tuple[Command, ...] = ()
    buttons: tuple[tuple[ButtonAction, ButtonHandler], ...] = ()
    deep_links: dict[LinkKind, Callable[[Update, BotContext, Viewer, str], Awaitable[None]]] = (
        field(default_factory=dict)
    )
    # Steps answered by typed text, by step kind.
    text_steps: dict[str, StepHandler] = field(default_factory=dict)
    # Steps answered by a photo (its caption is the text), by step kind.
    media_steps: dict[str, StepHandler] = field(default_factory=dict)
    # Text that answers no open step: each may claim it (returns True) or leave it.
    text_fallbacks: tuple[TextFallback, ...] = ()


# --- replies ----------------------------------------------------------------------------------


async def reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | ForceReply | None = None
) -> int | None:
    """Answer in the chat the update came from (HTML parse mode); the answer's message id."""
    chat = update.effective_chat
    if chat is None:
        return None
    bot = update.get_bot()
    assert isinstance(bot, ServingBot)  # every bot an update comes through (app/application.py)
    return await bot.say(chat.id, text, markup)


async def edit_or_reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the message a button belongs to; send a new one if it cannot be edited."""
    query = update.callback_query
    if query is not None and query.message is not None and isinstance(query.message, Message):
        current = query.message
        shown = current.caption_html if current.photo else current.text_html
        if shown == text and markup is None and current.reply_markup is None:
            # Nothing to replace (a tap under a message without buttons: a forged one).
            await reply(update, text)
            return
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


async def prompt(
    update: Update, context: BotContext, step: Step, text: str, placeholder: str
) -> None:
    """Ask for the answer to `step` with a ForceReply, so the answer replies to this prompt
    (and so names its step, whichever card is opened in between)."""
    message_id = await reply(
        update, text, ForceReply(selective=True, input_field_placeholder=placeholder[:64])
    )
    if message_id is not None:
        await context.infra.steps.add_prompt(step.id, message_id)


# --- arguments ----------------------------------------------------------------------------------


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


def small_int(text: str) -> int | None:
    return whole_number(text, max_digits=7)


def web_app_page(context: BotContext, tab: str) -> str | None:
    """The Mini App's address at `tab`, or None when WEB_APP_URL is not set."""
    url = context.settings.web_app_url
    return None if url is None else web_app_link(url, tab, context.bot.key)


def update_key(update: Update) -> str:
    """Idempotency key of an operation triggered by a message: the update itself. Every bot
    numbers its updates on its own, so a café bot's key names the bot too (or its update 17
    would be taken for the platform bot's update 17, and the stamp never made)."""
    bot = current_bot.get()
    return f"u{update.update_id}" if bot == PLATFORM else f"u{bot}:{update.update_id}"


def step_key(step: Step) -> str:
    """Idempotency key of an operation confirmed through a step: a double tap is one effect."""
    return f"s{step.id}"


# --- joining ---------------------------------------------------------------------------------


async def show_enrolment(
    update: Update, context: BotContext, viewer: Viewer, enrolment: Enrolment
) -> None:
    """The reply to joining (a store's link, /join or a friend's link): welcome, then the card."""
    # A newcomer with no language of their own is greeted in the merchant's language.
    t = viewer.t
    if viewer.identity.language is None and viewer.telegram_language is None:
        t = translator(enrolment.card.merchant_language)
    text = card_texts.joined_text(t, enrolment)
    if enrolment.referred:
        text += "\n" + referred_join(t)
    await reply(update, text)
    await send_card(update, context, enrolment.card, viewer)
    await point_to_own_bot(update, context, viewer, enrolment.card.merchant_id, enrolment.card)


async def point_to_own_bot(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    merchant_id: int,
    card: CardView | None = None,
) -> None:
    """A link of the platform bot printed before the café got its own bot still works (it
    did what it asked); then it points on, with a button that opens the café's bot."""
    if not context.bot.is_platform:
        return
    own = context.bots.own_bot_of(merchant_id)
    if own is None:
        return
    link = (
        deep_link(own.username, LinkKind.CARD, card.qr_token)
        if card is not None
        else bot_link(own.username)
    )
    name = card.merchant_name if card is not None else own.first_name
    markup = keyboards.link_keyboard(mybot_texts.open_button(viewer.t, own.username), link)
    await reply(update, mybot_texts.elsewhere(viewer.t, name, own.username), markup)


# --- showing a card to its holder ------------------------------------------------------------


def invite_link(context: BotContext, card: CardView) -> str | None:
    """The card holder's link for inviting friends to the card's merchant."""
    if card.referral_code is None:
        return None
    return context.link(LinkKind.REFERRAL, card.referral_code, card.merchant_id)


async def send_card(update: Update, context: BotContext, card: CardView, viewer: Viewer) -> None:
    """The card as an image (name, progress, QR code, number) with its details as the caption.
    The details (the card number above all) also reach the customer when the photo cannot be
    sent."""
    chat = update.effective_chat
    assert chat is not None
    link = context.link(LinkKind.CARD, card.qr_token, card.merchant_id)
    passes = await wallet.offer(context.service, card, link)  # None: no wallet configured
    text = card_texts.card_text(viewer.t, card, invite_link(context, card))
    markup = keyboards.wallet_keyboard(
        viewer.t,
        None if passes is None else passes.google_save_url,
        web_app_page(context, "cards"),
    )
    look = await look_of(context.service.brand, card.merchant_id)
    try:
        face = card_texts.card_face(viewer.t, card)
        await chat.send_photo(
            InputFile(card_png(face, link, look), filename="card.png"),
            caption=text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
    except Forbidden:
        raise
    except TelegramError as failure:
        log.warning("could not send a card's QR code, sending its details as text: %s", failure)
        await reply(update, card_texts.card_without_image(viewer.t, text, link), markup)
    if passes is not None and passes.apple_pass is not None:
        await chat.send_document(
            wallet.pkpass_file(passes.apple_pass), caption=keyboards.apple_wallet_label(viewer.t)
        )
