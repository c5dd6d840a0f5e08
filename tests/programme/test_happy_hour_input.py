"""Happy hours as owners type them: commas between windows, whole hours, days in their own
language, and a window past midnight asked about before it is taken (issue 22, item 6)."""

from __future__ import annotations

from bot.i18n import translator
from tests.support.chat import say
from tests.support.running_bot import Running

EN, FR, DE = translator("en"), translator("fr"), translator("de")


async def _happy_hour(bot: Running, owner_id: int) -> str:
    settings = await bot.service.merchants.program(owner_id)
    return str(settings.happy_hour)


async def test_commas_whole_hours_and_translated_days_are_understood(bot: Running) -> None:
    owner = bot.tg.user(2201, "Owner", language_code="en")
    await say(owner, "/setup Café")
    saved = await say(owner, "/program set happy_hour mon-fri 15:00-17:00 x2, sat 9:00-11:00 x2")
    assert saved.content == "Saved: happy_hour = mon-fri 15:00-17:00 x2; sat 09:00-11:00 x2"
    saved = await say(owner, "/program set happy_hour 15-17")
    assert saved.content == "Saved: happy_hour = mon-sun 15:00-17:00 x2"

    refused = await say(owner, "/program set happy_hour mon-fri 15:00")
    assert "“;” or “,”" in refused.content and "mon-fri 14:00-16:00 x2" in refused.content
    assert await _happy_hour(bot, 2201) == "mon-sun 15:00-17:00 x2"

    french = bot.tg.user(2202, "Patronne", language_code="fr")
    await say(french, "/setup Bistrot")
    saved = await say(french, "/program set happy_hour lun-ven 15h-17h x2 ; sam, dim 10-12 x3")
    assert "lun-ven 15:00-17:00 x2; sam,dim 10:00-12:00 x3" in saved.content
    assert await _happy_hour(bot, 2202) == "mon-fri 15:00-17:00 x2; sat,sun 10:00-12:00 x3"
    refused = await say(french, "/program set happy_hour lun 15")
    assert "« ; » ou « , »" in refused.content and "lun-ven 14:00-16:00 x2" in refused.content

    german = bot.tg.user(2203, "Inhaber", language_code="de")
    await say(german, "/setup Bäckerei")
    saved = await say(german, "/program set happy_hour Mo-Fr 15-17 x2")
    assert "Mo-Fr 15:00-17:00 x2" in saved.content


async def test_a_window_past_midnight_is_asked_about_before_it_is_taken(bot: Running) -> None:
    owner = bot.tg.user(2204, "Owner", language_code="en")
    await say(owner, "/setup Café")
    question = await say(owner, "/program set happy_hour tue 11:00-09:00 x3")
    assert "runs past midnight" in question.content and "22 hours" in question.content
    assert "tue 09:00-11:00 x3" in question.content  # what was probably meant
    assert await _happy_hour(bot, 2204) == "None"
    await owner.press(question, EN.pgettext("button", "No"))
    assert (await owner.next_edit()).content == EN.gettext("Cancelled — nothing was changed.")
    assert await _happy_hour(bot, 2204) == "None"

    question = await say(owner, "/program set happy_hour tue 11:00-09:00 x3")
    await owner.press(question, EN.pgettext("button", "Yes"))
    assert (await owner.next_message()).content == "Saved: happy_hour = tue 11:00-09:00 x3"
    assert await _happy_hour(bot, 2204) == "tue 11:00-09:00 x3"
