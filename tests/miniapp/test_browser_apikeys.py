"""The owner's API keys screen in headless Chromium at 360 px, in four languages, light and
dark: a bad name is refused in the chat's sentence; a key made for one store with two scopes
shows its secret once, with a copy button that copies it; it is listed with its last use; the
secret is gone once the screen is drawn again; revoking asks first, and the key stops working.
Screenshots go to test-output/miniapp/apikeys-*.png (git-ignored)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.i18n import translator
from bot.texts import apikeys as texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.apikeys import NAME_MAX_LENGTH, NewApiKey, Scope
from tests.miniapp.test_browser import (  # noqa: F401 - fixtures used here
    _fits,
    _open,
    _plain,
    _shot,
    _status,
    _world,
    browser,
    engine_name,
)
from tests.support.miniapp import MiniAppClient

SECRET = re.compile(r"lk_[A-Za-z0-9_-]{43}")


@pytest.mark.parametrize(
    ("language", "theme"), [("en", "light"), ("fr", "dark"), ("de", "light"), ("lb", "dark")]
)
async def test_an_owner_makes_copies_and_revokes_a_key(
    browser: Any,  # noqa: F811 - the fixture
    miniapp: MiniAppClient,
    language: str,
    theme: str,
) -> None:
    world = await _world(miniapp, language)
    service, owner = miniapp.running.service, world.shop.owner
    gare = await world.shop.add_store("Gare")
    t = translator(language)
    labels = texts.screen_labels(t)
    page = await _open(browser, miniapp, owner, theme, world)
    await page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=miniapp.base_url
    )
    await page.click("[data-tab=business]")
    form = page.locator("#apikeys-box form[data-form=apikey]")
    await form.wait_for()
    assert await page.inner_text("#apikeys-box h2") == labels["title"]
    assert await page.inner_text(".apikeys-none") == labels["none"]

    # A name the chat refuses is refused in its sentence, beside the form; nothing is made.
    await form.locator("input[name=name]").fill("my key!")
    await form.locator("button[type=submit]").click()
    refusal = form.locator(".apikey-refusal")
    await refusal.wait_for()
    expected = _plain(refusal_text(t, errors.InvalidApiKeyName(max_length=NAME_MAX_LENGTH)))
    assert " ".join((await refusal.inner_text()).split()) == expected
    assert await _status(page) == expected
    assert await service.api_keys.keys(owner.user_id) == []

    # A key for Gare that may read and earn: its secret, shown once, in the chat's words.
    await form.locator("input[name=name]").fill("caisse")
    await form.locator("select[name=store]").select_option(gare.code)
    await form.locator("input[name=scope][value=redeem]").uncheck()
    await form.locator("button[type=submit]").click()
    shown = page.locator(".apikey-secret")
    await shown.wait_for()
    text = " ".join((await shown.locator(".apikey-created").inner_text()).split())
    found = SECRET.search(text)
    assert found is not None, text
    secret = found.group(0)
    (listed,) = await service.api_keys.keys(owner.user_id)
    assert text == _plain(texts.key_created(t, NewApiKey(key=listed, secret=secret)))
    assert not await refusal.is_visible()

    # Listed with its scopes, its store and "never used"; the list itself holds no secret.
    row = page.locator('.apikey[data-apikey="caisse"]')
    line = " ".join((await row.locator(".card-text").inner_text()).split())
    assert line == _plain(texts.key_line(t, listed, "Europe/Luxembourg"))
    assert secret not in await row.inner_html()

    copy = shown.locator("[data-apikey-copy]")
    assert await copy.inner_text() == labels["copy_secret"]
    await copy.click()
    await page.wait_for_function(
        "copied => document.querySelector('[data-apikey-copy]').textContent === copied",
        arg=labels["copied"],
    )
    assert await page.evaluate("navigator.clipboard.readText()") == secret
    await _fits(page, theme)
    await _shot(page, f"apikeys-{language}-{theme}")

    # The secret is the key: it acts for Gare with read and earn.
    key = await service.api_keys.authenticate(secret)
    assert key.scopes == {Scope.READ, Scope.EARN} and key.store_id == gare.store_id

    # Drawn again (the tab opened anew), the screen shows the key and never its secret.
    await page.evaluate("document.getElementById('apikeys-box').dataset.old = '1'")
    await page.click("[data-tab=business]")
    await page.wait_for_selector('#apikeys-box:not([data-old]) .apikey[data-apikey="caisse"]')
    assert not await page.locator(".apikey-secret").is_visible()
    assert secret not in await page.content()

    # Revoking asks first, says so in the chat's words, and the key stops working.
    await page.click('[data-apikey-revoke="caisse"]')
    assert await _status(page) == _plain(texts.key_revoked(t, "caisse"))
    confirms = await page.evaluate("window.__sim.confirms")
    assert confirms[-1] == texts.revoke_question(t, "caisse")
    await page.wait_for_selector(".apikeys-none")
    assert await service.api_keys.keys(owner.user_id) == []
    with pytest.raises(errors.ApiKeyRefused):
        await service.api_keys.authenticate(secret)
    assert page.errors == []
    await page.context.close()
