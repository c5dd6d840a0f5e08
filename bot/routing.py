"""The bot's routing: one command table made from the feature modules, and the handlers that
send each update to the feature it belongs to.

The table feeds the routes, the command menus, /help and the usage lines alike. Edited messages
never run a command: Telegram sends them as new updates, and a cashier's corrected /stamp
would otherwise stamp twice.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.callbacks import ButtonRouter
from bot.context import BotContext
from bot.failures import on_error
from bot.features import (
    apikeys,
    birthday,
    brand,
    card,
    corrections,
    counter,
    enrolment,
    language,
    mybot,
    offers,
    onboarding,
    privacy,
    program,
    referrals,
    reports,
    rewards,
    setup,
    staff,
    webhooks,
)
from bot.features.common import (
    Audience,
    Command,
    Feature,
    Handler,
    Viewer,
    reply,
    viewer_for,
)
from bot.i18n import Translator
from bot.menus import MenuEntry, Menus
from bot.texts import general
from bot.texts import mybot as mybot_texts
from bot.texts.commands import edited_command, help_text
from bot.texts.refusals import refusal_text
from domain.errors import DomainError
from domain.model import Identity
from infra import Step


async def help_command(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/help: the commands this user may use, by role."""
    await reply(update, help_for(viewer.t, viewer.identity))


def help_for(t: Translator, identity: Identity) -> str:
    """The help text of the command table for a person with this identity."""
    audience = Audience.of(identity)
    # Staff see what their café and seat can use: no /points in a stamp café, no /store for a
    # seat that is never asked where it works.
    membership = identity.membership
    sections = {
        level: [
            c.key
            for c in COMMANDS
            if c.audience is level
            and c.name != "help"
            and (level is Audience.CUSTOMER or c.shown_to(membership))
        ]
        for level in Audience
    }
    return help_text(
        t,
        sections[Audience.CUSTOMER],
        sections[Audience.STAFF] if audience >= Audience.STAFF else (),
        sections[Audience.OWNER] if audience >= Audience.OWNER else (),
    )


async def argument_answered(
    update: Update, context: BotContext, viewer: Viewer, step: Step
) -> None:
    """The argument a command asked for: the command runs as if it had been typed with it."""
    message = update.effective_message
    assert message is not None and message.text is not None
    if not await context.infra.steps.close(step.id):
        return  # another worker took this answer
    asked = onboarding.ARGUMENT.parse(step)
    if asked is None:  # a step stored in an older shape: answered like an expired question
        await reply(update, general.question_expired(viewer.t))
        return
    context.args = message.text.split()
    await _command_route(asked.command)(update, context, viewer)


FEATURES: tuple[Feature, ...] = (
    card.FEATURE,
    enrolment.FEATURE,
    referrals.FEATURE,
    birthday.FEATURE,
    language.FEATURE,
    privacy.FEATURE,
    counter.FEATURE,
    corrections.FEATURE,
    setup.FEATURE,
    program.FEATURE,
    rewards.FEATURE,
    staff.FEATURE,
    reports.FEATURE,
    offers.FEATURE,
    mybot.FEATURE,
    brand.FEATURE,
    apikeys.FEATURE,
    webhooks.FEATURE,
    onboarding.FEATURE,
)
COMMANDS: tuple[Command, ...] = (
    *(command for feature in FEATURES for command in feature.commands),
    Command("help", Audience.CUSTOMER, help_command),
)
MENUS = Menus(
    [
        MenuEntry(c.name, int(c.audience), c.key, c.platform_only, c.collects)
        for c in COMMANDS
        if c.in_menu
    ]
)
BUTTONS = ButtonRouter(route for feature in FEATURES for route in feature.buttons)
DEEP_LINKS = {prefix: h for feature in FEATURES for prefix, h in feature.deep_links.items()}
TEXT_STEPS = {kind: h for feature in FEATURES for kind, h in feature.text_steps.items()}
TEXT_STEPS[onboarding.ARGUMENT.name] = argument_answered
MEDIA_STEPS = {kind: h for feature in FEATURES for kind, h in feature.media_steps.items()}
TEXT_FALLBACKS = tuple(f for feature in FEATURES for f in feature.text_fallbacks)


def handles(
    function: Callable[[Update, BotContext, Viewer], Awaitable[None]],
) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
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


def _command_route(name: str) -> Handler:
    """The row for `name` that fits the person best: the highest audience they belong to
    (the owner's /stores lists stores, a customer's where the card works); anyone else gets
    the lowest one, whose use case refuses them in words."""
    rows = sorted((c for c in COMMANDS if c.name == name), key=lambda c: c.audience)

    async def route(update: Update, context: BotContext, viewer: Viewer) -> None:
        audience = Audience.of(viewer.identity)
        mine = [c for c in rows if c.audience <= audience]
        fitting = mine or rows[:1]
        if fitting[-1].platform_only and not context.bot.is_platform:
            await reply(update, mybot_texts.only_here(viewer.t))
            return
        if not context.args and name in onboarding.ASKS_FOR_ARGUMENT and fitting[-1] in mine:
            await onboarding.ask_argument(update, context, viewer, name)
            return
        await fitting[-1].handler(update, context, viewer)

    return route


async def start(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/start, with a deep-link payload to join a store, accept an invite or open a card."""
    payload = context.args[0] if context.args else ""
    for prefix, opened in DEEP_LINKS.items():
        if payload.startswith(prefix):
            await opened(update, context, viewer, payload.removeprefix(prefix))
            return
    await onboarding.welcome(update, context, viewer)


async def on_button(update: Update, context: BotContext, viewer: Viewer) -> None:
    """Every inline button: validate the data, answer the query, run the action."""
    query = update.callback_query
    assert query is not None
    found = BUTTONS.route(query.data)
    if found is None:
        await query.answer(general.button_expired(viewer.t))
        return
    await query.answer()
    button, arguments = found
    await button(update, context, viewer, *arguments)


async def on_text(update: Update, context: BotContext, viewer: Viewer) -> None:
    """Text that is not a command: the answer to a pending step, or something a feature
    recognises (a typed card number), or a friendly hint.

    A reply names the step it answers (its prompt); a bare message answers the chat's open
    step. A reply to a step that is closed is never given to another one.
    """
    message = update.effective_message
    assert message is not None
    steps, now = context.infra.steps, context.service.clock.now()
    answered = None
    if message.reply_to_message is not None:
        answered = await steps.answered_by_reply(
            viewer.chat_id, message.reply_to_message.message_id
        )
        if answered is not None and answered.kind not in TEXT_STEPS:
            answered = None
    if answered is None:  # not a reply to a prompt: the chat's open step, if any
        answered = await steps.latest_open(viewer.chat_id, TEXT_STEPS.keys())
    if answered is not None and answered.is_open(now):
        await TEXT_STEPS[answered.kind](update, context, viewer, answered)
        return
    for fallback in TEXT_FALLBACKS:
        if await fallback(update, context, viewer, answered):
            return
    await reply(update, general.not_understood(viewer.t))


async def on_photo(update: Update, context: BotContext, viewer: Viewer) -> None:
    """A photo: the answer to a step that takes one (an offer), else a friendly hint."""
    message = update.effective_message
    assert message is not None
    steps, now = context.infra.steps, context.service.clock.now()
    answered = None
    if message.reply_to_message is not None:
        answered = await steps.answered_by_reply(
            viewer.chat_id, message.reply_to_message.message_id
        )
    if answered is None or answered.kind not in MEDIA_STEPS:
        answered = await steps.latest_open(viewer.chat_id, MEDIA_STEPS.keys())
    if answered is not None and answered.is_open(now):
        await MEDIA_STEPS[answered.kind](update, context, viewer, answered)
        return
    await reply(update, general.not_understood(viewer.t))


async def on_unknown_command(update: Update, context: BotContext, viewer: Viewer) -> None:
    """A command we do not have: suggest the nearest one this person may use (/stmap)."""
    message = update.effective_message
    typed = ((message.text or "") if message is not None else "").split()[0][1:].split("@")[0]
    audience = Audience.of(viewer.identity)
    mine = sorted({c.name for c in COMMANDS if c.audience <= audience})
    close = difflib.get_close_matches(typed.lower(), mine, n=1, cutoff=0.7)
    if close and len(typed) <= 32:
        await reply(update, general.did_you_mean(viewer.t, typed, close[0]))
    else:
        await reply(update, general.unknown_command(viewer.t))


async def on_edited(update: Update, context: BotContext, viewer: Viewer) -> None:
    """An edited message is never carried out; an edited command gets a short hint."""
    message = update.edited_message
    if message is not None and (message.text or "").startswith("/"):
        await reply(update, edited_command(viewer.t))


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    private = filters.ChatType.PRIVATE
    new_messages = private & filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("start", handles(start), filters=new_messages))
    for name in dict.fromkeys(c.name for c in COMMANDS):
        application.add_handler(
            CommandHandler(name, handles(_command_route(name)), filters=new_messages)
        )
    application.add_handler(CallbackQueryHandler(handles(on_button)))
    application.add_handler(
        MessageHandler(new_messages & filters.COMMAND, handles(on_unknown_command))
    )
    application.add_handler(MessageHandler(new_messages & filters.TEXT, handles(on_text)))
    application.add_handler(MessageHandler(new_messages & filters.PHOTO, handles(on_photo)))
    application.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, handles(on_edited))
    )
    application.add_error_handler(on_error)
