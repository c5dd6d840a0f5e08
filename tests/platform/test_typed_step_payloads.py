"""A confirmation keeps what it asked about whole: a value too long to keep is refused before the
question (it used to be cut, and the Yes then failed), and a question stored in an older shape is
answered like an expired one, changing nothing."""

from __future__ import annotations

from sqlalchemy import update

from bot.i18n import translator
from infra.tables import PendingStep
from tests.support.chat import say
from tests.support.running_bot import Running

EN, LB = translator("en"), translator("lb")


async def _happy_hour(bot: Running, owner_id: int) -> str:
    return str((await bot.service.merchants.program(owner_id)).happy_hour)


async def test_a_value_too_long_to_confirm_is_refused_and_nothing_changes(bot: Running) -> None:
    owner = bot.tg.user(2601, "Patron", language_code="lb")
    await say(owner, "/setup Café")
    await say(owner, "/program set happy_hour mon 15-17 x2")
    # the last window runs past midnight: the change needs a Yes, and is too long to keep for it
    days = "mon,tue,wed,thu,fri,sat,sun"
    windows = ", ".join(f"{days} {h}:00-{h + 1}:00 x2" for h in (8, 10, 12, 14, 16, 18))
    windows += f", {days} 23:00-01:00 x2"
    assert len(windows) > 256
    refused = await say(owner, f"/program set happy_hour {windows}")
    assert refused.content == LB.gettext(
        "That value is too long. Please shorten it and try again; nothing was changed."
    )
    assert refused.content.startswith("Dëse Wäert ass ze laang")
    assert refused.buttons == []
    assert await _happy_hour(bot, 2601) == "mon 15:00-17:00 x2"


async def test_a_question_stored_in_an_older_shape_is_answered_as_expired(bot: Running) -> None:
    owner = bot.tg.user(2602, "Owner", language_code="en")
    await say(owner, "/setup Café")
    question = await say(owner, "/program set happy_hour tue 11:00-09:00 x3")
    assert "runs past midnight" in question.content
    # what a step asked before this change left in the database: a positional JSON list, cut
    async with bot.service.database.write() as session:
        await session.execute(
            update(PendingStep)
            .where(PendingStep.chat_id == 2602, PendingStep.kind == "past_midnight")
            .values(payload='["tue 11:00-09:00 x3", "me')
        )
    await owner.press(question, EN.pgettext("button", "Yes"))
    answer = await owner.next_edit()
    assert answer.content == EN.gettext("This button has expired.")
    assert await _happy_hour(bot, 2602) == "None"
    assert (await say(owner, "/program set happy_hour 15-17")).content == (
        "Saved: happy_hour = mon-sun 15:00-17:00 x2"
    )  # the bot carries on
