"""The customer's card: /card, /history, /stores, /newqr, and "Not me" on a notice (after
confirmation)."""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction, Token
from bot.confirmations import Confirmation
from bot.context import BotContext
from bot.courier import Courier
from bot.features.common import (
    Audience,
    Command,
    Feature,
    Viewer,
    edit_or_reply,
    reply,
    send_card,
)
from bot.step_kinds import Nothing, StepKind
from bot.texts import cards as card_texts
from bot.texts import counter as counter_texts
from bot.texts import disputes as dispute_texts
from bot.texts.reports import expiry_reminder
from domain import errors
from domain.effects import AlertOwner, NotifyCustomer, RemindExpiry
from domain.model import CardView
from infra import Step

OLDER_HISTORY = ButtonAction("h", (int, int))  # card id, the oldest entry id shown
HISTORY_OF = ButtonAction("hc", (int,))  # card id
NEW_QR_OF = ButtonAction("nq", (int,))  # card id
NOT_ME = ButtonAction("nm", (int,))  # ledger entry id

# Confirm a "not me" (subject: the ledger entry); not superseding: each notice's question
# stands on its own. The answer carries its step and "y" or "n".
NOT_ME_CONFIRMATION = Confirmation(
    StepKind("not_me", Nothing), ButtonAction("nma", (int, Token)), supersedes=()
)


async def _the_card(
    update: Update, context: BotContext, viewer: Viewer, choice: ButtonAction
) -> CardView | None:
    """The customer's only card; with several, ask which one (buttons) and return None."""
    cards = await context.service.customers.cards(viewer.user_id)
    if not cards:
        raise errors.NoCard()
    if len(cards) == 1:
        return cards[0]
    await reply(
        update,
        card_texts.which_card(viewer.t),
        keyboards.card_choice_keyboard(cards, lambda card: choice.data(card.card_id)),
    )
    return None


async def card(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/card: every card of the customer, each with its QR code."""
    cards = await context.service.customers.cards(viewer.user_id)
    if not cards:
        raise errors.NoCard()
    for each in cards:
        await send_card(update, context, each, viewer)


async def history(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/history: the last 10 ledger lines of the card, with an "older" button."""
    chosen = await _the_card(update, context, viewer, HISTORY_OF)
    if chosen is not None:
        await _show_history(update, context, viewer, chosen.card_id, None)


async def _show_history(
    update: Update, context: BotContext, viewer: Viewer, card_id: int, before_id: int | None
) -> None:
    view = await context.service.customers.card(viewer.user_id, card_id)
    page = await context.service.customers.history(viewer.user_id, card_id, before_id=before_id)
    text = card_texts.history_text(viewer.t, view, page, first_page=before_id is None)
    older = None if page.older_cursor is None else OLDER_HISTORY.data(card_id, page.older_cursor)
    await reply(update, text, keyboards.history_keyboard(viewer.t, older))


async def _older_history(
    update: Update, context: BotContext, viewer: Viewer, card_id: int, before_id: int
) -> None:
    await _show_history(update, context, viewer, card_id, before_id)


async def _history_of(update: Update, context: BotContext, viewer: Viewer, card_id: int) -> None:
    await _show_history(update, context, viewer, card_id, None)


async def stores(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/stores: where each card works."""
    cards = await context.service.customers.cards(viewer.user_id)
    if not cards:
        raise errors.NoCard()
    for each in cards:
        where = await context.service.customers.stores_of_card(viewer.user_id, each.card_id)
        await reply(update, card_texts.stores_text(viewer.t, each, where))


async def newqr(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/newqr: a new QR token; the old code stops working at once."""
    chosen = await _the_card(update, context, viewer, NEW_QR_OF)
    if chosen is not None:
        await _renew_qr(update, context, viewer, chosen.card_id)


async def _renew_qr(update: Update, context: BotContext, viewer: Viewer, card_id: int) -> None:
    renewed = await context.service.customers.regenerate_qr(viewer.user_id, card_id)
    await reply(update, card_texts.new_qr_done(viewer.t))
    await send_card(update, context, renewed, viewer)


async def _not_me(update: Update, context: BotContext, viewer: Viewer, entry_id: int) -> None:
    """ "Not me" under a notice: ask first, since an earning is reversed at once (a stray tap
    would take away a real stamp) and the owner is alerted."""
    question = await context.service.customers.dispute_question(viewer.user_id, entry_id)
    buttons = await NOT_ME_CONFIRMATION.ask(context, viewer, Nothing(), subject_id=entry_id)
    await reply(update, dispute_texts.dispute_question(viewer.t, question), buttons)


async def _not_me_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, _: Nothing
) -> None:
    """Yes: the earning is reversed or the redemption reported (the owner's alert goes through
    the outbox, recorded with the dispute); No: nothing happens."""
    if step.subject_id is None:
        return
    dispute = await context.service.customers.dispute(viewer.user_id, step.subject_id)
    await edit_or_reply(update, dispute_texts.dispute_done(viewer.t, dispute))


FEATURE = Feature(
    name="card",
    commands=(
        Command("card", Audience.CUSTOMER, card),
        Command("history", Audience.CUSTOMER, history),
        Command("stores", Audience.CUSTOMER, stores),
        Command("newqr", Audience.CUSTOMER, newqr),
    ),
    buttons=(
        (OLDER_HISTORY, _older_history),
        (HISTORY_OF, _history_of),
        (NEW_QR_OF, _renew_qr),
        (NOT_ME, _not_me),
        *NOT_ME_CONFIRMATION.buttons(_not_me_confirmed),
    ),
)


# --- what the outbox sends about a card ------------------------------------------------------


async def tell_customer(courier: Courier, effect: NotifyCustomer) -> None:
    """The customer's notice of an operation on their card, with "Not me" under it."""
    # Sent even to someone marked unreachable: they may have unblocked the bot since, and a
    # refusal costs one call (it is recorded again and the row is done).
    op = effect.operation
    if op is None:  # not recorded by this process (a worker died, a restart): read it back
        op = await courier.service.counter.operation_of(effect.entry_id, effect.bonus_entries)
    t = courier.language_of(op.customer, op.card.merchant_language)
    disputable = op.kind.is_earning or op.kind.is_redemption
    markup = keyboards.not_me_keyboard(t, NOT_ME.data(op.entry_id)) if disputable else None
    text = counter_texts.customer_notice(t, op)
    await courier.message(op.card.merchant_id, op.customer.user_id, text, markup)


async def alert_owner(courier: Courier, effect: AlertOwner) -> None:
    """The owner hears of a customer's "not me"."""
    dispute = await courier.service.customers.dispute_of(effect.entry_id)
    t = await courier.owner_language(dispute.owner_user_id, dispute.card.merchant_language)
    text = dispute_texts.owner_alert(t, dispute)
    await courier.message(dispute.card.merchant_id, dispute.owner_user_id, text)


async def remind_expiry(courier: Courier, effect: RemindExpiry) -> None:
    reminder = await courier.service.maintenance.expiry_reminder_of(
        effect.card_id, effect.expires_at
    )
    t = courier.language_of(reminder.customer, reminder.card.merchant_language)
    text = expiry_reminder(t, reminder.card, reminder.expires_at)
    await courier.message(reminder.card.merchant_id, reminder.customer.user_id, text)
