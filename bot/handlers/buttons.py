"""Inline button taps (callback queries), dispatched on the action in their callback data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import keyboards, wallet
from bot.context import BotContext
from bot.handlers import customer, owner
from bot.handlers.common import Viewer, edit_or_reply, handles, notify, recipient_of, reply
from bot.handlers.staff import AWAITING_AMOUNT, ask_redeem, confirm_operation
from bot.i18n import LANGUAGES
from bot.texts import counter as counter_texts
from bot.texts import general

Action = Callable[[Update, BotContext, Viewer, tuple[str, ...]], Awaitable[None]]


async def _stamp(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    number, once = args
    op = await context.service.counter.stamp(viewer.user_id, number, 1, idempotency_key=f"b{once}")
    text = await confirm_operation(context, viewer, op)
    await edit_or_reply(
        update, text, None if op.replayed else keyboards.scan_keyboard(viewer.t, op.card)
    )


async def _ask_redeem(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    await ask_redeem(update, context, viewer, args[0], None)


async def _redeem_stamps(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    number, once = args
    op = await context.service.counter.redeem_stamps(
        viewer.user_id, number, idempotency_key=f"b{once}"
    )
    await edit_or_reply(update, await confirm_operation(context, viewer, op))


async def _redeem_points(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    number, points, once = args
    op = await context.service.counter.redeem_points(
        viewer.user_id, number, int(points), idempotency_key=f"b{once}"
    )
    await edit_or_reply(update, await confirm_operation(context, viewer, op))


async def _cancel_redeem(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    await edit_or_reply(update, counter_texts.redeem_cancelled(viewer.t))


async def _ask_amount(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    card = await context.service.counter.lookup(viewer.user_id, args[0])
    context.chat_state[AWAITING_AMOUNT] = card.number
    await reply(update, counter_texts.ask_amount(viewer.t, card))


async def _not_me(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    dispute = await context.service.customers.dispute(viewer.user_id, int(args[0]))
    if dispute.reversal is not None:
        wallet.card_changed_later(context, dispute.card.card_id)
    await edit_or_reply(update, counter_texts.dispute_done(viewer.t, dispute))
    owner_identity = await context.service.staff.identity(dispute.owner_user_id)
    await notify(
        context,
        recipient_of(owner_identity),
        dispute.card.merchant_language,
        lambda t: counter_texts.owner_alert(t, dispute),
    )


async def _older_history(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    await customer.show_history(update, context, viewer, int(args[0]), int(args[1]))


async def _history_of(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    await customer.show_history(update, context, viewer, int(args[0]), None)


async def _newqr_of(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    await customer.renew_qr(update, context, viewer, int(args[0]))


async def _language(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    if args[0] in LANGUAGES:
        await customer.set_language(update, context, viewer, args[0])


async def _forget(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    if args[0] == "y":
        erased = await context.service.customers.erase(viewer.user_id)
        await edit_or_reply(update, general.forget_done(viewer.t, erased))
    else:
        await edit_or_reply(update, general.forget_cancelled(viewer.t))


async def _switch_for_invite(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    token = context.chat_state.pop(owner.PENDING_INVITE, None)
    if args[0] != "y" or token is None:
        await edit_or_reply(
            update,
            general.change_declined(viewer.t) if token else general.button_expired(viewer.t),
        )
        return
    await owner.accept_invite(update, context, viewer, token, switch=True)


async def _switch_for_setup(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    name = context.chat_state.pop(owner.PENDING_SETUP, None)
    if args[0] != "y" or name is None:
        await edit_or_reply(
            update, general.change_declined(viewer.t) if name else general.button_expired(viewer.t)
        )
        return
    await owner.create_business(update, context, viewer, name, switch=True)


async def _merge(
    update: Update, context: BotContext, viewer: Viewer, args: tuple[str, ...]
) -> None:
    if args[0] != "y":
        await edit_or_reply(update, general.change_declined(viewer.t))
        return
    await owner.change_setting(update, context, viewer, "cross_location", "on", confirm_merge=True)


# action → (handler, number of arguments)
ACTIONS: dict[str, tuple[Action, int]] = {
    "st": (_stamp, 2),
    "rq": (_ask_redeem, 1),
    "rs": (_redeem_stamps, 2),
    "rp": (_redeem_points, 3),
    "rx": (_cancel_redeem, 0),
    "ap": (_ask_amount, 1),
    "nm": (_not_me, 1),
    "h": (_older_history, 2),
    "hc": (_history_of, 1),
    "nq": (_newqr_of, 1),
    "lang": (_language, 1),
    "fg": (_forget, 1),
    "sw": (_switch_for_invite, 1),
    "su": (_switch_for_setup, 1),
    "mg": (_merge, 1),
}

_NUMERIC_ARGS = {"nm": (0,), "h": (0, 1), "hc": (0,), "nq": (0,), "rp": (1,)}


@handles
async def on_button(update: Update, context: BotContext, viewer: Viewer) -> None:
    """Every inline button: validate the data, answer the query, run the action."""
    query = update.callback_query
    assert query is not None
    parsed = keyboards.Callback.parse(query.data)
    entry = None if parsed is None else ACTIONS.get(parsed.action)
    if (
        parsed is None
        or entry is None
        or len(parsed.args) != entry[1]
        or any(
            not (
                parsed.args[i].isascii() and parsed.args[i].isdigit() and len(parsed.args[i]) <= 18
            )
            for i in _NUMERIC_ARGS.get(parsed.action, ())
        )
    ):
        await query.answer(general.button_expired(viewer.t))
        return
    await query.answer()
    await entry[0](update, context, viewer, parsed.args)
