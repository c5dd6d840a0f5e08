"""The café's look in the Mini App, in headless Chromium at 360 px: the brand colour in the
computed styles (header, bars, main buttons) with text on it at 4.5:1 in the light and the dark
theme, Telegram's colours without a brand, and the card's ladder: every reward named with its
count, a ready one on top, nothing wider than the screen.

One page per role serves all four looks (the theme switched as Telegram switches it, the page
reloaded once the café has its brand). Screenshots go to test-output/miniapp/brand-*.png.
"""

from __future__ import annotations

import io
import re
from typing import Any

from PIL import Image

from bot.look import prepare_logo
from domain.brand import READABLE, Brand, contrast
from domain.model import RewardUnit
from tests.miniapp.test_browser import WIDTH, World, _open, _shot, browser, engine_name
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import new_profile, open_shop

__all__ = ["browser", "engine_name"]  # the fixtures, shared with test_browser.py

COLOUR = "#1f5fa8"
CAKE = "Cake of the day with whipped cream and berries"
TELEGRAM_BUTTON = {"light": "rgb(51, 144, 236)", "dark": "rgb(135, 116, 225)"}

# Each element that writes on the brand colour: [selector, its text colour, its background].
ON_BRAND = """() => [...document.querySelectorAll(
        '.brand-head, .rung.ready, button.primary, .tab[aria-selected=true]')]
    .filter(e => e.offsetParent !== null)
    .map(e => [e.className, getComputedStyle(e).color, getComputedStyle(e).backgroundColor])"""


def _hex(css: str) -> str:
    red, green, blue = (int(part) for part in re.findall(r"\d+", css)[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


def _css(colour: str) -> str:
    value = colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(value[i : i + 2], 16) for i in (0, 2, 4)))


async def _look(page: Any, theme: str, brand: Brand | None, names: list[str]) -> None:
    """The page as it stands: its colours in this theme, the ladder's words, its width."""
    await page.evaluate("theme => window.__sim.theme(theme)", theme)
    expected = TELEGRAM_BUTTON[theme]
    if brand is not None:
        expected = _css(brand.fill if theme == "light" else brand.text_on_dark)
    fills = await page.evaluate(
        """() => [...document.querySelectorAll(`.brand-head, .rung.ready, button.primary,
                .ladder .rung:not(.ready) .progress span`)]
            .filter(e => e.offsetParent !== null)
            .map(e => getComputedStyle(e).backgroundColor)"""
    )
    assert fills and set(fills) == {expected}
    # Without a brand the pairs are Telegram's own (its white on its blue is 3.3:1).
    for name, text, background in await page.evaluate(ON_BRAND) if brand else []:
        assert contrast(_hex(text), _hex(background)) >= READABLE, (name, text, background)
    if names:
        ladder = " ".join((await page.inner_text(".ladder")).split())
        for name in names:
            assert name in ladder
        first = await page.evaluate("document.querySelector('.ladder .rung').className")
        assert "ready" in first  # the coffee is ready: on top
    overflow = await page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.rung, .brand-head')]
            .filter(e => e.scrollWidth > e.clientWidth).map(e => e.className || e.tagName)"""
    )
    assert overflow == []
    assert await page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert page.errors == []


async def test_the_mini_app_wears_the_cafes_brand_and_its_ladder(
    browser: Any, miniapp: MiniAppClient
) -> None:
    service = miniapp.running.service
    shop = await open_shop(
        service, "Café Lux", type="hybrid", stamps_target="8", cooldown="0", daily_limit="0"
    )
    owner = shop.owner.user_id
    await service.rewards.add(owner, 12, CAKE, RewardUnit.STAMPS)
    cashier = await shop.hire("Cara")
    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, card.number, 8)
    link = f"https://t.me/{miniapp.running.tg.bot_username}?start=card_{card.qr_token}"
    world = World(shop=shop, cashier=cashier, customer=customer, card=card, link=link)
    names = ["Free coffee", CAKE, "5 € voucher"]

    pages = {}
    for role, person in (("customer", customer), ("cashier", cashier), ("owner", shop.owner)):
        pages[role] = await _open(browser, miniapp, person, "light", world)

    async def show(role: str) -> None:
        page = pages[role]
        if role == "customer":
            await page.wait_for_selector(".card .ladder")
        if role == "cashier":
            await page.fill("[data-form=lookup] input", card.number)
            await page.click("[data-form=lookup] button")
            await page.wait_for_selector("#panel .ladder")
            # The cashier's Redeem comes first, above the ladder's ready reward.
            first = await page.evaluate("document.querySelector('#panel button').dataset.op")
            assert first == "redeem"
        if role == "owner":
            await page.click("[data-tab=business]")
            await page.wait_for_selector(".summary")

    for branded in (False, True):
        brand = None
        if branded:
            logo = io.BytesIO()
            Image.new("RGB", (64, 64), (200, 40, 40)).save(logo, format="PNG")
            await service.brand.set_logo(owner, prepare_logo(logo.getvalue()))
            await service.brand.set_symbol(owner, "cup")
            brand = await service.brand.set_colour(owner, COLOUR)
        for role, page in pages.items():
            if branded:
                await page.reload()
                await page.wait_for_selector(".pane", state="attached")
            await show(role)
            header = " ".join((await page.inner_text(".brand-head")).split())
            assert header == "Café Lux"
            shown_logo = await page.evaluate(
                "(document.querySelector('.brand-head .logo') || {}).naturalWidth || 0"
            )
            assert (shown_logo > 0) is branded
            if role != "owner":  # rewards still to come: marked with the café's symbol
                marks = await page.evaluate(
                    """() => [...document.querySelectorAll('.rung:not(.ready) .mark')]
                        .map(e => getComputedStyle(e, '::before').content)"""
                )
                assert marks == ['"☕"' if branded else '"🎁"'] * 2
            for theme in ("light", "dark"):
                await _look(page, theme, brand, names if role != "owner" else [])
                await _shot(page, f"brand-{role}-{theme}-{'brand' if branded else 'plain'}")
    for page in pages.values():
        await page.context.close()


async def test_a_customer_of_two_cafes_sees_each_card_in_its_cafes_colour(
    browser: Any, miniapp: MiniAppClient
) -> None:
    """The platform bot's wallet: no café's header, each card in its own café's colours."""
    service = miniapp.running.service
    lux = await open_shop(service, "Café Lux")
    nord = await open_shop(service, "Bäckerei Nord")
    brand = await service.brand.set_colour(lux.owner.user_id, "yellow")  # light: ink on it
    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, lux.first_store.code)).card
    await service.customers.enrol(customer, nord.first_store.code)
    world = World(shop=lux, cashier=customer, customer=customer, card=card, link="")
    page = await _open(browser, miniapp, customer, "dark", world)
    await page.wait_for_selector(".card .ladder")
    assert await page.locator(".brand-head").count() == 0
    fills = await page.evaluate(
        """() => [...document.querySelectorAll('.card')]
            .map(e => getComputedStyle(e.querySelector('.progress span')).backgroundColor)"""
    )
    assert fills == [_css(brand.text_on_dark), TELEGRAM_BUTTON["dark"]]
    await page.context.close()
