"""The store of the day at the counter: /store, and the tap on a store that makes the
operation which waited for it (bot/counter_calls.py keeps it in the question's step).
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.counter_calls import STORE_QUESTION, Op, operate, store_buttons
from bot.counter_screen import confirmed
from bot.features.common import Viewer, edit_or_reply, reply
from bot.texts import corrections as correction_texts
from bot.texts import stores_of_day as store_texts


async def store(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/store: the store a cashier of every store is at today, changed with one tap."""
    today = await context.service.stores_of_day.today(viewer.user_id)
    markup = store_buttons(today.stores, today.chosen_id) if today.asks else None
    await reply(update, store_texts.stores_of_day_text(viewer.t, today), markup)


async def store_picked(
    update: Update, context: BotContext, viewer: Viewer, store_id: int, step_id: int
) -> None:
    """A store tapped: today's operations count there, and the operation that waited for it
    is made now, with its own key (a second tap replays it: made once)."""
    today = await context.service.stores_of_day.choose(viewer.user_id, store_id)
    assert today.chosen is not None
    said = store_texts.store_said(viewer.t, today.chosen.name)
    steps, now = context.infra.steps, context.service.clock.now()
    step = await steps.get(viewer.chat_id, step_id) if step_id else None
    call = None if step is None else STORE_QUESTION.parse(step)
    if step is None or call is None:
        await edit_or_reply(update, said)
        return
    if not step.stands(now):  # waited too long, or asked again since
        await edit_or_reply(update, "\n".join([said, store_texts.nothing_else_done(viewer.t)]))
        return
    op = await operate(update, context, viewer, call)
    if op is None:
        return
    await steps.close(step.id)
    if call.step is not None:
        await steps.close(call.step)
    if call.op is Op.CORRECT:  # a correction's own words, as /correct confirms it
        await edit_or_reply(update, f"{said}\n{correction_texts.correction_done(viewer.t, op)}")
        return
    await confirmed(update, context, viewer, op, edit=True, lead=said)
