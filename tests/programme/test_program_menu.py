"""The owner's /program menu: a button per setting with its value in words, common values to
pick, "Other value…" typed in reply to a prompt bound to the setting, in four languages; the
confirmations a change needs, whichever way it came; staff cannot change anything."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta

import pytest

from app.runner import running
from bot.i18n import LANGUAGES, translator
from bot.texts import program as program_texts
from bot.texts import setting_registry
from domain.clock import ManualClock
from domain.model import ProgramType
from domain.program import SETTING_KEYS, ProgramSettings, keys_for
from emulator.driver import BotApiEmulator
from emulator.models import SentMessage
from emulator.user import EmulatedUser
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.running_bot import Running, new_application

EN = translator("en")
OTHER = EN.pgettext("button", "Other value…")
BACK = EN.pgettext("button", "« Back")
NOT_OWNER = EN.gettext(
    "Only a business owner can do that. "
    "To start your own program, send /setup followed by your business name."
)


async def _owner(bot: Running, user_id: int, language: str = "en") -> EmulatedUser:
    owner = bot.tg.user(user_id, "Owner", language_code=language)
    await say(owner, "/setup Café")
    return owner


async def _settings(bot: Running, owner: EmulatedUser) -> ProgramSettings:
    return await bot.service.merchants.program(owner.id)


def _buttons(message: SentMessage) -> list[str]:
    return [text for row in message.button_texts for text in row]


def _tap(bot: Running, user: EmulatedUser, message: SentMessage, data: str) -> None:
    """A tap carrying `data` under `message`, whatever the message shows now (an old screen
    still on another phone, a double tap, a modified client)."""
    raw = bot.tg.state.message(user.id, message.message_id)
    assert raw is not None
    bot.tg.state.user_presses(user.record, raw, data)


def _data(message: SentMessage, text: str) -> str:
    found = [b.callback_data for row in message.buttons for b in row if b.text == text]
    assert len(found) == 1 and found[0] is not None, (text, message.button_texts)
    return found[0]


async def test_owner_picks_a_common_value_and_sees_the_menu_updated(bot: Running) -> None:
    owner = await _owner(bot, 300)
    menu = await say(owner, "/program")
    assert menu.content == "Your program\nTap a setting to change it."
    buttons = _buttons(menu)
    for expected in (
        "Card type: Stamps",
        "Time between stamps: 15 min",
        "Stamps per customer per day: 5",
        "Daily summary: 21:00",
        "Timezone: Europe/Luxembourg",
        "One card for all stores: on",
        "Customers’ and posters’ language: English",
    ):
        assert expected in buttons, (expected, buttons)
    # A stamp café is not shown the points settings (they keep their values for a change of type).
    assert not [text for text in buttons if text.startswith("Points")], buttons
    assert len(buttons) == len(keys_for(ProgramType.STAMPS)) < len(SETTING_KEYS)

    await owner.press(menu, "Time between stamps: 15 min")
    screen = await owner.next_edit()
    assert screen.message_id == menu.message_id
    assert screen.content == "Time between stamps: 15 min\nChoose a new value:"
    assert screen.button_texts == [
        ["no wait", "5 min", "✓ 15 min"],
        ["30 min", "1 h"],
        [OTHER],
        [BACK],
    ]
    await owner.press(screen, "30 min")
    updated = await owner.next_edit()
    assert updated.message_id == menu.message_id
    assert updated.content.startswith("✅ Saved — Time between stamps: 30 min\nYour program")
    assert "Time between stamps: 30 min" in _buttons(updated)
    assert (await _settings(bot, owner)).cooldown_minutes == 30

    await owner.press(updated, "Daily summary: 21:00")
    await owner.press(await owner.next_edit(), "off")
    updated = await owner.next_edit()
    assert "Daily summary: off" in _buttons(updated)
    assert (await _settings(bot, owner)).summary_time is None

    await owner.press(updated, "Customers’ and posters’ language: English")
    languages = await owner.next_edit()
    assert languages.button_texts[0] == ["✓ English", "Français"]
    await owner.press(languages, BACK)
    back = await owner.next_edit()
    assert back.content == menu.content and _buttons(back) == _buttons(updated)


async def test_a_double_tap_changes_once_and_an_old_menu_changes_nothing(bot: Running) -> None:
    owner = await _owner(bot, 301)
    menu = await say(owner, "/program")
    await owner.press(menu, "Stamps per customer per day: 5")
    screen = await owner.next_edit()
    await asyncio.gather(owner.press(screen, "3"), owner.press(screen, "3"))  # twice, at once
    await owner.next_edit()
    await bot.tg.wait_idle()
    edits = [e for e in owner.all_events if e.kind == "edit"]
    assert len(edits) == 2  # the choices, then the menu once: the second tap did nothing
    assert owner.last_message is not None and "✅" in owner.last_message.content
    assert (await _settings(bot, owner)).daily_limit == 3


async def test_an_older_menu_is_shown_again_as_it_is_now(bot: Running) -> None:
    owner = await _owner(bot, 302)
    older = await say(owner, "/program")
    await say(owner, "/program set cooldown 5")
    await say(owner, "/program")  # replaces the older menu
    await owner.press(older, "Time between stamps: 15 min")
    again = await owner.next_edit()
    assert again.message_id == older.message_id
    assert again.content.startswith(
        "That menu was out of date, nothing was changed. Here is your program now:"
    )
    assert "Time between stamps: 5 min" in _buttons(again)
    assert (await _settings(bot, owner)).cooldown_minutes == 5


@pytest.mark.parametrize(
    ("label", "typed", "shown", "field", "stored"),
    [
        ("Daily summary: 21:00", "9pm", "Daily summary: 21:00", "summary_time", time(21)),
        ("Daily summary: 21:00", "18h30", "Daily summary: 18:30", "summary_time", time(18, 30)),
        ("Timezone: Europe/Luxembourg", "Paris", "Timezone: Europe/Paris", "timezone",
         "Europe/Paris"),
        ("Time between stamps: 15 min", "2h", "Time between stamps: 2 h", "cooldown_minutes",
         120),
        ("Time between stamps: 15 min", "1 h 30", "Time between stamps: 1 h 30",
         "cooldown_minutes", 90),
    ],
)  # fmt: skip
async def test_other_value_understands_what_the_owner_types(
    bot: Running, label: str, typed: str, shown: str, field: str, stored: object
) -> None:
    owner = await _owner(bot, 303)
    menu = await say(owner, "/program")
    await owner.press(menu, label)
    await owner.press(await owner.next_edit(), OTHER)
    assert _buttons(await owner.next_edit()) == _buttons(menu)  # the menu again, above
    question = await owner.next_message()
    assert bot.tg.asks_for_reply(question)
    assert question.content.startswith(f"Send the new value for “{label.split(':')[0]}”")
    await owner.reply(question, typed)
    updated = await owner.next_message()
    assert updated.content.startswith(f"✅ Saved — {shown}")
    assert shown in _buttons(updated)
    assert getattr(await _settings(bot, owner), field) == stored


async def test_a_reward_name_is_asked_for_at_once(bot: Running) -> None:
    owner = await _owner(bot, 306)
    menu = await say(owner, "/program")
    await owner.press(menu, "Stamp reward: Free coffee")
    assert _buttons(await owner.next_edit()) == _buttons(menu)  # nothing to pick: the menu stays
    question = await owner.next_message()
    assert question.content.startswith("Send the new value for “Stamp reward” (now: Free coffee).")
    await owner.reply(question, "  Croissant   &  café ")
    updated = await owner.next_message()
    assert updated.content.startswith("✅ Saved — Stamp reward: Croissant & café\n")
    assert "Stamp reward: Croissant & café" in _buttons(updated)
    assert (await _settings(bot, owner)).reward == "Croissant & café"


async def test_a_wrong_value_is_refused_and_the_prompt_stays(bot: Running) -> None:
    owner = await _owner(bot, 304, "fr")
    fr = translator("fr")
    menu = await say(owner, "/program")
    summary = program_texts.menu_button(fr, "summary", ProgramSettings())
    await owner.press(menu, summary)
    await owner.press(await owner.next_edit(), fr.pgettext("button", "Other value…"))
    question = await owner.next_message()
    await owner.reply(question, "25h")
    refused = await owner.next_message()
    assert refused.content == (
        "«\u00a025h\u00a0» n’est pas une valeur valide pour Résumé quotidien.\n"
        "Par exemple\u00a0: 21:00\n"
        "Envoyez à nouveau la valeur pour «\u00a0Résumé quotidien\u00a0»."
    )
    assert bot.tg.asks_for_reply(refused)
    assert (await _settings(bot, owner)).summary_time == time(21)
    await owner.reply(refused, "abc")
    refused = await owner.next_message()
    assert bot.tg.asks_for_reply(refused) and "abc" in refused.content
    await owner.reply(question, "20h")  # the first prompt is still the same open question
    updated = await owner.next_message()
    assert updated.content.startswith("✅ Enregistré — Résumé quotidien\u00a0: 20:00")
    assert (await _settings(bot, owner)).summary_time == time(20)


async def test_a_reply_to_a_replaced_or_expired_prompt_changes_nothing(bot: Running) -> None:
    owner = await _owner(bot, 305)

    async def ask(label: str) -> SentMessage:
        menu = await say(owner, "/program")
        await owner.press(menu, label)
        await owner.press(await owner.next_edit(), OTHER)
        await owner.next_edit()
        return await owner.next_message()

    summary = await ask("Daily summary: 21:00")
    cooldown = await ask("Time between stamps: 15 min")
    await owner.reply(summary, "9pm")
    answer = await owner.next_message()
    assert answer.content == (
        "Nothing was changed: the question about “Daily summary” was replaced by a newer one. "
        "Answer the newest question, or send /program."
    )
    bot.clock.advance(timedelta(minutes=11))
    await owner.reply(cooldown, "30")
    assert (await owner.next_message()).content == (
        "Nothing was changed: the question about “Time between stamps” has expired. "
        "Send /program to change it."
    )
    timezone = await ask("Timezone: Europe/Luxembourg")
    await owner.reply(timezone, "berlin")
    await owner.next_message()
    await owner.reply(timezone, "Paris")
    assert (await owner.next_message()).content.startswith(
        "Nothing was changed: “Timezone” was already set from this question."
    )
    settings = await _settings(bot, owner)
    assert (settings.summary_time, settings.cooldown_minutes, settings.timezone) == (
        time(21),
        15,
        "Europe/Berlin",
    )


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_menu_speaks_the_owners_language(bot: Running, language: str) -> None:
    t = translator(language)
    owner = await _owner(bot, 310 + LANGUAGES.index(language), language)
    menu = await say(owner, "/program")
    buttons = _buttons(menu)
    settings = await _settings(bot, owner)  # a new programme's reward is in its language
    shown = keys_for(settings.type)
    assert buttons == [program_texts.menu_button(t, key, settings) for key in shown]
    title = t.gettext("<b>Your program</b>").removeprefix("<b>").removesuffix("</b>")
    assert menu.content == f"{title}\n{t.gettext('Tap a setting to change it.')}"
    if language != "en":
        named = setting_registry.SETTINGS  # a setting added without an entry shows its key
        assert [key for key in named if any(key in text for text in buttons)] == []
        english = [program_texts.menu_button(EN, key, settings) for key in shown]
        assert set(buttons).isdisjoint(english)
    await owner.press(menu, program_texts.menu_button(t, "cooldown", settings))
    screen = await owner.next_edit()
    assert t.pgettext("button", "Other value…") in _buttons(screen)
    assert t.pgettext("button", "« Back") in _buttons(screen)
    if language != "en":
        assert OTHER not in _buttons(screen)
    await owner.press(screen, program_texts.choice_text(t, "cooldown", settings, "60"))
    updated = await owner.next_edit()
    assert program_texts.menu_button(t, "cooldown", await _settings(bot, owner)) in (
        _buttons(updated)
    )
    assert (await _settings(bot, owner)).cooldown_minutes == 60


async def test_staff_cannot_change_settings(bot: Running) -> None:
    owner = await _owner(bot, 320)
    cashier = bot.tg.user(321, "Cashier", language_code="en")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    assert (await say(cashier, "/program")).content == NOT_OWNER
    menu = await say(owner, "/program")
    await owner.press(menu, "Time between stamps: 15 min")
    screen = await owner.next_edit()
    # The cashier's client sends the owner's buttons (a forged tap): refused, nothing changes.
    last = await say(cashier, "/help")
    for text in ("no wait", OTHER, BACK):
        _tap(bot, cashier, last, _data(screen, text))
        assert (await cashier.next_message()).content == NOT_OWNER
    _tap(bot, cashier, last, _data(menu, "Daily summary: 21:00"))
    assert (await cashier.next_message()).content == NOT_OWNER
    assert (await _settings(bot, owner)).cooldown_minutes == 15
    await owner.press(screen, "5 min")  # the owner's own screen still works
    await owner.next_edit()
    assert (await _settings(bot, owner)).cooldown_minutes == 5


async def test_a_type_that_hides_stamps_asks_first_from_the_menu(bot: Running) -> None:
    owner = bot.tg.user(330, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Shop"), "join_")
    cashier = bot.tg.user(331, "Cashier", language_code="en")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    customer = bot.tg.user(332, "Kunde", language_code="de")
    await customer.open_link(join)
    await customer.next_message()
    number = card_number_in(await customer.next_message())
    await say(cashier, f"/stamp {number} 2")

    menu = await say(owner, "/program")
    await owner.press(menu, "Card type: Stamps")
    await owner.press(await owner.next_edit(), "Points")
    question = await owner.next_edit()
    assert question.message_id == menu.message_id
    assert question.content.startswith("1 card holds stamps.")
    await owner.press(question, "No")
    declined = await owner.next_edit()
    assert declined.content.startswith("Cancelled — nothing was changed.\nYour program")
    assert (await _settings(bot, owner)).type is ProgramType.STAMPS

    await owner.press(declined, "Card type: Stamps")
    await owner.press(await owner.next_edit(), OTHER)
    await owner.next_edit()
    await owner.reply(await owner.next_message(), "Punkte")  # typed, in German
    question = await owner.next_message()
    assert question.content.startswith("1 card holds stamps.")
    await owner.press(question, "Yes")
    saved = await owner.next_edit()
    assert saved.message_id == question.message_id
    assert saved.content.startswith("✅ Saved — Card type: Points")
    assert (await _settings(bot, owner)).type is ProgramType.POINTS
    assert (await bot.service.customers.cards(332))[0].stamp_count == 2  # hidden, not taken


async def test_turning_cross_location_on_from_the_menu_asks_before_merging(bot: Running) -> None:
    owner = bot.tg.user(340, "Owner", language_code="en")
    first = link_in(await say(owner, "/setup Café"), "join_")
    second = link_in(await say(owner, "/addstore Gare"), "join_")
    menu = await say(owner, "/program")
    await owner.press(menu, "One card for all stores: on")
    await owner.press(await owner.next_edit(), "off")
    menu = await owner.next_edit()
    customer = bot.tg.user(341, "Customer", language_code="en")
    for link in (first, second):
        await customer.open_link(link)
        await customer.next_message()
        await customer.next_message()
    assert len(await bot.service.customers.cards(341)) == 2
    await owner.press(menu, "One card for all stores: off")
    await owner.press(await owner.next_edit(), "on")
    question = await owner.next_edit()
    assert question.content.startswith("1 customer has several cards")
    await owner.press(question, "Yes")
    saved = await owner.next_edit()
    assert saved.content.startswith("✅ Saved — One card for all stores: on")
    assert len(await bot.service.customers.cards(341)) == 1


async def test_the_menu_and_its_prompt_work_after_a_restart(
    tg: BotApiEmulator, database_url: str, clock: ManualClock
) -> None:
    owner = tg.user(350, "Owner", language_code="de")
    de = translator("de")
    async with running(new_application(tg, database_url, clock)):
        await say(owner, "/setup Bäckerei")
        menu = await say(owner, "/program")
        await owner.press(menu, program_texts.menu_button(de, "timezone", ProgramSettings()))
        screen = await owner.next_edit()
    async with running(new_application(tg, database_url, clock)):  # another process
        await owner.press(screen, de.pgettext("button", "Other value…"))
        await owner.next_edit()
        question = await owner.next_message()
    third = new_application(tg, database_url, clock)
    async with running(third):
        await owner.reply(question, "Brüssel")
        saved = await owner.next_message()
        assert saved.content.startswith("✅ Gespeichert — Zeitzone: Europe/Brussels")
        service = third.bot_data.runtime.service
        assert service is not None
        assert (await service.merchants.program(owner.id)).timezone == "Europe/Brussels"
