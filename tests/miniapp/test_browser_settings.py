"""The owner's settings form in headless Chromium at 360 px, in each language and both themes:
the cooldown changed by typing "30 min" (read as the chat reads it, said in words), "abc"
refused with a sentence that names the unit, a type change asked about in the page before it
is made (No keeps the type, Yes changes it and the form shows the new type's settings), a
switch and a choice saved with one tap each; the database says what changed. Screenshots go to
test-output/miniapp/settings-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import translator
from bot.texts import owner as owner_texts
from bot.texts import program as program_texts
from bot.texts import setting_registry, setting_values
from bot.texts import webapp as webapp_texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.program import ProgramSettings, keys_for
from tests.miniapp.test_browser import World, _fits, _open, _plain, _shot, _status, browser
from tests.miniapp.test_browser import engine_name as engine_name
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import new_profile, open_shop

__all__ = ["browser", "engine_name"]  # the fixtures, shared with test_browser.py

COOLDOWN = "[data-form=setting][data-key=cooldown]"
TYPE = "[data-form=setting][data-key=type]"


async def _world(client: MiniAppClient, language: str) -> World:
    """A stamp café whose customer holds stamps (so a change to points hides them)."""
    service = client.running.service
    shop = await open_shop(service, "Café Lux", cooldown="15")
    await service.customers.set_language(shop.owner, language)
    cashier = await shop.hire("Cara")
    customer = new_profile("Clara", language)
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, card.number, 2, idempotency_key="seed")
    link = f"https://t.me/{client.running.tg.bot_username}?start=card_{card.qr_token}"
    return World(shop=shop, cashier=cashier, customer=customer, card=card, link=link)


async def _program(client: MiniAppClient, world: World) -> ProgramSettings:
    return await client.running.service.merchants.program(world.shop.owner.user_id)


async def _text(page: Any, selector: str) -> str:
    return " ".join((await page.inner_text(selector)).split())


@pytest.mark.parametrize(
    ("language", "theme"),
    [
        ("en", "light"),
        ("fr", "dark"),
        ("de", "light"),
        ("lb", "dark"),
        ("en", "dark"),
        ("fr", "light"),
        ("de", "dark"),
        ("lb", "light"),
    ],
)
async def test_the_owner_changes_settings_in_the_form(
    browser: Any, miniapp: MiniAppClient, language: str, theme: str
) -> None:
    world = await _world(miniapp, language)
    t = translator(language)
    page = await _open(browser, miniapp, world.shop.owner, theme, world)
    await page.click("[data-tab=business]")
    await page.wait_for_selector(COOLDOWN)

    # The chat's settings for a stamp card, in their groups, in the owner's words.
    settings = await _program(miniapp, world)
    titles = await page.locator(".setting-group h3").all_inner_texts()
    assert titles == [setting_registry.group_title(t, group) for group in setting_registry.Group]
    keys = await page.eval_on_selector_all(
        "[data-form=setting]", "forms => forms.map(f => f.dataset.key)"
    )
    assert sorted(keys) == sorted(keys_for(settings.type))
    assert await _text(page, f"{COOLDOWN} label") == setting_registry.label(t, "cooldown")
    assert await _text(page, f"{COOLDOWN} .setting-value") == setting_values.minutes(t, 15)
    await _fits(page, theme)

    # "30 min" typed: read as the chat reads it, saved, said in words.
    await page.fill(f"{COOLDOWN} input[name=value]", "30 min")
    await page.click(f"{COOLDOWN} button[type=submit]")
    saved = await _status(page)
    settings = await _program(miniapp, world)
    assert settings.cooldown_minutes == 30
    assert saved == _plain(program_texts.saved(t, "cooldown", settings))
    assert await _text(page, f"{COOLDOWN} .setting-value") == setting_values.minutes(t, 30)

    # "abc": refused in the owner's words, naming the unit; nothing changes.
    await page.fill(f"{COOLDOWN} input[name=value]", "abc")
    await page.click(f"{COOLDOWN} button[type=submit]")
    await page.wait_for_selector(f"{COOLDOWN} .setting-refusal:not([hidden])")
    refusal = errors.InvalidSettingValue(key="cooldown", value="abc", minimum=0, maximum=1440)
    shown = await _text(page, f"{COOLDOWN} .setting-refusal")
    assert shown == _plain(refusal_text(t, refusal))
    assert _plain(t.ngettext("{n} minute", "{n} minutes", 1440)) in shown
    assert (await _program(miniapp, world)).cooldown_minutes == 30
    await _status(page)
    await _fits(page, theme)
    await _shot(page, f"settings-{language}-{theme}-refused")

    # A choice from the list: one change, one save.
    await page.select_option("[data-form=setting][data-key=daily_limit] select", "3")
    await _status(page)
    assert (await _program(miniapp, world)).daily_limit == 3

    # A switch: one tap.
    switch = "[data-form=setting][data-key=staff_corrections] [role=switch]"
    assert await page.get_attribute(switch, "aria-checked") == "false"
    await page.click(switch)
    await _status(page)
    assert (await _program(miniapp, world)).staff_corrections is True
    assert await page.get_attribute(switch, "aria-checked") == "true"

    # A type that hides the stamps a card holds: asked in the page first, as in the chat.
    question = _plain(owner_texts.hidden_balances_question(t, 1, "stamps"))
    await page.click(f"{TYPE} [role=radio][data-value=points]")
    await page.wait_for_selector(f"{TYPE} .setting-question:not([hidden])")
    assert await _text(page, f"{TYPE} .setting-question p") == question
    await _fits(page, theme)
    await _shot(page, f"settings-{language}-{theme}-question")
    await page.click(f"{TYPE} [data-answer=no]")
    assert await _status(page) == _plain(webapp_texts.labels(t)["declined"])
    assert (await _program(miniapp, world)).type == "stamps"
    await page.click(f"{TYPE} [role=radio][data-value=points]")
    await page.wait_for_selector(f"{TYPE} .setting-question:not([hidden])")
    await page.click(f"{TYPE} [data-answer=yes]")
    saved = await _status(page)
    settings = await _program(miniapp, world)
    assert settings.type == "points"
    assert saved == _plain(program_texts.saved(t, "type", settings))
    await page.wait_for_selector("[data-form=setting][data-key=points_per_euro]")
    assert await page.locator("[data-form=setting][data-key=stamps_target]").count() == 0
    checked = f"{TYPE} [role=radio][aria-checked=true]"
    assert await page.get_attribute(checked, "data-value") == "points"
    await _fits(page, theme)
    await _shot(page, f"settings-{language}-{theme}")
    await page.context.close()
