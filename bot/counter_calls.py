"""Operations at the counter that wait for the store of the day.

A cashier of every store of a café with several stores says which store they are at before
the day's first operation. The operation they were doing is kept, with its idempotency key,
in a step bound to the question; one tap on a store makes it (at most once, by that key).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction
from bot.context import BotContext
from bot.features.common import PROMPT_TTL, Viewer, reply
from bot.step_kinds import StepKind
from bot.texts import stores_of_day as texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import Operation
from domain.service import CounterService, StoreChoice

PICK_STORE = ButtonAction("sd", (int, int))  # store, question step (0: none waits)


class Op(StrEnum):
    STAMP = "stamp"
    POINTS = "points"
    VOID = "void"
    REWARD = "reward"
    REDEEM_POINTS = "redeem_points"
    REDEEM_STAMPS = "redeem_stamps"
    CORRECT = "correct"


@dataclass(frozen=True)
class CounterCall:
    """One operation at the counter, with everything needed to make it again later."""

    op: Op
    card: str  # the card's number or QR token, as the cashier gave it
    key: str  # its idempotency key: made once, whenever it is made
    value: str = ""  # stamps, amount, points, reward id or stamps to correct
    reason: str | None = None
    step: int | None = None  # the confirmation step it closes once made
    confirmed: bool = False  # the cashier confirmed it (a large purchase, a whole-balance void)

    async def run(self, counter: CounterService, actor_id: int) -> Operation:
        card, key, value = self.card, self.key, self.value
        match self.op:
            case Op.STAMP:
                return await counter.stamp(actor_id, card, int(value), idempotency_key=key)
            case Op.POINTS:
                return await counter.earn_points(
                    actor_id, card, Decimal(value), confirmed=self.confirmed, idempotency_key=key
                )
            case Op.VOID:
                return await counter.void_points(
                    actor_id,
                    card,
                    int(value),
                    self.reason,
                    confirmed=self.confirmed,
                    idempotency_key=key,
                )
            case Op.REWARD:
                return await counter.redeem_reward(actor_id, card, int(value), idempotency_key=key)
            case Op.REDEEM_POINTS:
                return await counter.redeem_points(actor_id, card, int(value), idempotency_key=key)
            case Op.REDEEM_STAMPS:
                return await counter.redeem_stamps(actor_id, card, idempotency_key=key)
            case Op.CORRECT:
                return await counter.correct_stamps(
                    actor_id, card, int(value), self.reason or "", idempotency_key=key
                )

    def fitting(self) -> CounterCall:
        """This call with its reason shortened as far as its step needs to keep it."""
        return STORE_QUESTION.fitting(self, "reason")


STORE_QUESTION = StepKind("store_day", CounterCall)  # waiting for the store of the day


async def operate(
    update: Update, context: BotContext, viewer: Viewer, call: CounterCall
) -> Operation | None:
    """Make `call`; None when the cashier is first asked which store they are at today (the
    call waits for their tap)."""
    try:
        return await call.run(context.service.counter, viewer.user_id)
    except errors.StoreOfDayRequired as asked:
        await ask_store(update, context, viewer, asked, call)
        return None


async def ask_store(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    asked: errors.StoreOfDayRequired,
    call: CounterCall | None,
) -> None:
    """One button per store; the newest question is the one a tap answers with its call."""
    step_id = 0
    if call is not None:
        step = await context.infra.steps.open(
            viewer.chat_id,
            STORE_QUESTION.name,
            payload=STORE_QUESTION.encode(call.fitting()),
            ttl=PROMPT_TTL,
            supersedes=(STORE_QUESTION.name,),
        )
        step_id = step.id
    buttons = store_buttons(asked.stores, None, step_id)
    await reply(update, refusal_text(viewer.t, asked), buttons)


def store_buttons(
    stores: tuple[StoreChoice, ...], chosen: int | None, step_id: int = 0
) -> keyboards.InlineKeyboardMarkup:
    return keyboards.choice_keyboard(
        [
            (texts.store_button(s.name, s.store_id == chosen), PICK_STORE.data(s.store_id, step_id))
            for s in stores
        ]
    )
