"""The owner picks the café's colour and stamp symbol in the Mini App's Look section, in headless
Chromium at 360 px, in each language: a swatch tapped and a code typed show at once in the
computed styles (header, selected tab, main button), with text on them at 4.5:1; a code that is
no colour is refused in the owner's words and changes neither the page nor what is stored; the
defaults come back with one tap each; nothing is wider than the screen. Screenshots go to
test-output/miniapp/look-colour-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import translator
from bot.texts import brand as brand_texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.brand import READABLE, SWATCHES, Brand, contrast
from tests.miniapp.test_browser import (
    WIDTH,
    _fits,
    _open,
    _shot,
    _status,
    browser,
    owner_of_a_new_cafe,
)
from tests.miniapp.test_browser import engine_name as engine_name
from tests.miniapp.test_browser_brand import TELEGRAM_BUTTON, _css, _hex
from tests.support.miniapp import MiniAppClient
from webapp.requests import plain_text

__all__ = ["browser", "engine_name"]  # the fixtures, shared with test_browser.py

# What wears the brand on the owner's tab, with the text written on it.
ON_BRAND = """() => [...document.querySelectorAll(
        '.brand-head, .tab[aria-selected=true], #look-box .file-button')]
    .filter(e => e.offsetParent !== null)
    .map(e => [e.className, getComputedStyle(e).color, getComputedStyle(e).backgroundColor])"""
HEX_FIELD = "#look-box [data-form=look-colour] input[name=colour]"


async def _wears(page: Any, fill: str, *, branded: bool) -> None:
    """Every branded element filled with `fill` (a CSS rgb()), text on it readable when it is
    the café's colour, and nothing wider than the screen."""
    worn = await page.evaluate(ON_BRAND)
    assert len(worn) == 3 and {background for _, _, background in worn} == {fill}, worn
    for name, text, background in worn if branded else []:
        assert contrast(_hex(text), _hex(background)) >= READABLE, (name, text, background)
    overflow = await page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('#look-box *')]
            .filter(e => e.scrollWidth > e.clientWidth + 1
                         || e.getBoundingClientRect().right > window.innerWidth)
            .map(e => e.className || e.tagName)"""
    )
    assert overflow == []
    assert await page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def _fill(colour: str, theme: str) -> str:
    brand = Brand(colour=colour)
    return _css(brand.fill if theme == "light" else brand.text_on_dark)


async def _mark(page: Any) -> str:
    return str(
        await page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--brand-mark').trim()"
        )
    )


@pytest.mark.parametrize(
    ("language", "theme"), [("en", "light"), ("fr", "dark"), ("de", "light"), ("lb", "dark")]
)
async def test_the_owner_picks_a_colour_and_a_symbol_and_the_page_wears_them(
    browser: Any, miniapp: MiniAppClient, language: str, theme: str
) -> None:
    service = miniapp.running.service
    world = await owner_of_a_new_cafe(miniapp, language)
    owner, merchant = world.cashier, world.shop.first_store.merchant_id
    t = translator(language)

    page = await _open(browser, miniapp, owner, theme, world)
    await page.click("[data-tab=business]")
    await page.wait_for_selector("#look-box .swatch")
    await _wears(page, TELEGRAM_BUTTON[theme], branded=False)
    await _fits(page, theme)
    await _shot(page, f"look-colour-{theme}-{language}-plain")

    # A swatch tapped: saved, and worn at once, without reloading the page.
    green = SWATCHES["green"]
    await page.click(f"#look-box .swatch[data-colour='{green}']")
    assert await _status(page) == plain_text(brand_texts.colour_saved(t))
    await _wears(page, _fill(green, theme), branded=True)
    assert (await service.brand.of_merchant(merchant)).colour == green
    pressed = "#look-box .swatch[aria-pressed=true]"
    assert await page.get_attribute(pressed, "data-colour") == green

    # A code typed in the field (as a phone's keyboard gives it: capitals, a space).
    await page.fill(HEX_FIELD, " #6A3D9A")
    await page.press(HEX_FIELD, "Enter")
    assert await _status(page) == plain_text(brand_texts.colour_saved(t))
    purple = SWATCHES["purple"]
    await _wears(page, _fill(purple, theme), branded=True)
    assert (await service.brand.of_merchant(merchant)).colour == purple
    assert await page.input_value(HEX_FIELD) == purple
    await _fits(page, theme)
    await _shot(page, f"look-colour-{theme}-{language}-purple")

    # What is no code: refused in the owner's words; the page and the café keep their purple.
    for typed in ("red", "#12345"):
        await page.fill(HEX_FIELD, typed)
        await page.click("#look-box [data-form=look-colour] button[type=submit]")
        sentence = refusal_text(t, errors.BadBrandColour(typed))
        assert await _status(page) == plain_text(sentence)
        assert await page.input_value(HEX_FIELD) == typed  # left to correct
        await _wears(page, _fill(purple, theme), branded=True)
        assert (await service.brand.of_merchant(merchant)).colour == purple
    await _shot(page, f"look-colour-{theme}-{language}-refused")

    # A symbol, then the defaults back, each with one tap.
    await page.click("#look-box .symbol[data-symbol=star]")
    assert await _status(page) == plain_text(brand_texts.symbol_saved(t))
    assert await _mark(page) == '"★"'
    assert (await service.brand.of_merchant(merchant)).symbol == "star"
    assert await page.get_attribute("#look-box .symbol[aria-pressed=true]", "data-symbol") == (
        "star"
    )
    await _shot(page, f"look-colour-{theme}-{language}-star")
    await page.click("#look-box [data-action=look-default][data-part=symbol]")
    assert await _status(page) == plain_text(brand_texts.symbol_cleared(t))
    assert await _mark(page) == ""
    await page.click("#look-box [data-action=look-default][data-part=colour]")
    assert await _status(page) == plain_text(brand_texts.colour_cleared(t))
    await _wears(page, TELEGRAM_BUTTON[theme], branded=False)
    assert await service.brand.of_merchant(merchant) == Brand()
    assert await page.locator(pressed).count() == 0
    await _fits(page, theme)
    await page.context.close()
