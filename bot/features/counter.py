"""The counter: /stamp, /redeem, /points, /void, /lookup, /undo, /store, scanned cards, and
the "Add points" and "Redeem" steps, each bound to one card.

A prompt belongs to one card: the card a cashier opens (by scan, look-up, typed number or a
command) becomes the chat's open card, and opening another one supersedes every counter step
of the previous card, so a typed amount can never land on the previous customer's card. A large
purchase or a void of a whole balance waits for Confirm (bot/big_changes.py); an operation may
wait for the store of the day (bot/store_of_day.py).
"""

from __future__ import annotations

import re
from decimal import Decimal

from telegram import Update

from bot import big_changes, redeeming
from bot.big_changes import ask_big_change, ask_large_purchase
from bot.context import BotContext
from bot.counter_calls import PICK_STORE, CounterCall, Op, operate
from bot.counter_screen import (
    ADD_POINTS,
    AMOUNT,
    BIG_CHANGE,
    MORE_STAMPS,
    OPEN_CARD,
    STAMP,
    STAMP_MORE,
    BigChange,
    OnCard,
    card_keyboard,
    confirmed,
    open_card,
)
from bot.features.common import (
    PROMPT_TTL,
    Audience,
    Command,
    Feature,
    Viewer,
    prompt,
    reply,
    small_int,
    split_card_reference,
    update_key,
    web_app_page,
)
from bot.links import LinkKind
from bot.store_of_day import store, store_picked
from bot.texts import corrections as correction_texts
from bot.texts import counter as counter_texts
from bot.texts import general
from bot.texts.commands import usage
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import AMOUNT_RANGE, RewardUnit, normalise_card_number, void_reason
from infra import Step, StepState

# --- commands -----------------------------------------------------------------------------------


async def stamp(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/stamp <card> [n]."""
    reference, rest = split_card_reference(context.args or [])
    count = 1 if not rest else small_int(rest[0]) if len(rest) == 1 else None
    if reference is None or count is None:
        await reply(update, usage(viewer.t, "stamp"))
        return
    call = CounterCall(Op.STAMP, reference, update_key(update), str(count))
    op = await operate(update, context, viewer, call)
    if op is not None:
        await confirmed(update, context, viewer, op)


async def points(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/points <card> <amount>: points for a purchase, amount in the user's locale."""
    reference, rest = split_card_reference(context.args or [])
    amount = viewer.t.parse_amount(" ".join(rest)) if rest else None
    if reference is None or amount is None:
        await reply(update, usage(viewer.t, "points"))
        return
    await _earn(update, context, viewer, reference, amount)


async def _earn(
    update: Update, context: BotContext, viewer: Viewer, reference: str, amount: Decimal
) -> None:
    """Credit a purchase; a large one waits for a confirming tap (the use case says which)."""
    call = CounterCall(Op.POINTS, reference, update_key(update), str(amount))
    try:
        op = await operate(update, context, viewer, call)
    except errors.LargePurchaseUnconfirmed as asked:
        await ask_large_purchase(update, context, viewer, asked)
        return
    if op is not None:
        await confirmed(update, context, viewer, op)


async def void(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/void <card> <points> [reason]: take points back after a return."""
    reference, rest = split_card_reference(context.args or [])
    count = small_int(rest[0]) if rest else None
    if reference is None or count is None:
        await reply(update, usage(viewer.t, "void"))
        return
    reason = void_reason(" ".join(rest[1:]))
    call = CounterCall(Op.VOID, reference, update_key(update), str(count), reason)
    try:
        op = await operate(update, context, viewer, call)
    except errors.PointsNotInProgram:
        # Stamps are not taken back with /void: say how they are corrected, and by whom.
        await reply(update, correction_texts.void_on_stamps(viewer.t, _may_correct(viewer)))
        return
    except errors.WholeBalanceVoidUnconfirmed as asked:
        card = await context.service.counter.lookup(viewer.user_id, asked.card_number)
        change = BIG_CHANGE.fitting(BigChange(card.number, None, count, reason), "reason")
        question = counter_texts.void_all_question(viewer.t, asked.points_balance, card.number)
        await ask_big_change(update, context, viewer, card, change, question)
        return
    if op is not None:
        await confirmed(update, context, viewer, op)


async def lookup(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/lookup <card>: the card with the counter buttons."""
    reference, rest = split_card_reference(context.args or [])
    if reference is None or rest:
        await reply(update, usage(viewer.t, "lookup"))
        return
    await show_card(update, context, viewer, reference)


async def undo(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/undo: reverse your own last operation within the undo window (domain.model.UNDO_WINDOW)."""
    try:
        reversal = await context.service.counter.undo(viewer.user_id)
    except errors.UndoWindowExpired as late:
        if not late.stamps:
            raise
        # Stamps can still be put right, by a correction with a reason.
        problem = refusal_text(viewer.t, late)
        await reply(update, correction_texts.undo_too_late(viewer.t, problem, _may_correct(viewer)))
        return
    await reply(update, counter_texts.undo_done(viewer.t, reversal))


def _may_correct(viewer: Viewer) -> bool:
    membership = viewer.identity.membership
    return membership is not None and membership.may_correct


async def show_card(update: Update, context: BotContext, viewer: Viewer, reference: str) -> None:
    """A card typed, looked up or scanned: it becomes the open card, with its buttons."""
    card = await context.service.counter.lookup(viewer.user_id, reference)
    await open_card(context, viewer, card)
    now = context.service.clock.now()
    markup = card_keyboard(viewer, card, now, web_app_page(context, "counter"))
    lines = [
        counter_texts.staff_card_text(viewer.t, card),
        *counter_texts.next_stamp(viewer.t, card, now),
    ]
    await reply(update, "\n".join(lines), markup)


async def scanned_card(update: Update, context: BotContext, viewer: Viewer, token: str) -> None:
    """A card link opened from the phone camera: staff get the card, anyone else nothing."""
    if not viewer.identity.is_staff:
        await reply(update, counter_texts.scan_for_strangers(viewer.t))
        return
    try:
        await show_card(update, context, viewer, token)
    except errors.CardNotFound:
        await reply(update, counter_texts.stale_qr_for_staff(viewer.t))


# --- stamping and adding points with the buttons ----------------------------------------------


async def _stamp_button(
    update: Update, context: BotContext, viewer: Viewer, number: str, once: str
) -> None:
    op = await operate(update, context, viewer, CounterCall(Op.STAMP, number, f"b{once}", "1"))
    if op is not None:
        await confirmed(update, context, viewer, op, edit=True)


async def _stamp_more_button(
    update: Update, context: BotContext, viewer: Viewer, number: str, count: int, once: str
) -> None:
    if count not in MORE_STAMPS:
        return  # not a button we make
    call = CounterCall(Op.STAMP, number, f"b{once}", str(count))
    op = await operate(update, context, viewer, call)
    if op is not None:
        await confirmed(update, context, viewer, op, edit=True)


async def _add_points_button(
    update: Update, context: BotContext, viewer: Viewer, number: str
) -> None:
    """Ask for the amount of this card: the answer must reply to the prompt (or follow it
    before another card is opened)."""
    card = await context.service.counter.lookup(viewer.user_id, number)
    await open_card(context, viewer, card)
    step = await context.infra.steps.open(
        viewer.chat_id,
        AMOUNT.name,
        subject_id=card.card_id,
        payload=AMOUNT.encode(OnCard(card.number)),
        ttl=PROMPT_TTL,
        supersedes=(AMOUNT.name,),
    )
    await prompt(
        update,
        context,
        step,
        counter_texts.ask_amount(viewer.t, card),
        counter_texts.amount_placeholder(viewer.t),
    )


async def amount_answered(update: Update, context: BotContext, viewer: Viewer, step: Step) -> None:
    """The amount typed for an open "Add points" step: credited to that step's card only. A
    wrong amount keeps the step open and asks again."""
    message = update.effective_message
    assert message is not None and message.text is not None
    card = AMOUNT.parse(step)
    if card is None:  # a step stored in an older shape: answered like an expired question
        await context.infra.steps.close(step.id, StepState.CANCELLED)
        await reply(update, general.question_expired(viewer.t))
        return
    number = card.number
    amount = viewer.t.parse_amount(message.text)
    try:
        if amount is None:
            low, high = AMOUNT_RANGE
            raise errors.InvalidAmount(minimum=low, maximum=high)
        call = CounterCall(Op.POINTS, number, update_key(update), str(amount))
        op = await operate(update, context, viewer, call)
    except (errors.InvalidAmount, errors.NoPointsForAmount) as wrong:
        again = counter_texts.amount_again(viewer.t, refusal_text(viewer.t, wrong), number)
        await prompt(update, context, step, again, counter_texts.amount_placeholder(viewer.t))
        return
    except errors.LargePurchaseUnconfirmed as asked:
        await context.infra.steps.close(step.id)
        await ask_large_purchase(update, context, viewer, asked)  # a confirming tap
        return
    except errors.DomainError:
        await context.infra.steps.close(step.id, StepState.CANCELLED)
        raise
    await context.infra.steps.close(step.id)
    if op is not None:  # else made once the store of the day is said
        await confirmed(update, context, viewer, op)


async def unanswerable_amount(
    update: Update, context: BotContext, viewer: Viewer, answered: Step | None
) -> bool:
    """Text that looks like an amount with no open "Add points" step for it: say which card
    to press instead of guessing. False if the text is not the counter's business."""
    message = update.effective_message
    text = (message.text or "") if message is not None else ""
    if not viewer.identity.is_staff or viewer.t.parse_amount(text) is None:
        return False
    if answered is not None and answered.kind != AMOUNT.name:
        return False  # a reply to another flow's question: that flow answers it
    steps = context.infra.steps
    now = context.service.clock.now()
    membership = viewer.identity.membership
    if membership is not None and not membership.program_type.has_points:
        # A stamp card has no "Add points": say what the card takes instead.
        open_number = await _open_card_number(context, viewer)
        await reply(update, counter_texts.number_at_stamp_counter(viewer.t, open_number))
        return True
    asked = answered or await steps.latest(viewer.chat_id, (AMOUNT.name,))
    open_number = await _open_card_number(context, viewer)
    asked_for = None if asked is None else AMOUNT.parse(asked)
    asked_number = None if asked_for is None else asked_for.number
    state = None if asked is None else asked.state(now)
    await reply(
        update, counter_texts.amount_not_applied(viewer.t, state, asked_number, open_number)
    )
    return True


_MORE = re.compile(r"\+\s?(\d{1,2})")


async def typed_stamps(
    update: Update, context: BotContext, viewer: Viewer, answered: Step | None
) -> bool:
    """Staff type "+2" with a card open: that many stamps on it, as the buttons would."""
    message = update.effective_message
    typed = _MORE.fullmatch(((message.text or "") if message is not None else "").strip())
    if typed is None or not viewer.identity.is_staff:
        return False
    number = await _open_card_number(context, viewer)
    if number is None:
        await reply(update, counter_texts.no_open_card(viewer.t))
        return True
    call = CounterCall(Op.STAMP, number, update_key(update), typed.group(1))
    op = await operate(update, context, viewer, call)
    if op is not None:
        await confirmed(update, context, viewer, op)
    return True


async def _open_card_number(context: BotContext, viewer: Viewer) -> str | None:
    """The number of the card open at the counter, if one is."""
    current = await context.infra.steps.latest_open(viewer.chat_id, (OPEN_CARD.name,))
    card = None if current is None else OPEN_CARD.parse(current)
    return None if card is None else card.number


async def typed_card_number(
    update: Update, context: BotContext, viewer: Viewer, answered: Step | None
) -> bool:
    """Staff may simply type a card number to open the card."""
    message = update.effective_message
    text = (message.text or "") if message is not None else ""
    if not viewer.identity.is_staff:
        return False
    if normalise_card_number(text) is not None:
        await show_card(update, context, viewer, text)
        return True
    digits = "".join(text.replace("-", " ").split())
    if digits.isascii() and digits.isdigit() and 8 <= len(digits) <= 16:
        await reply(update, general.card_number_length(viewer.t, len(digits)))
        return True
    return False


FEATURE = Feature(
    name="counter",
    commands=(
        Command("stamp", Audience.STAFF, stamp, collects=RewardUnit.STAMPS),
        Command("redeem", Audience.STAFF, redeeming.redeem),
        Command("points", Audience.STAFF, points, collects=RewardUnit.POINTS),
        Command("void", Audience.STAFF, void, collects=RewardUnit.POINTS),
        Command("lookup", Audience.STAFF, lookup),
        Command("undo", Audience.STAFF, undo),
        Command("store", Audience.STAFF, store, in_menu=False, store_of_day=True),
    ),
    buttons=(
        (STAMP, _stamp_button),
        (STAMP_MORE, _stamp_more_button),
        *redeeming.BUTTONS,
        (ADD_POINTS, _add_points_button),
        *big_changes.BUTTONS,
        (PICK_STORE, store_picked),
    ),
    deep_links={LinkKind.CARD: scanned_card},
    text_steps={AMOUNT.name: amount_answered},
    text_fallbacks=(typed_stamps, typed_card_number, unanswerable_amount),
)
