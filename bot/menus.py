"""Command menus (setMyCommands): customers' by language, staff's and owners' per chat."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext

from bot.i18n import LANGUAGES, Translator, translator
from domain.model import Identity

log = logging.getLogger(__name__)


def customer_commands(t: Translator) -> list[BotCommand]:
    return [
        BotCommand("card", t.gettext("Your card and its QR code")),
        BotCommand("history", t.gettext("Your latest stamps and points")),
        BotCommand("stores", t.gettext("Where your card works")),
        BotCommand("newqr", t.gettext("A new QR code for your card")),
        BotCommand("language", t.gettext("Choose your language")),
        BotCommand("mydata", t.gettext("Everything we store about you")),
        BotCommand("forget", t.gettext("Erase your personal data")),
        BotCommand("help", t.gettext("What I can do")),
    ]


def staff_commands(t: Translator) -> list[BotCommand]:
    return [
        BotCommand("stamp", t.gettext("Give stamps: /stamp card [n]")),
        BotCommand("redeem", t.gettext("Redeem a reward: /redeem card")),
        BotCommand("points", t.gettext("Add points: /points card amount")),
        BotCommand("void", t.gettext("Take points back: /void card points")),
        BotCommand("lookup", t.gettext("See a card: /lookup card")),
        BotCommand("undo", t.gettext("Undo your last operation")),
    ]


def owner_commands(t: Translator) -> list[BotCommand]:
    return [
        BotCommand("program", t.gettext("See and change your program")),
        BotCommand("stores", t.gettext("Your stores and their join links")),
        BotCommand("addstore", t.gettext("Add a store")),
        BotCommand("invite", t.gettext("Invite a cashier")),
        BotCommand("staff", t.gettext("Your staff")),
        BotCommand("revoke", t.gettext("Remove a staff member")),
        BotCommand("summary", t.gettext("Your activity summary")),
        BotCommand("export", t.gettext("The ledger as a spreadsheet (CSV)")),
        BotCommand("poster", t.gettext("A printable poster with your join QR code")),
    ]


def commands_for(t: Translator, identity: Identity) -> list[BotCommand]:
    commands = []
    if identity.is_staff:
        commands += staff_commands(t)
    if identity.is_owner:
        commands += owner_commands(t)
    names = {c.command for c in commands}
    commands += [c for c in customer_commands(t) if c.command not in names]
    return commands


async def register_default_menus(bot: Bot) -> None:
    """The customers' menu in every language, for all private chats."""
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(customer_commands(translator("en")), scope=scope)
    for language in LANGUAGES:
        await bot.set_my_commands(
            customer_commands(translator(language)), scope=scope, language_code=language
        )


async def register_default_menus_or_retry(
    application: Application[Any, Any, Any, Any, Any, Any], retry_seconds: float
) -> None:
    """Set the default menus now or, if Telegram fails, every `retry_seconds` until it works.

    Menus are a convenience: a failing setMyCommands (5xx, timeout, flood control beyond the
    retries) must not keep the bot from starting and answering.
    """
    if await _default_menus_set(application.bot):
        return
    jobs = application.job_queue
    assert jobs is not None  # the job-queue extra is a dependency
    jobs.run_repeating(_retry_default_menus, interval=retry_seconds, first=retry_seconds)


async def _retry_default_menus(context: CallbackContext[Any, Any, Any, Any]) -> None:
    if await _default_menus_set(context.bot):
        assert context.job is not None
        context.job.schedule_removal()


async def _default_menus_set(bot: Bot) -> bool:
    try:
        await register_default_menus(bot)
    except TelegramError as failure:
        log.warning("could not set the command menus (%s); will retry", failure)
        return False
    return True


async def update_chat_menu(bot: Bot, chat_id: int, identity: Identity, t: Translator) -> None:
    """A staff member's or owner's own menu, in their language; customers use the default one."""
    scope = BotCommandScopeChat(chat_id)
    try:
        if identity.is_staff:
            await bot.set_my_commands(commands_for(t, identity), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as failure:  # a menu is a convenience: never fail the operation for it
        log.warning("could not update the command menu of a chat: %s", failure)
