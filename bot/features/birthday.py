"""The customer's birthday: /birthday asks for the day and month (or takes them at once,
/birthday 24.12), read in the customer's language; stored once for every merchant."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.features.common import PROMPT_TTL, Audience, Command, Feature, Viewer, prompt, reply
from bot.step_kinds import Nothing, StepKind
from bot.texts import bonuses as bonus_texts
from bot.texts.refusals import refusal_text
from domain import errors
from infra import Step

BIRTHDAY = StepKind("birthday", Nothing)  # the day and month, typed in answer to the prompt


async def birthday(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/birthday [date]: set it at once, or show it and ask for the (new) date."""
    if context.args:
        await _save(update, context, viewer, " ".join(context.args))
        return
    current = await context.service.bonuses.birthday(viewer.user_id)
    shown = (
        None
        if current.birthday is None
        else viewer.t.day_month(current.birthday.day, current.birthday.month)
    )
    step = await context.infra.steps.open(
        viewer.chat_id,
        BIRTHDAY.name,
        subject_id=viewer.user_id,
        ttl=PROMPT_TTL,
        supersedes=(BIRTHDAY.name,),
    )
    await prompt(
        update,
        context,
        step,
        bonus_texts.birthday_prompt(viewer.t, shown),
        bonus_texts.birthday_placeholder(viewer.t),
    )


async def _save(update: Update, context: BotContext, viewer: Viewer, text: str) -> None:
    parsed = viewer.t.parse_day_month(text)
    if parsed is None:
        raise errors.InvalidBirthday()
    saved = await context.service.bonuses.set_birthday(viewer.profile, *parsed)
    assert saved.birthday is not None
    shown = viewer.t.day_month(saved.birthday.day, saved.birthday.month)
    await reply(update, bonus_texts.birthday_saved(viewer.t, shown, saved.changed))


async def birthday_answered(
    update: Update, context: BotContext, viewer: Viewer, step: Step
) -> None:
    """The date typed in answer to the prompt; a date that cannot be read asks again."""
    message = update.effective_message
    assert message is not None and message.text is not None
    try:
        await _save(update, context, viewer, message.text)
    except errors.InvalidBirthday as wrong:
        again = bonus_texts.birthday_again(viewer.t, refusal_text(viewer.t, wrong))
        await prompt(update, context, step, again, bonus_texts.birthday_placeholder(viewer.t))
        return
    await context.infra.steps.close(step.id)


FEATURE = Feature(
    name="birthday",
    commands=(Command("birthday", Audience.CUSTOMER, birthday),),
    text_steps={BIRTHDAY.name: birthday_answered},
)
