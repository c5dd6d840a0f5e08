"""Setting up a business and its stores: /setup, /addstore, /stores, /poster."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InputFile, Update

from bot.callbacks import ButtonAction, Token
from bot.confirmations import Confirmation
from bot.context import BotContext
from bot.features.common import (
    Audience,
    Command,
    Feature,
    Viewer,
    reply,
)
from bot.i18n import LANGUAGES
from bot.links import LinkKind
from bot.look import look_of
from bot.printing import PosterFormat, poster_bytes
from bot.step_kinds import StepKind
from bot.texts import general
from bot.texts import owner as owner_texts
from bot.texts import reports as report_texts
from bot.texts.commands import usage
from domain import errors
from domain.model import StoreView
from infra import Step


@dataclass(frozen=True)
class SetupSwitch:
    """Leaving one's staff seat to run a new business of this name."""

    name: str


# The Yes/No answer carries its step and "y" or "n".
SWITCH = Confirmation(StepKind("setup_switch", SetupSwitch), ButtonAction("su", (int, Token)))


def _join_link(context: BotContext, store: StoreView) -> str:
    return context.link(LinkKind.JOIN, store.code, store.merchant_id)


async def setup(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/setup <business name>: merchant, first store and default program."""
    name = " ".join(context.args or [])
    if not name:
        await reply(update, usage(viewer.t, "setup"))
        return
    await _create_business(update, context, viewer, name, switch=False)


async def _create_business(
    update: Update, context: BotContext, viewer: Viewer, name: str, *, switch: bool
) -> None:
    t = viewer.t
    try:
        store = await context.service.merchants.setup(
            viewer.profile,
            name,
            language=t.language,
            reward=owner_texts.default_reward(t),
            points_reward_text=owner_texts.default_points_reward(t),
            switch_membership=switch,
        )
    except errors.MembershipSwitchRequired as asked:
        buttons = await SWITCH.ask(context, viewer, SetupSwitch(name))
        await reply(
            update, general.setup_switch_question(t, asked.current_merchant_name, name), buttons
        )
        return
    await reply(update, owner_texts.setup_done(t, store, _join_link(context, store)))
    await context.menus.refresh(viewer.chat_id, viewer.user_id, t)


async def _switch_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, asked: SetupSwitch
) -> None:
    await _create_business(update, context, viewer, asked.name, switch=True)


async def addstore(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/addstore <name>."""
    name = " ".join(context.args or [])
    if not name:
        await reply(update, usage(viewer.t, "addstore"))
        return
    store = await context.service.merchants.add_store(viewer.user_id, name)
    await reply(update, owner_texts.store_added(viewer.t, store, _join_link(context, store)))


async def stores(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/stores for owners: their stores with codes and join links."""
    found = await context.service.merchants.stores(viewer.user_id)
    await reply(
        update,
        owner_texts.stores_list(viewer.t, [(s, _join_link(context, s)) for s in found]),
    )


POSTER_LANGUAGES_MAX = 2  # one language, or a bilingual poster


def split_poster_args(args: Sequence[str]) -> tuple[str, list[str]]:
    """`/poster [store] [language…]`: the trailing language codes, and the store before them."""
    words = list(args)
    languages: list[str] = []
    while words and words[-1].lower() in LANGUAGES:
        code = words.pop().lower()
        if code not in languages:
            languages.insert(0, code)
    return " ".join(words), languages


def split_poster_format(args: Sequence[str]) -> tuple[list[str], PosterFormat]:
    """`/poster … pdf`: the format named last, if any, and the words before it."""
    words = list(args)
    if words and words[-1].lower() in set(PosterFormat):
        return words[:-1], PosterFormat(words[-1].lower())
    return words, PosterFormat.PNG


async def poster(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/poster [store] [language…] [pdf]: a printable PNG (or an A4 PDF) with the store's join
    QR code, the rewards and the store code, in one language or two (the merchant's unless
    told)."""
    words, kind = split_poster_format(context.args or [])
    reference, languages = split_poster_args(words)
    if len(languages) > POSTER_LANGUAGES_MAX:
        await reply(update, usage(viewer.t, "poster"))
        return
    if reference:
        store = await context.service.merchants.find_store(viewer.user_id, reference)
    else:
        store = (await context.service.merchants.stores(viewer.user_id))[0]
    settings = await context.service.merchants.program(viewer.user_id)
    ladder = await context.service.rewards.ladder(viewer.user_id)
    # The poster speaks to the merchant's customers: their language unless the owner chose.
    bot = context.bots.username_for(store.merchant_id)
    look = await look_of(context.service.brand, store.merchant_id)
    poster = poster_bytes(
        store, settings, ladder.rewards, bot, languages or [settings.language], kind, look
    )
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(poster, filename=f"poster-{store.code}.{kind.value}"),
        caption=report_texts.poster_caption(viewer.t, store.name),
        parse_mode="HTML",
    )


FEATURE = Feature(
    name="setup",
    commands=(
        Command("setup", Audience.CUSTOMER, setup, in_menu=False, platform_only=True),
        Command("stores", Audience.OWNER, stores, text_key="owner:stores"),
        Command("addstore", Audience.OWNER, addstore),
        Command("poster", Audience.OWNER, poster),
    ),
    buttons=SWITCH.buttons(_switch_confirmed),
)
