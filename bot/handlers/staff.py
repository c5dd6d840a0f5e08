"""Counter commands: /stamp, /redeem, /points, /void, /lookup, /undo, and scanned cards."""

from __future__ import annotations

from telegram import Update

from bot import keyboards, wallet
from bot.context import BotContext
from bot.handlers.common import (
    Viewer,
    handles,
    notify,
    reply,
    split_card_reference,
    update_key,
)
from bot.texts import counter as counter_texts
from bot.texts import general
from bot.updates import after_handling
from domain import errors
from domain.model import AMOUNT_RANGE, LedgerKind, Operation

AWAITING_AMOUNT = "awaiting_amount_for"


async def confirm_operation(context: BotContext, viewer: Viewer, op: Operation) -> str:
    """Return the confirmation for staff; the customer is told once the reply has gone (once,
    even across a crash: the update is not done until the notice is)."""
    notices = context.bot_data.notices
    if not op.replayed:
        wallet.card_changed_later(context, op.card.card_id)
    entry_id = op.entry_id

    async def tell_customer() -> None:
        if op.replayed and await notices.already_sent(context.service, entry_id):
            return
        await notify(
            context,
            op.customer,
            op.card.merchant_language,
            lambda t: counter_texts.customer_notice(t, op),
            lambda t: (
                keyboards.not_me_keyboard(t, entry_id)
                if op.kind.is_earning or op.kind.is_redemption
                else None
            ),
        )
        notices.sent(entry_id)  # also when undeliverable (blocked): never retried

    await after_handling(tell_customer)
    return counter_texts.operation_done(viewer.t, op)


def _small_int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 7 else None


@handles
async def stamp(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/stamp <card> [n]."""
    reference, rest = split_card_reference(context.args or [])
    count = 1 if not rest else _small_int(rest[0]) if len(rest) == 1 else None
    if reference is None or count is None:
        await reply(update, general.usage(viewer.t, "stamp"))
        return
    op = await context.service.counter.stamp(
        viewer.user_id, reference, count, idempotency_key=update_key(update)
    )
    await reply(update, await confirm_operation(context, viewer, op))


@handles
async def redeem(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/redeem <card> [points]: asks for confirmation with a button."""
    reference, rest = split_card_reference(context.args or [])
    points = None if not rest else _small_int(rest[0]) if len(rest) == 1 else -1
    if reference is None or points == -1 or (rest and points is None):
        await reply(update, general.usage(viewer.t, "redeem"))
        return
    await ask_redeem(update, context, viewer, reference, points)


async def ask_redeem(
    update: Update, context: BotContext, viewer: Viewer, reference: str, points: int | None
) -> None:
    card, kind = await context.service.counter.redeemable(viewer.user_id, reference, points)
    if kind is LedgerKind.REDEEM_POINTS and points is None:
        points = card.points_reward
    await reply(
        update,
        counter_texts.redeem_question(viewer.t, card, points),
        keyboards.redeem_keyboard(viewer.t, card, points),
    )


@handles
async def points(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/points <card> <amount>: points for a purchase, amount in the user's locale."""
    reference, rest = split_card_reference(context.args or [])
    amount = viewer.t.parse_amount(" ".join(rest)) if rest else None
    if reference is None or amount is None:
        await reply(update, general.usage(viewer.t, "points"))
        return
    op = await context.service.counter.earn_points(
        viewer.user_id, reference, amount, idempotency_key=update_key(update)
    )
    await reply(update, await confirm_operation(context, viewer, op))


@handles
async def void(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/void <card> <points> [reason]: take points back after a return."""
    reference, rest = split_card_reference(context.args or [])
    count = _small_int(rest[0]) if rest else None
    if reference is None or count is None:
        await reply(update, general.usage(viewer.t, "void"))
        return
    op = await context.service.counter.void_points(
        viewer.user_id,
        reference,
        count,
        " ".join(rest[1:]) or None,
        idempotency_key=update_key(update),
    )
    await reply(update, await confirm_operation(context, viewer, op))


@handles
async def lookup(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/lookup <card>: the card with the counter buttons."""
    reference, rest = split_card_reference(context.args or [])
    if reference is None or rest:
        await reply(update, general.usage(viewer.t, "lookup"))
        return
    await show_card_to_staff(update, context, viewer, reference)


async def show_card_to_staff(
    update: Update, context: BotContext, viewer: Viewer, reference: str
) -> None:
    card = await context.service.counter.lookup(viewer.user_id, reference)
    await reply(
        update,
        counter_texts.staff_card_text(viewer.t, card),
        keyboards.scan_keyboard(viewer.t, card),
    )


async def show_scanned_card(
    update: Update, context: BotContext, viewer: Viewer, token: str
) -> None:
    """A card link opened from the phone camera: staff get the card, anyone else nothing."""
    if not viewer.identity.is_staff:
        await reply(update, counter_texts.scan_for_strangers(viewer.t))
        return
    try:
        await show_card_to_staff(update, context, viewer, token)
    except errors.CardNotFound:
        await reply(update, counter_texts.scan_for_strangers(viewer.t))


@handles
async def undo(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/undo: reverse your own last operation within 10 minutes."""
    reversal = await context.service.counter.undo(viewer.user_id)
    op = reversal.operation
    wallet.card_changed_later(context, op.card.card_id)
    await reply(update, counter_texts.undo_done(viewer.t, reversal))
    await after_handling(
        lambda: notify(
            context,
            op.customer,
            op.card.merchant_language,
            lambda t: counter_texts.customer_notice(t, op),
        )
    )


async def earn_from_typed_amount(
    update: Update, context: BotContext, viewer: Viewer, reference: str
) -> None:
    """The amount a cashier typed after pressing "Add points"."""
    message = update.effective_message
    assert message is not None and message.text is not None
    context.chat_state.pop(AWAITING_AMOUNT, None)
    amount = viewer.t.parse_amount(message.text)
    if amount is None:
        low, high = AMOUNT_RANGE
        raise errors.InvalidAmount(minimum=low, maximum=high)
    op = await context.service.counter.earn_points(
        viewer.user_id, reference, amount, idempotency_key=update_key(update)
    )
    await reply(update, await confirm_operation(context, viewer, op))
