"""A large purchase or a void of a whole balance at the counter: the use case refuses it
unconfirmed, the cashier is asked with Confirm / Cancel bound to the card, and Confirm makes it
under the step's key (a second tap replays it: one change).
"""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction
from bot.confirmations import Confirmation, says
from bot.context import BotContext
from bot.counter_calls import CounterCall, Op, operate
from bot.counter_screen import BIG_CHANGE, BigChange, open_card
from bot.features.common import PROMPT_TTL, ButtonHandler, Viewer, edit_or_reply, reply, step_key
from bot.texts import counter as counter_texts
from bot.texts import general
from domain import errors
from domain.model import CardView
from infra import Step

CONFIRM_CHANGE = ButtonAction("cc", (int,))  # big-change step
CANCEL_CHANGE = ButtonAction("cx", (int,))  # big-change step
BIG_CHANGE_CONFIRMATION = Confirmation(
    BIG_CHANGE,
    CONFIRM_CHANGE,
    CANCEL_CHANGE,
    says(general.change_declined),
    keyboards.confirm_cancel_keyboard,
    replays=True,
    ttl=PROMPT_TTL,
)


async def ask_large_purchase(
    update: Update, context: BotContext, viewer: Viewer, asked: errors.LargePurchaseUnconfirmed
) -> None:
    card = await context.service.counter.lookup(viewer.user_id, asked.card_number)
    change = BigChange(card.number, str(asked.amount), None, None)
    question = counter_texts.large_purchase_question(viewer.t, asked.amount, card.number)
    await ask_big_change(update, context, viewer, card, change, question)


async def ask_big_change(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    card: CardView,
    change: BigChange,
    question: str,
) -> None:
    await open_card(context, viewer, card)
    buttons = await BIG_CHANGE_CONFIRMATION.ask(context, viewer, change, subject_id=card.card_id)
    await reply(update, question, buttons)


async def _confirm_change(
    update: Update, context: BotContext, viewer: Viewer, step: Step, change: BigChange
) -> None:
    # As with redemptions, a second tap replays the same key: one change.
    number, key = change.number, step_key(step)
    if change.amount is not None:
        call = CounterCall(Op.POINTS, number, key, change.amount, step=step.id, confirmed=True)
    else:
        call = CounterCall(
            Op.VOID,
            number,
            key,
            str(change.points),
            change.reason,
            step=step.id,
            confirmed=True,
        )
    op = await operate(update, context, viewer, call)
    if op is None:
        return  # made once the store of the day is said
    await context.infra.steps.close(step.id)
    await open_card(context, viewer, op.card)
    await edit_or_reply(update, counter_texts.operation_done(viewer.t, op))


BUTTONS: tuple[tuple[ButtonAction, ButtonHandler], ...] = BIG_CHANGE_CONFIRMATION.buttons(
    _confirm_change
)
