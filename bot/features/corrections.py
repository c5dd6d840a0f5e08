"""Corrections of a card's stamps: /correct <card> <-n|+n> <reason>, for a mistake found after
the undo window (stamps on the wrong card, a reward given twice). The owner may always, staff
when the owner allows it (/program set staff_corrections on). Nothing changes before a
confirming tap; the customer is told, with the reason, through the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction
from bot.confirmations import Confirmation, says
from bot.context import BotContext
from bot.counter_calls import CounterCall, Op, operate
from bot.courier import Courier
from bot.features.common import (
    PROMPT_TTL,
    Audience,
    Command,
    Feature,
    Viewer,
    edit_or_reply,
    reply,
    split_card_reference,
    step_key,
)
from bot.step_kinds import StepKind
from bot.texts import corrections as texts
from bot.texts.commands import usage
from domain import errors
from domain.effects import StaffCorrected
from domain.model import RewardUnit, clean_reason
from infra import Step, StepState


@dataclass(frozen=True)
class Correction:
    """A correction waiting for its confirming tap."""

    number: str
    delta: int
    reason: str


CORRECTION = StepKind("correction", Correction)
CONFIRM_CORRECTION = ButtonAction("kc", (int,))  # correction step
CANCEL_CORRECTION = ButtonAction("kx", (int,))  # correction step
CONFIRMATION = Confirmation(
    CORRECTION,
    CONFIRM_CORRECTION,
    CANCEL_CORRECTION,
    says(texts.correction_declined),
    keyboards.confirm_cancel_keyboard,
    replays=True,
    ttl=PROMPT_TTL,
)

_MINUS = ("-", "\u2212", "\u2013")  # hyphen, minus sign, en dash (phones replace "-")


def signed_stamps(text: str) -> int | None:
    """`-2` → -2, `+2` → 2; None without a sign (the direction must be said) or digits."""
    sign = -1 if text[:1] in _MINUS else 1 if text[:1] == "+" else 0
    digits = text[1:]
    if not sign or not (digits.isascii() and digits.isdigit() and len(digits) <= 7):
        return None
    return sign * int(digits)


async def correct(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/correct <card> <-n|+n> <reason>: asks for confirmation with a button."""
    reference, rest = split_card_reference(context.args or [])
    delta = signed_stamps(rest[0]) if rest else None
    reason = " ".join(rest[1:])
    if reference is None or delta is None or not reason.strip():
        await reply(update, usage(viewer.t, "correct"))
        return
    counter = context.service.counter
    card = await counter.correction_preview(viewer.user_id, reference, delta, reason)
    cleaned = clean_reason(reason)
    asked = Correction(card.number, delta, cleaned)
    buttons = await CONFIRMATION.ask(context, viewer, asked, subject_id=card.card_id)
    await reply(update, texts.correction_question(viewer.t, card, delta, cleaned), buttons)


async def _confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, asked: Correction
) -> None:
    # A second tap (or the same tap delivered again) replays the step's key: one correction.
    steps = context.infra.steps
    key = step_key(step)
    call = CounterCall(Op.CORRECT, asked.number, key, str(asked.delta), asked.reason, step=step.id)
    try:
        op = await operate(update, context, viewer, call)
    except errors.DomainError:
        # Refused (revoked, balance spent): asked anew.
        await steps.close(step.id, StepState.CANCELLED)
        raise
    if op is None:
        return  # made once the store of the day is said
    await steps.close(step.id)
    await edit_or_reply(update, texts.correction_done(viewer.t, op))


FEATURE = Feature(
    name="corrections",
    # For owners in menus and /help; staff the owner allows may use it too (the use case
    # decides), and the refusals of /void and a late /undo tell them so.
    commands=(Command("correct", Audience.OWNER, correct, collects=RewardUnit.STAMPS),),
    buttons=CONFIRMATION.buttons(_confirmed),
)


async def tell_owner(courier: Courier, effect: StaffCorrected) -> None:
    """The owner hears of every correction a cashier made."""
    op = await courier.service.counter.operation_of(effect.entry_id)
    t = await courier.owner_language(effect.owner_user_id, op.card.merchant_language)
    text = texts.staff_correction_alert(t, op, effect.staff_name)
    await courier.message(op.card.merchant_id, effect.owner_user_id, text)
