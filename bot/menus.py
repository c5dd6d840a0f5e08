"""Command menus (setMyCommands), made from the command table: customers' by language for all
private chats, staff's and owners' per chat."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext

from bot.i18n import LANGUAGES, Translator, translator
from bot.serving import ServingBot
from bot.texts.commands import menu_description
from bot.texts.webapp import menu_button
from domain.model import Identity, ProgramType, RewardUnit, units_of

log = logging.getLogger(__name__)

CUSTOMER, STAFF, OWNER = 0, 1, 2  # the audiences of bot.features.common.Audience


@dataclass(frozen=True)
class MenuEntry:
    name: str
    audience: int
    text_key: str  # which description of bot/texts/commands it shows
    platform_only: bool = False  # not in a café's own bot's menus
    collects: RewardUnit | None = None  # shown only where the cards collect it

    def fits(self, program_type: ProgramType | None) -> bool:
        return (
            self.collects is None
            or program_type is None
            or (self.collects in units_of(program_type))
        )


# The Mini App's first tab for each audience (its menu button opens it there).
WEB_APP_TABS = {CUSTOMER: "cards", STAFF: "counter", OWNER: "business"}


def web_app_link(web_app_url: str, tab: str, bot_key: int = 0) -> str:
    """The Mini App's address opened at `tab` (a query: Telegram uses the fragment itself).
    Opened from a café's bot it names that bot, whose token its initData is checked with."""
    link = f"{web_app_url.rstrip('/')}/?tab={tab}"
    return f"{link}&bot={bot_key}" if bot_key else link


class Menus:
    def __init__(self, entries: Sequence[MenuEntry]) -> None:
        self._entries = tuple(entries)

    def commands(
        self,
        t: Translator,
        audience: int,
        *,
        cafe: bool = False,
        program_type: ProgramType | None = None,
    ) -> list[BotCommand]:
        """Staff commands first (what a cashier needs most), then the owner's, then the rest;
        a café's own bot leaves out what only the platform bot does, and a stamp-only café's
        menu what works on points (and the other way round)."""
        order = [STAFF, OWNER, CUSTOMER]
        chosen: list[MenuEntry] = []
        for level in order:
            if level > audience:
                continue
            for entry in self._entries:
                if (cafe and entry.platform_only) or not entry.fits(program_type):
                    continue
                if entry.audience == level and entry.name not in {c.name for c in chosen}:
                    chosen.append(entry)
        return [BotCommand(e.name, menu_description(t, e.text_key)) for e in chosen]

    async def register_defaults(
        self, bot: Bot, web_app_url: str | None = None, *, cafe: bool = False
    ) -> None:
        """The customers' menu in every language, for all private chats (and, with a Mini App,
        the menu button that opens it)."""
        if web_app_url is not None:
            button = _web_app_button(web_app_url, translator("en"), CUSTOMER, _key(bot))
            await bot.set_chat_menu_button(menu_button=button)
        scope = BotCommandScopeAllPrivateChats()
        await bot.set_my_commands(self.commands(translator("en"), CUSTOMER, cafe=cafe), scope=scope)
        for language in LANGUAGES:
            await bot.set_my_commands(
                self.commands(translator(language), CUSTOMER, cafe=cafe),
                scope=scope,
                language_code=language,
            )

    async def register_defaults_or_retry(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        retry_seconds: float,
        web_app_url: str | None = None,
    ) -> None:
        """Set the default menus now or, if Telegram fails, every `retry_seconds` until it works.

        Menus are a convenience: a failing setMyCommands (5xx, timeout, flood control beyond the
        retries) must not keep the bot from starting and answering.
        """
        if await self._defaults_set(application.bot, web_app_url):
            return
        jobs = application.job_queue
        assert jobs is not None  # the job-queue extra is a dependency
        jobs.run_repeating(
            self._retry_defaults, interval=retry_seconds, first=retry_seconds, data=web_app_url
        )

    async def _retry_defaults(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        if await self._defaults_set(context.bot, context.job.data if context.job else None):
            assert context.job is not None
            context.job.schedule_removal()

    async def _defaults_set(self, bot: Bot, web_app_url: Any) -> bool:
        try:
            await self.register_defaults(bot, web_app_url)
        except TelegramError as failure:
            log.warning("could not set the command menus (%s); will retry", failure)
            return False
        return True

    async def refresh(
        self,
        bot: Bot,
        chat_id: int,
        identity: Identity,
        t: Translator,
        web_app_url: str | None = None,
    ) -> None:
        """A staff member's or owner's own menu in their language; customers use the default."""
        scope = BotCommandScopeChat(chat_id)
        audience = OWNER if identity.is_owner else STAFF if identity.is_staff else CUSTOMER
        cafe = isinstance(bot, ServingBot) and not bot.is_platform
        try:
            if audience > CUSTOMER:
                program_type = (
                    identity.membership.program_type if identity.membership is not None else None
                )
                commands = self.commands(t, audience, cafe=cafe, program_type=program_type)
                await bot.set_my_commands(commands, scope=scope)
            else:
                await bot.delete_my_commands(scope=scope)
            if web_app_url is not None:  # the Mini App, opened at this person's first tab
                button = _web_app_button(web_app_url, t, audience, _key(bot))
                await bot.set_chat_menu_button(chat_id, button)
        except TelegramError as failure:  # a menu is a convenience: never fail the operation
            log.warning("could not update the command menu of a chat: %s", failure)


def _key(bot: Bot) -> int:
    return bot.key if isinstance(bot, ServingBot) else 0


def _web_app_button(
    web_app_url: str, t: Translator, audience: int, bot_key: int = 0
) -> MenuButtonWebApp:
    link = web_app_link(web_app_url, WEB_APP_TABS[audience], bot_key)
    return MenuButtonWebApp(menu_button(t), WebAppInfo(link))
