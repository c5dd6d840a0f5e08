"""The café's look: /brand shows a sample card in the café's colour, symbol and logo, with a tap
for each choice; a photo sent after "Logo" becomes the logo (resized once, stored once);
/brand name renames the café.

Every answer is a fresh preview, so the owner sees what customers will see. The rules (which
colours, which symbols, how text stays readable) are the domain's (domain/brand.py).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode

from bot.brand_preview import sample_card
from bot.callbacks import ButtonAction, Token
from bot.context import BotContext
from bot.features.common import (
    PROMPT_TTL,
    Audience,
    Command,
    Feature,
    Viewer,
    prompt,
    reply,
)
from bot.look import save_logo
from bot.step_kinds import Nothing, StepKind
from bot.texts import brand as texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.brand import ICONS, SWATCHES
from domain.service import BrandPart
from infra import Step

BRAND_LOGO = StepKind("brand_logo", Nothing)  # the owner sends the logo as a photo

CHOOSE_COLOUR = ButtonAction("bc", (Token,))  # a swatch's name
CHOOSE_SYMBOL = ButtonAction("bs", (Token,))  # a drawn icon's name
ASK_LOGO = ButtonAction("bl")
CLEAR = ButtonAction("bx", (Token,))  # "logo" or "all"


def _owned_merchant(viewer: Viewer) -> tuple[int, str]:
    membership = viewer.identity.membership
    if not viewer.identity.is_owner or membership is None:
        raise errors.NotOwner()
    return membership.merchant_id, membership.merchant_name


def _keyboard(viewer: Viewer, has_logo: bool) -> InlineKeyboardMarkup:
    t = viewer.t
    swatches = [
        InlineKeyboardButton(texts.swatch_button(t, name), callback_data=CHOOSE_COLOUR.data(name))
        for name in SWATCHES
    ]
    symbols = [
        InlineKeyboardButton(texts.ICON_MARKS[name], callback_data=CHOOSE_SYMBOL.data(name))
        for name in ICONS
    ]
    last = [InlineKeyboardButton(texts.logo_button(t), callback_data=ASK_LOGO.data())]
    if has_logo:
        last.append(
            InlineKeyboardButton(texts.remove_logo_button(t), callback_data=CLEAR.data("logo"))
        )
    last.append(InlineKeyboardButton(texts.reset_button(t), callback_data=CLEAR.data("all")))
    return InlineKeyboardMarkup([swatches[:4], swatches[4:], symbols, last])


async def _show(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    head: str = "",
    *,
    renamed: str | None = None,
) -> None:
    """The café's look as a sample card, what was chosen, and a button for each choice
    (`renamed`: the name just given, newer than the one the update was read with)."""
    merchant_id, merchant_name = _owned_merchant(viewer)
    merchant_name = renamed or merchant_name
    brand = await context.service.brand.mine(viewer.user_id)
    picture = await sample_card(
        context.service, viewer.user_id, (merchant_id, merchant_name), viewer.t, context.link
    )
    caption = texts.status(viewer.t, merchant_name, brand)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_photo(
        InputFile(picture, filename="card-preview.png"),
        caption=f"{head}\n\n{caption}" if head else caption,
        parse_mode=ParseMode.HTML,
        reply_markup=_keyboard(viewer, brand.logo_version > 0),
    )


async def brand(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/brand [colour | symbol | reset | name <new name>]: the café's look and name."""
    args = context.args or []
    if not args:
        await _show(update, context, viewer)
        return
    if args[0].lower() == "name":
        if len(args) == 1:
            await reply(update, texts.usage(viewer.t))
            return
        name = await context.service.merchants.rename(viewer.user_id, " ".join(args[1:]))
        await _show(update, context, viewer, texts.renamed(viewer.t, name), renamed=name)
        return
    choice = " ".join(args).strip()
    service = context.service.brand
    if choice.lower() == "reset":
        await service.clear(viewer.user_id, BrandPart.ALL)
    elif choice.startswith("#") or choice.lower() in SWATCHES or _looks_hex(choice):
        await service.set_colour(viewer.user_id, choice)
    elif choice.lower() in ICONS or not any(char.isalnum() for char in choice):
        await service.set_symbol(viewer.user_id, choice)
    else:
        await reply(update, texts.usage(viewer.t))
        return
    await _show(update, context, viewer, texts.changed(viewer.t))


def _looks_hex(text: str) -> bool:
    return len(text) in (3, 6) and all(char in "0123456789abcdefABCDEF" for char in text)


async def _choose_colour(update: Update, context: BotContext, viewer: Viewer, swatch: str) -> None:
    await context.service.brand.set_colour(viewer.user_id, swatch)
    await _show(update, context, viewer, texts.changed(viewer.t))


async def _choose_symbol(update: Update, context: BotContext, viewer: Viewer, symbol: str) -> None:
    await context.service.brand.set_symbol(viewer.user_id, symbol)
    await _show(update, context, viewer, texts.changed(viewer.t))


async def _clear(update: Update, context: BotContext, viewer: Viewer, part: str) -> None:
    chosen = BrandPart.LOGO if part == "logo" else BrandPart.ALL
    await context.service.brand.clear(viewer.user_id, chosen)
    await _show(update, context, viewer, texts.changed(viewer.t))


async def _ask_logo(update: Update, context: BotContext, viewer: Viewer) -> None:
    _owned_merchant(viewer)
    step = await context.infra.steps.open(
        viewer.chat_id, BRAND_LOGO.name, ttl=PROMPT_TTL, supersedes=(BRAND_LOGO.name,)
    )
    await prompt(
        update, context, step, texts.logo_prompt(viewer.t), texts.logo_placeholder(viewer.t)
    )


async def _logo_sent(update: Update, context: BotContext, viewer: Viewer, step: Step) -> None:
    """The logo: the largest size Telegram made of the photo, read once and stored resized. A
    picture that cannot be read keeps the step open for another try."""
    message = update.effective_message
    assert message is not None
    if not message.photo:
        await reply(update, texts.logo_prompt(viewer.t))
        return
    photo = await message.photo[-1].get_file()
    data = bytes(await photo.download_as_bytearray())
    try:
        await save_logo(context.service.brand, viewer.user_id, data)
    except errors.BadLogo as refusal:
        await reply(update, refusal_text(viewer.t, refusal))
        return
    await context.infra.steps.close(step.id)
    await _show(update, context, viewer, texts.changed(viewer.t))


FEATURE = Feature(
    name="brand",
    commands=(Command("brand", Audience.OWNER, brand),),
    buttons=(
        (CHOOSE_COLOUR, _choose_colour),
        (CHOOSE_SYMBOL, _choose_symbol),
        (ASK_LOGO, _ask_logo),
        (CLEAR, _clear),
    ),
    media_steps={BRAND_LOGO.name: _logo_sent},
)
