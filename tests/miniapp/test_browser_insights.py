"""The owner's Insights page in headless Chromium at 360 px, in four languages, light and dark:
a tile per §11 figure with its line of explanation, the return by first month as bars in the
café's colour, the figures per store and the staff's activity, all without sideways scrolling.
Screenshots go to test-output/miniapp/insights-*.png (git-ignored)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.i18n import translator
from bot.texts import insights as insight_texts
from domain.brand import Brand
from tests.conftest import T0
from tests.miniapp.test_browser import World, _fits, _open, _shot, browser, engine_name  # noqa: F401
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import new_profile, open_shop

COLOUR = "#1f5fa8"


async def _seeded_cafe(miniapp: MiniAppClient, language: str) -> World:
    """Two stores, two cashiers, customers whose first visits were in November, December and
    January, some of whom came back: every section of the page has something to show."""
    service, clock = miniapp.running.service, miniapp.running.clock
    clock.set(T0 - timedelta(days=70))  # early November
    shop = await open_shop(service, "Café Lux", cooldown="0", daily_limit="0", stamps_target="3")
    await service.customers.set_language(shop.owner, language)
    gare = await shop.add_store("Gare")
    kim, lou = await shop.hire("Kim", shop.first_store), await shop.hire("Lou", gare)
    cards = []
    for i, store in enumerate([shop.first_store, gare, shop.first_store, gare]):
        customer = new_profile(f"Customer {i}")
        cards.append((await service.customers.enrol(customer, store.code)).card)
    visits = {  # days after early November → (card, cashier)
        0: [(0, kim), (1, lou)],
        30: [(0, kim), (2, kim)],  # December: card 0 comes back, card 2's first visit
        40: [(1, lou)],
        65: [(3, lou), (2, kim)],  # January: card 3's first visit, card 2 back
        69: [(0, kim)],
    }
    for day, operations in visits.items():
        clock.set(T0 - timedelta(days=70) + timedelta(days=day))
        for index, cashier in operations:
            await service.counter.stamp(cashier.user_id, cards[index].number)
    clock.set(T0)
    await service.brand.set_colour(shop.owner.user_id, COLOUR)
    link = f"https://t.me/{miniapp.running.tg.bot_username}?start=card_{cards[0].qr_token}"
    return World(shop=shop, cashier=kim, customer=new_profile("Nobody"), card=cards[0], link=link)


@pytest.mark.parametrize(
    ("language", "theme"), [("en", "light"), ("fr", "dark"), ("de", "light"), ("lb", "dark")]
)
async def test_the_insights_page_shows_every_figure_and_fits_a_phone(
    browser: Any,  # noqa: F811 - the fixture
    miniapp: MiniAppClient,
    language: str,
    theme: str,
) -> None:
    world = await _seeded_cafe(miniapp, language)
    t = translator(language)
    found = await miniapp.running.service.insights.for_owner(world.shop.owner.user_id)
    assert found.total.active_90 == 4 and len(found.per_store) == 2  # what the page must show

    page = await _open(browser, miniapp, world.shop.owner, theme, world)
    await page.click("[data-tab=business]")
    await page.click("[data-action=insights]")
    await page.wait_for_selector(".insights:not([hidden]) .figure")

    tiles = [" ".join(text.split()) for text in await page.locator(".figure").all_inner_texts()]
    assert tiles == [
        " ".join(f"{f.label} {f.value} {f.explanation}".split())
        for f in insight_texts.insight_figures(t, found)
    ]
    # One row of bars per month with first visits; each bar as long as its share.
    rows = insight_texts.cohort_rows(t, found)
    assert await page.locator(".insights .cohort").count() == len(rows) >= 3
    drawn = await page.evaluate(
        """() => [...document.querySelectorAll('.insights .cohort')].map(row =>
             [...row.querySelectorAll('.cohort-cell')].map(cell => {
               const fill = cell.querySelector('.bar-fill');
               if (!fill) return null;
               const bar = fill.parentElement.getBoundingClientRect().width;
               return fill.getBoundingClientRect().width / bar;
             }))"""
    )
    expected = [[share for share, _ in row.came_back] for row in rows]
    assert len(drawn) == len(expected)
    for drawn_row, expected_row in zip(drawn, expected, strict=True):
        for width, share in zip(drawn_row, expected_row, strict=True):
            assert (width is None) == (share is None)
            if share is not None:
                assert width == pytest.approx(share, abs=0.02)
    fill = await page.evaluate(
        "getComputedStyle(document.querySelector('.insights .bar-fill')).backgroundColor"
    )
    brand = Brand(colour=COLOUR)
    shown = brand.fill if theme == "light" else brand.text_on_dark
    red, green, blue = (int(shown[i : i + 2], 16) for i in (1, 3, 5))
    assert fill == f"rgb({red}, {green}, {blue})"  # the café's colour, as the theme shows it

    section = " ".join((await page.inner_text(".insights")).split())
    for name, figures in found.per_store:
        assert " ".join(f"{name} {insight_texts.store_line(t, figures)}".split()) in section
    for activity in found.staff:
        line = insight_texts.staff_line(t, activity.operations, activity.customers)
        assert " ".join(f"{activity.name} {line}".split()) in section
    await _fits(page, theme)
    await _shot(page, f"insights-{language}-{theme}")
    await page.context.close()
