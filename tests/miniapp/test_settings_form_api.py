"""The owner's settings form over HTTP, on both engines: the form is the chat's /program menu
(the same settings for the programme's type, in groups, values in words), one save changes one
setting and says so in words, a refusal names the unit and changes nothing, the chat's
questions come first, and nobody but the owner changes anything."""

from __future__ import annotations

import re

from bot.i18n import translator
from bot.menus import OWNER
from bot.texts import bonuses as bonus_texts
from bot.texts import owner as owner_texts
from bot.texts import program as program_texts
from bot.texts import setting_registry, setting_values
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import ProgramType
from domain.program import ProgramSettings, keys_for
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import Shop, new_profile, open_shop
from webapp.requests import tg_html


async def _program(miniapp: MiniAppClient, shop: Shop) -> ProgramSettings:
    return await miniapp.running.service.merchants.program(shop.owner.user_id)


async def _french_shop(miniapp: MiniAppClient) -> Shop:
    shop = await open_shop(miniapp.running.service, "Café Lux", cooldown="15")
    await miniapp.running.service.customers.set_language(shop.owner, "fr")
    return shop


async def test_the_form_shows_the_chats_settings_in_groups_in_the_owners_language(
    miniapp: MiniAppClient,
) -> None:
    shop = await _french_shop(miniapp)
    t = translator("fr")
    html = (await miniapp.call("business", shop.owner)).json()["html"]
    settings = await _program(miniapp, shop)
    shown = re.findall(r'data-form="setting" data-key="([a-z_]+)"', html)
    assert shown == [
        row.key for group in program_texts.setting_form(t, settings) for row in group.rows
    ]
    assert set(shown) == set(keys_for(settings.type))  # a stamp card: no points settings
    assert "points_per_euro" not in shown
    groups = re.findall(r'data-group="([a-z]+)"', html)
    assert groups == ["counter", "rewards", "bonuses", "messages", "business"]
    for group in setting_registry.Group:
        assert f"<h3>{setting_registry.group_title(t, group)}</h3>" in html
    assert setting_registry.label(t, "cooldown") in html
    assert setting_values.minutes(t, 15) in html  # "15 min", not "15"
    assert 'role="switch"' in html and 'role="radiogroup"' in html and "<select" in html


async def test_a_typed_value_is_read_as_the_chat_reads_it_and_said_in_words(
    miniapp: MiniAppClient,
) -> None:
    shop = await _french_shop(miniapp)
    t = translator("fr")
    answer = await miniapp.call("setting", shop.owner, {"key": "cooldown", "value": "30 min"})
    settings = await _program(miniapp, shop)
    assert answer.status_code == 200 and settings.cooldown_minutes == 30
    assert answer.json()["message"] == tg_html(program_texts.saved(t, "cooldown", settings))
    assert setting_values.minutes(t, 30) in answer.json()["message"]
    assert 'data-key="cooldown"' in answer.json()["html"]
    zone = await miniapp.call("setting", shop.owner, {"key": "timezone", "value": "Lëtzebuerg"})
    assert zone.status_code == 200
    assert (await _program(miniapp, shop)).timezone == "Europe/Luxembourg"
    summary = await miniapp.call("setting", shop.owner, {"key": "summary", "value": "21h"})
    assert summary.status_code == 200
    assert str((await _program(miniapp, shop)).summary_time) == "21:00:00"


async def test_a_refusal_names_the_unit_and_changes_nothing(miniapp: MiniAppClient) -> None:
    shop = await _french_shop(miniapp)
    t = translator("fr")
    before = await _program(miniapp, shop)
    answer = await miniapp.call("setting", shop.owner, {"key": "cooldown", "value": "abc"})
    assert answer.status_code == 409
    refusal = errors.InvalidSettingValue(key="cooldown", value="abc", minimum=0, maximum=1440)
    assert answer.json()["message"] == tg_html(refusal_text(t, refusal))
    assert t.ngettext("{n} minute", "{n} minutes", 1440) in answer.json()["message"]
    too_many = await miniapp.call("setting", shop.owner, {"key": "stamps_target", "value": "99"})
    assert too_many.status_code == 409
    assert t.ngettext("{n} stamp", "{n} stamps", 50) in too_many.json()["message"]
    # A bonus's range is in the programme's unit: stamps on a stamp card.
    bonus = await miniapp.call("setting", shop.owner, {"key": "welcome_bonus", "value": "20"})
    assert bonus.status_code == 409
    assert t.ngettext("{n} stamp", "{n} stamps", 10) in bonus.json()["message"]
    assert await _program(miniapp, shop) == before


async def test_bodies_that_do_not_fit_are_refused_before_anything_changes(
    miniapp: MiniAppClient,
) -> None:
    shop = await _french_shop(miniapp)
    before = await _program(miniapp, shop)
    for body in (
        {"key": "cooldwn", "value": "30"},  # not a setting
        {"key": "cooldown", "value": ""},
        {"key": "cooldown", "value": 30},  # strict: a number is not the text typed
        {"key": "cooldown", "value": "30", "confirm_merge": "yes"},
        {"value": "30"},
    ):
        answer = await miniapp.call("setting", shop.owner, body)
        assert answer.status_code == 400, body
    assert await _program(miniapp, shop) == before


async def test_staff_and_customers_are_refused(miniapp: MiniAppClient) -> None:
    shop = await _french_shop(miniapp)
    cashier = await shop.hire("Cara")
    customer = new_profile("Clara")
    await miniapp.running.service.customers.enrol(customer, shop.first_store.code)
    before = await _program(miniapp, shop)
    for person in (cashier, customer):
        answer = await miniapp.call("setting", person, {"key": "cooldown", "value": "30 min"})
        assert answer.status_code == 403
        assert answer.json()["ok"] is False
    nobody = await miniapp.call("setting", None, {"key": "cooldown", "value": "5"})
    assert nobody.status_code == 401
    assert await _program(miniapp, shop) == before


async def test_a_type_change_and_cross_location_ask_first(miniapp: MiniAppClient) -> None:
    service = miniapp.running.service
    shop = await _french_shop(miniapp)
    t = translator("fr")
    await shop.configure(cooldown="0", cross_location="off")
    miniapp.running.tg.user(shop.owner.user_id, "Olivia", started=True)  # their chat with the bot
    second = await shop.add_store("Kirchberg")
    cashier = await shop.hire("Cara")
    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.customers.enrol(customer, second.code)  # a second card: one per store
    await service.counter.stamp(cashier.user_id, card.number, 2, idempotency_key="seed")

    asked = (await miniapp.call("setting", shop.owner, {"key": "type", "value": "points"})).json()
    assert asked == {
        "ok": False,
        "question": tg_html(owner_texts.hidden_balances_question(t, 1, "stamps")),
        "flag": "confirm_hidden",
    }
    assert (await _program(miniapp, shop)).type == "stamps"
    body = {"key": "type", "value": "points", "confirm_hidden": True}
    done = (await miniapp.call("setting", shop.owner, body)).json()
    assert done["ok"] is True and (await _program(miniapp, shop)).type == "points"
    assert 'data-key="points_per_euro"' in done["html"]
    assert 'data-key="stamps_target"' not in done["html"]
    # The owner's chat menu now lists the points card's commands, as after /program.
    menus = miniapp.running.application.bot_data.runtime.menus
    assert menus is not None
    expected = [c.command for c in menus.commands(t, OWNER, program_type=ProgramType.POINTS)]
    chat = {"type": "chat", "chat_id": shop.owner.user_id}
    assert [name for name, _ in miniapp.running.tg.commands(scope=chat)] == expected
    assert expected != [
        c.command for c in menus.commands(t, OWNER, program_type=ProgramType.STAMPS)
    ]

    merge = await miniapp.call("setting", shop.owner, {"key": "cross_location", "value": "on"})
    assert merge.json() == {
        "ok": False,
        "question": tg_html(owner_texts.merge_question(t, 1)),
        "flag": "confirm_merge",
    }
    assert (await _program(miniapp, shop)).cross_location is False
    body = {"key": "cross_location", "value": "on", "confirm_merge": True}
    assert (await miniapp.call("setting", shop.owner, body)).status_code == 200
    assert (await _program(miniapp, shop)).cross_location is True
    assert len(await service.customers.cards(customer.user_id)) == 1


async def test_happy_hours_past_midnight_ask_first(miniapp: MiniAppClient) -> None:
    shop = await _french_shop(miniapp)
    t = translator("fr")
    typed = {"key": "happy_hour", "value": "mar 22h-2h x2"}  # French days, whole hours
    asked = (await miniapp.call("setting", shop.owner, typed)).json()
    window = "tue 22:00-02:00 x2"
    assert asked == {
        "ok": False,
        "question": tg_html(bonus_texts.past_midnight_question(t, window, 4 * 60)),
        "flag": "confirm_past_midnight",
    }
    assert (await _program(miniapp, shop)).happy_hour is None
    done = await miniapp.call("setting", shop.owner, {**typed, "confirm_past_midnight": True})
    settings = await _program(miniapp, shop)
    assert settings.happy_hour is not None and str(settings.happy_hour) == window
    assert done.json()["message"] == tg_html(program_texts.saved(t, "happy_hour", settings))
