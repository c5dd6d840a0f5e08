"""Customer commands: /start (and its deep links), /join, /card, /history, /stores, /newqr,
/language, /mydata, /forget, /help."""

from __future__ import annotations

import json

from telegram import InputFile, Update
from telegram.constants import ParseMode

from bot import keyboards, wallet
from bot.context import BotContext
from bot.handlers.common import Viewer, edit_or_reply, handles, reply
from bot.handlers.owner import accept_invite, list_stores
from bot.handlers.staff import show_scanned_card
from bot.i18n import translator
from bot.images import qr_png
from bot.menus import update_chat_menu
from bot.texts import cards as card_texts
from bot.texts import general
from domain import errors
from domain.model import CardView

PAYLOAD_JOIN, PAYLOAD_STAFF, PAYLOAD_CARD = "join_", "staff_", "card_"


@handles
async def start(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/start, with a deep-link payload to join a store, accept an invite or open a card."""
    payload = context.args[0] if context.args else ""
    if payload.startswith(PAYLOAD_JOIN):
        await join_store(update, context, viewer, payload.removeprefix(PAYLOAD_JOIN))
    elif payload.startswith(PAYLOAD_STAFF):
        await accept_invite(update, context, viewer, payload.removeprefix(PAYLOAD_STAFF))
    elif payload.startswith(PAYLOAD_CARD):
        await show_scanned_card(update, context, viewer, payload.removeprefix(PAYLOAD_CARD))
    else:
        cards = await context.service.customers.cards(viewer.user_id)
        text = general.welcome(viewer.t, viewer.first_name)
        if cards:
            text = card_texts.cards_overview(viewer.t, cards)
        await reply(update, text)


@handles
async def join(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/join <store code>."""
    if not context.args or len(context.args) != 1:
        await reply(update, general.usage(viewer.t, "join"))
        return
    await join_store(update, context, viewer, context.args[0])


async def join_store(update: Update, context: BotContext, viewer: Viewer, code: str) -> None:
    enrolment = await context.service.customers.enrol(viewer.profile, code)
    # A newcomer with no language of their own is greeted in the merchant's language.
    t = viewer.t
    if viewer.identity.language is None and viewer.telegram_language is None:
        t = translator(enrolment.card.merchant_language)
    await reply(update, card_texts.joined_text(t, enrolment))
    await send_card(update, context, enrolment.card, viewer)


async def send_card(update: Update, context: BotContext, card: CardView, viewer: Viewer) -> None:
    """The card as a QR code image with its details as the caption."""
    chat = update.effective_chat
    assert chat is not None
    link = context.link(f"{PAYLOAD_CARD}{card.qr_token}")
    passes = await wallet.offer(context.service, card, link)  # None: no wallet configured
    await chat.send_photo(
        InputFile(qr_png(link), filename="card.png"),
        caption=card_texts.card_text(viewer.t, card),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.wallet_keyboard(
            viewer.t, None if passes is None else passes.google_save_url
        ),
    )
    if passes is not None and passes.apple_pass is not None:
        await chat.send_document(
            wallet.pkpass_file(passes.apple_pass), caption=keyboards.apple_wallet_label(viewer.t)
        )


async def _the_card(
    update: Update, context: BotContext, viewer: Viewer, action: str
) -> CardView | None:
    """The customer's only card; with several, ask which one (buttons) and return None."""
    cards = await context.service.customers.cards(viewer.user_id)
    if not cards:
        raise errors.NoCard()
    if len(cards) == 1:
        return cards[0]
    await reply(
        update, viewer.t.gettext("Which card?"), keyboards.card_choice_keyboard(action, cards)
    )
    return None


@handles
async def card(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/card: every card of the customer, each with its QR code."""
    cards = await context.service.customers.cards(viewer.user_id)
    if not cards:
        raise errors.NoCard()
    for each in cards:
        await send_card(update, context, each, viewer)


@handles
async def history(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/history: the last 10 ledger lines of the card, with an "older" button."""
    chosen = await _the_card(update, context, viewer, "hc")
    if chosen is not None:
        await show_history(update, context, viewer, chosen.card_id, None)


async def show_history(
    update: Update, context: BotContext, viewer: Viewer, card_id: int, before_id: int | None
) -> None:
    view = await context.service.customers.card(viewer.user_id, card_id)
    page = await context.service.customers.history(viewer.user_id, card_id, before_id=before_id)
    text = card_texts.history_text(viewer.t, view, page, first_page=before_id is None)
    await reply(update, text, keyboards.history_keyboard(viewer.t, card_id, page.older_cursor))


@handles
async def stores(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/stores: for owners their stores and join links, for customers where each card works."""
    if viewer.identity.is_owner:
        await list_stores(update, context, viewer)
        return
    cards = await context.service.customers.cards(viewer.user_id)
    if not cards:
        raise errors.NoCard()
    for each in cards:
        where = await context.service.customers.stores_of_card(viewer.user_id, each.card_id)
        await reply(update, card_texts.stores_text(viewer.t, each, where))


@handles
async def newqr(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/newqr: a new QR token; the old code stops working at once."""
    chosen = await _the_card(update, context, viewer, "nq")
    if chosen is not None:
        await renew_qr(update, context, viewer, chosen.card_id)


async def renew_qr(update: Update, context: BotContext, viewer: Viewer, card_id: int) -> None:
    renewed = await context.service.customers.regenerate_qr(viewer.user_id, card_id)
    wallet.card_changed_later(context, card_id)  # the passes' QR codes change too
    await reply(update, viewer.t.gettext("Here is your new QR code. The old one no longer works."))
    await send_card(update, context, renewed, viewer)


@handles
async def language(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/language: pick en, fr, de or lb."""
    await reply(update, general.choose_language(viewer.t), keyboards.language_keyboard())


async def set_language(update: Update, context: BotContext, viewer: Viewer, code: str) -> None:
    await context.service.customers.set_language(viewer.profile, code)
    t = translator(code)
    await edit_or_reply(update, general.language_set(t))
    if viewer.identity.is_staff and update.effective_chat is not None:
        await update_chat_menu(context.bot, update.effective_chat.id, viewer.identity, t)


@handles
async def help_command(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/help: the commands this user may use, by role."""
    await reply(update, general.help_text(viewer.t, viewer.identity))


@handles
async def mydata(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/mydata: a JSON file of everything stored about the user."""
    data = await context.service.customers.export_data(viewer.user_id)
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(content, filename="my-loyalty-data.json"),
        caption=general.mydata_caption(viewer.t),
    )


@handles
async def forget(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/forget: erase personal data after confirmation."""
    await reply(
        update,
        general.forget_question(viewer.t),
        keyboards.yes_no_keyboard(
            viewer.t, keyboards.callback("fg", "y"), keyboards.callback("fg", "n")
        ),
    )
