"""Every café its own bot: /mybot in the platform bot creates it through Telegram's managed
bots (Bot API 9.6), and the platform serves it from then on.

The owner taps a "Create <café>'s bot" button (a managed-bot request) or opens the equivalent
t.me/newbot link; Telegram tells the platform bot (a `managed_bot` update), which fetches the
token, stores it encrypted and serves the bot on every worker (app/hosting.py). When a worker
first serves it, one of them sets its commands and menu button, queues its profile (name,
descriptions, the logo as its photo; again whenever the café's name or logo changes), queues a
message to each of the café's customers and cashiers (once each) and tells the owner it is
ready. /mybot newtoken replaces a leaked token, /mybot off returns the café to the platform
bot, /mybot on serves its bot again.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

from telegram import (
    InputFile,
    InputProfilePhotoStatic,
    KeyboardButton,
    KeyboardButtonRequestManagedBot,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ManagedBotUpdatedHandler, MessageHandler, filters

from bot import keyboards
from bot.context import BotContext, LoyaltyApplication
from bot.courier import Courier, NoLongerWanted
from bot.features.common import Audience, Command, Feature, Viewer, reply
from bot.i18n import LANGUAGES, language_of, translator
from bot.links import LinkKind, bot_link, deep_link, new_bot_link
from bot.look import look_of, profile_photo
from bot.printing import poster_bytes
from bot.ratelimit import SendPriority
from bot.serving import BotPaused, ServingBot
from bot.texts import mybot as texts
from domain import errors
from domain.effects import MeetOwnBot, OwnBotNews, RefreshBotProfile
from domain.service import OwnBotProfile
from infra.bots import BotState, HostedBotRecord

log = logging.getLogger(__name__)

REQUEST_ID = 1  # the managed-bot request of /mybot's button (one per message)
BOT_NAME_MAX_LENGTH = 64  # setMyName's limit


def suggested_username(business_name: str) -> str:
    """A Telegram username for the café's bot: ASCII letters, digits and _, 5–32 characters,
    ending in "bot" ("Café Lux" → "cafe_lux_bot")."""
    ascii_name = unicodedata.normalize("NFKD", business_name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_name.lower())
    stem = "_".join(words)[:24].strip("_") or "cafe"
    if stem[0].isdigit():
        stem = f"cafe_{stem}"[:24]
    return f"{stem}_bot" if len(stem) >= 2 else f"{stem}_loyalty_bot"


def _owned_merchant(viewer: Viewer) -> tuple[int, str]:
    membership = viewer.identity.membership
    if not viewer.identity.is_owner or membership is None:
        raise errors.NotOwner()
    return membership.merchant_id, membership.merchant_name


async def mybot(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/mybot [newtoken | off | on]: the café's own bot."""
    merchant_id, merchant_name = _owned_merchant(viewer)
    action = (context.args or [""])[0].lower()
    registry = context.infra.bots
    record = await registry.of_merchant(merchant_id)
    if not registry.cipher.ready:
        await reply(update, texts.key_missing(viewer.t))
        return
    if record is None:
        if action == "":
            await _offer_creation(update, context, viewer, merchant_name)
        else:
            await reply(update, texts.no_bot_yet(viewer.t))
        return
    if action == "newtoken":
        token = await context.bot.replace_managed_bot_token(record.id)
        await registry.set_token(record.id, token)
        await context.bots.refresh(record.id)
        await reply(update, texts.new_token_done(viewer.t, record.username))
    elif action == "off":
        await registry.set_state(record.id, BotState.OFF)
        await context.bots.refresh(record.id)
        await reply(update, texts.turned_off(viewer.t, record.username))
    elif action == "on" and record.state is BotState.OFF:
        await registry.set_state(record.id, BotState.ACTIVE)
        await context.bots.refresh(record.id)
        await reply(update, texts.turned_on(viewer.t, record.username))
    else:
        record = await registry.get(record.id) or record
        join = await _join_link(context, viewer.user_id, merchant_id)
        await reply(update, texts.status(viewer.t, record.username, record.state.value, join))


async def _offer_creation(
    update: Update, context: BotContext, viewer: Viewer, merchant_name: str
) -> None:
    username = suggested_username(merchant_name)
    request = KeyboardButtonRequestManagedBot(
        REQUEST_ID, suggested_name=merchant_name[:64], suggested_username=username
    )
    button = KeyboardButton(
        texts.create_button(viewer.t, merchant_name), request_managed_bot=request
    )
    link = new_bot_link(context.bot.username, username, merchant_name)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(
        texts.explain(viewer.t, merchant_name, link),
        parse_mode=ParseMode.HTML,
        reply_markup=ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True),
    )


async def _join_link(context: BotContext, owner_id: int, merchant_id: int) -> str:
    stores = await context.service.merchants.stores(owner_id)
    return context.link(LinkKind.JOIN, stores[0].code, merchant_id)


# --- Telegram reports the new bot --------------------------------------------------------------


async def on_managed_bot(update: Update, context: BotContext) -> None:
    """A bot was created for us to manage (or its token changed): serve it for the owner's
    café, on every worker."""
    managed = update.managed_bot
    if managed is None or not context.bot.is_platform:
        return
    owner, created = managed.user, managed.bot
    identity = await context.service.staff.identity(owner.id)
    membership = identity.membership
    if not identity.is_owner or membership is None:
        log.info("a managed bot was created by someone who owns no café; not served")
        return
    registry = context.infra.bots
    known = await registry.get(created.id)
    if known is not None and known.merchant_id != membership.merchant_id:
        log.warning("managed bot %s belongs to another café; not taken over", created.id)
        return
    t = translator(language_of(identity, owner.language_code, context.settings.default_language))
    if not registry.cipher.ready:
        await context.bot.send_message(owner.id, texts.key_missing(t))
        return
    try:
        token = await context.bot.get_managed_bot_token(created.id)
        if not token:
            raise TelegramError("no token given")
    except TelegramError as failure:
        log.warning("could not fetch the token of managed bot %s: %s", created.id, failure)
        if known is None:  # a known bot's token revoked: its next 401 pauses it
            await context.bot.send_message(owner.id, texts.not_ready(t))
        return
    if known is None or known.state is BotState.OFF:
        await registry.adopt(
            membership.merchant_id,
            created.id,
            created.username or suggested_username(membership.merchant_name),
            created.first_name,
            token,
        )
    elif known.token != token:
        await registry.set_token(created.id, token)  # changed by Telegram or by the owner
    await context.bots.refresh(created.id)


async def on_bot_created_message(update: Update, context: BotContext) -> None:
    """The service message in the owner's chat: say it is being set up, drop the button."""
    message = update.effective_message
    if message is None or message.managed_bot_created is None:
        return
    identity = await context.service.staff.identity(message.chat_id)
    spoken = message.from_user.language_code if message.from_user else None
    t = translator(language_of(identity, spoken, context.settings.default_language))
    username = message.managed_bot_created.bot.username or ""
    await message.reply_text(texts.setting_up(t, username), reply_markup=ReplyKeyboardRemove())


def register_managed_bots(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(ManagedBotUpdatedHandler(on_managed_bot))
    application.add_handler(
        MessageHandler(filters.StatusUpdate.MANAGED_BOT_CREATED, on_bot_created_message)
    )


# --- when a worker sees a café bot change --------------------------------------------------------


def own_bot_changes(application: LoyaltyApplication) -> Any:
    """What follows a change of a café's bot, whichever worker sees it first: its profile and
    the announcements once, and the owner's news (ready, paused, serving again) once."""

    async def changed(previous: HostedBotRecord | None, record: HostedBotRecord) -> None:
        data = application.bot_data.runtime
        was_paused = previous is not None and previous.state is BotState.PAUSED
        if record.state is BotState.PAUSED and not was_paused:
            await data.service.own_bot.tell_owner(
                record.merchant_id, record.id, record.version, "paused"
            )
            return
        if record.state is not BotState.ACTIVE:
            return
        served = data.bots.own_bot_of(record.merchant_id)
        if served is None:
            return
        if not record.profile_set:
            async with data.infra.locks.leader(f"bot-profile:{record.id}") as leading:
                fresh = await data.infra.bots.get(record.id) if leading else None
                if fresh is not None and not fresh.profile_set:
                    await _set_up(application, served, record)
                    await data.service.own_bot.refresh_profile(
                        record.merchant_id, f"bot-{record.id}.{record.version}"
                    )
                    await data.service.own_bot.announce(record.merchant_id, record.id)
                    await data.infra.bots.mark_profile_set(record.id)
                    await data.service.own_bot.tell_owner(
                        record.merchant_id, record.id, record.version, "ready"
                    )
            return
        if was_paused:
            await data.infra.outbox.resume_postponed()  # what waited for it goes out now
            if data.dispatcher is not None:
                data.dispatcher.wake()
            await data.service.own_bot.tell_owner(
                record.merchant_id, record.id, record.version, "active"
            )

    return changed


async def _set_up(
    application: LoyaltyApplication, bot: ServingBot, record: HostedBotRecord
) -> None:
    """Commands and menu button of the café's bot (its profile follows through the outbox).
    A convenience: a failure is logged, never stops the bot from being served."""
    data = application.bot_data.runtime
    try:
        await data.menus.register_defaults(bot, data.settings.web_app_url, cafe=True)
    except TelegramError as failure:
        log.warning("could not set the menus of café bot %s: %s", record.id, failure)


async def set_profile(bot: ServingBot, profile: OwnBotProfile, *, photo: bool) -> None:
    """The café's bot named after the café, described in each language (and by default), its
    photo the café's logo. Only what differs from what Telegram has is set (few calls, within
    Telegram's limits on profile changes); raises TelegramError for the outbox to try again."""
    name = profile.merchant_name[:BOT_NAME_MAX_LENGTH]
    for language in (None, *LANGUAGES):
        t = translator(language or "en")
        if (await bot.get_my_name(language_code=language)).name != name:
            await bot.set_my_name(name, language_code=language)
        description = texts.description(t, name)
        if (await bot.get_my_description(language_code=language)).description != description:
            await bot.set_my_description(description, language_code=language)
        short = texts.short_description(t, name)
        found = await bot.get_my_short_description(language_code=language)
        if found.short_description != short:
            await bot.set_my_short_description(short, language_code=language)
    if not photo:
        return
    if profile.logo_png is not None:
        picture = profile_photo(profile.logo_png, profile.brand)
        await bot.set_my_profile_photo(InputProfilePhotoStatic(picture))
    elif profile.logo_removed:  # never a photo the café did not set through its logo
        await bot.remove_my_profile_photo()


def cafe_link(username: str, qr_token: str | None) -> str:
    """Opens the café's bot, whose /start shows the person's card there (a card_ link opened
    by anyone but staff tells nothing, the holder included: PRODUCT.md §3)."""
    return bot_link(username)


FEATURE = Feature(
    name="mybot",
    commands=(Command("mybot", Audience.OWNER, mybot, platform_only=True),),
)


# --- what the outbox sends about the café's own bot -------------------------------------------


async def meet_own_bot(courier: Courier, effect: MeetOwnBot) -> None:
    """Through the platform bot, which the person knows: the café's bot, one tap away."""
    record = courier.bots.record_of(effect.merchant_id)
    if record is None or record.id != effect.bot_id or record.state is BotState.OFF:
        raise NoLongerWanted()  # the café went back to the platform bot meanwhile
    greeting = await courier.service.own_bot.greeting(effect.merchant_id, effect.user_id)
    t = courier.language_of(greeting.person, greeting.merchant_language)
    text = texts.meet(t, greeting.merchant_name, record.username, staff=greeting.is_staff)
    link = cafe_link(record.username, None if greeting.is_staff else greeting.qr_token)
    markup = keyboards.link_keyboard(texts.open_button(t, record.username), link)
    await courier.message(None, effect.user_id, text, markup, sender=courier.bots.platform)


async def refresh_profile(courier: Courier, effect: RefreshBotProfile) -> None:
    """The café's bot's profile set from the café as it is when this runs: a retry, a repeat
    and two changes delivered out of order all end with the latest name and logo."""
    record = await courier.infra.bots.of_merchant(effect.merchant_id)
    if record is None or record.state is BotState.OFF:
        raise NoLongerWanted()  # no bot of its own (its set-up will set the profile)
    bot = courier.bots.own_bot_of(effect.merchant_id)
    if bot is None:
        raise BotPaused()  # paused, or not served by this worker yet: later
    profile = await courier.service.own_bot.profile(effect.merchant_id)
    await set_profile(bot, profile, photo=effect.photo)


async def own_bot_news(courier: Courier, effect: OwnBotNews) -> None:
    """The owner hears, through the platform bot, what became of the café's bot."""
    service = courier.service
    found = await service.own_bot.owner_of(effect.merchant_id)
    owner_id = found.owner.user_id
    t = courier.language_of(found.owner, found.merchant_language)
    record = courier.bots.record_of(effect.merchant_id)
    username = record.username if record is not None else str(effect.bot_id)
    platform = courier.bots.platform
    if effect.state == "paused":
        await courier.message(None, owner_id, texts.paused(t, username), sender=platform)
        return
    if effect.state == "active":
        await courier.message(None, owner_id, texts.serving_again(t, username), sender=platform)
        return
    stores = await service.merchants.stores(owner_id)
    settings = await service.merchants.program(owner_id)
    ladder = await service.rewards.ladder(owner_id)
    join = deep_link(username, LinkKind.JOIN, stores[0].code)
    text = texts.ready(t, username, found.merchant_name, join)
    await courier.message(None, owner_id, text, sender=platform)
    look = await look_of(service.brand, found.merchant_id)
    image = poster_bytes(
        stores[0], settings, ladder.rewards, username, [settings.language], look=look
    )
    await courier.through(
        platform,
        owner_id,
        lambda bot: bot.send_document(
            owner_id,
            InputFile(image, filename=f"poster-{stores[0].code}.png"),
            rate_limit_args=SendPriority.BACKGROUND,
        ),
    )
