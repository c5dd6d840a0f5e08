"""Redeeming at the counter: /redeem, the Redeem button of a card, the choice of a reward when
several are affordable, and the Confirm/Cancel question bound to the card.
"""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction, Token
from bot.confirmations import Confirmation, says
from bot.context import BotContext
from bot.counter_calls import (
    CounterCall,
    Op,
    operate,
)
from bot.counter_screen import ASK_REDEEM, REDEEM, Redemption, open_card
from bot.features.common import (
    PROMPT_TTL,
    ButtonHandler,
    Viewer,
    edit_or_reply,
    reply,
    small_int,
    split_card_reference,
    step_key,
)
from bot.texts import counter as counter_texts
from bot.texts.commands import usage
from infra import Step

PICK_REWARD = ButtonAction("rw", (Token, int))  # card number, reward
CONFIRM_REDEEM = ButtonAction("rc", (int,))  # redeem step
CANCEL_REDEEM = ButtonAction("rx", (int,))  # redeem step
REDEEM_CONFIRMATION = Confirmation(
    REDEEM,
    CONFIRM_REDEEM,
    CANCEL_REDEEM,
    says(counter_texts.redeem_cancelled),
    keyboards.confirm_cancel_keyboard,
    replays=True,
    ttl=PROMPT_TTL,
)


async def redeem(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/redeem <card> [points]: asks for confirmation with a button."""
    reference, rest = split_card_reference(context.args or [])
    points = None if not rest else small_int(rest[0]) if len(rest) == 1 else -1
    if reference is None or points == -1 or (rest and points is None):
        await reply(update, usage(viewer.t, "redeem"))
        return
    await ask_redeem(update, context, viewer, reference, points)


async def ask_redeem(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    reference: str,
    points: int | None,
    reward_id: int | None = None,
) -> None:
    """Offer every reward the card can afford as a button; one reward (picked, or the only
    one) or an explicit number of points is asked about once, bound to this card."""
    counter = context.service.counter
    redeemable = await counter.redeemable(viewer.user_id, reference, points, reward_id)
    card = redeemable.card
    await open_card(context, viewer, card)
    reward = None
    if points is None:
        if redeemable.asks_which:
            choices = [
                (
                    counter_texts.reward_button(viewer.t, r),
                    PICK_REWARD.data(card.number, r.reward_id),
                )
                for r in redeemable.rewards
            ]
            await reply(
                update,
                counter_texts.reward_choice(viewer.t, card),
                keyboards.choice_keyboard(choices),
            )
            return
        reward = redeemable.rewards[0]  # the one ready, or the one picked
    asked = Redemption(card.number, None if reward is None else reward.reward_id, points)
    buttons = await REDEEM_CONFIRMATION.ask(context, viewer, asked, subject_id=card.card_id)
    await reply(update, counter_texts.redeem_question(viewer.t, card, points, reward), buttons)


async def _ask_redeem_button(
    update: Update, context: BotContext, viewer: Viewer, number: str
) -> None:
    await ask_redeem(update, context, viewer, number, None)


async def _pick_reward(
    update: Update, context: BotContext, viewer: Viewer, number: str, reward_id: int
) -> None:
    await ask_redeem(update, context, viewer, number, None, reward_id)


async def _confirm_redeem(
    update: Update, context: BotContext, viewer: Viewer, step: Step, asked: Redemption
) -> None:
    # A second tap on a done step replays the same key: "already done", one reward.
    number, key = asked.number, step_key(step)
    if asked.reward_id is not None:
        call = CounterCall(Op.REWARD, number, key, str(asked.reward_id), step=step.id)
    elif asked.points is not None:
        call = CounterCall(Op.REDEEM_POINTS, number, key, str(asked.points), step=step.id)
    else:  # asked before the ladder: the first stamp reward
        call = CounterCall(Op.REDEEM_STAMPS, number, key, step=step.id)
    op = await operate(update, context, viewer, call)
    if op is None:
        return  # made once the store of the day is said
    await context.infra.steps.close(step.id)
    await open_card(context, viewer, op.card)
    await edit_or_reply(update, counter_texts.operation_done(viewer.t, op))


BUTTONS: tuple[tuple[ButtonAction, ButtonHandler], ...] = (
    (ASK_REDEEM, _ask_redeem_button),
    (PICK_REWARD, _pick_reward),
    *REDEEM_CONFIRMATION.buttons(_confirm_redeem),
)
