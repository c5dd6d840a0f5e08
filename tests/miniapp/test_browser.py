"""The Mini App in headless Chromium: the real pages, the real server and database, with a
simulated Telegram.WebApp injected before each page loads (webapp/static/simulator.js).

A cashier scans (the simulated scanner returns the card's t.me link), stamps, redeems and adds
"12,50" points; the customer sees the new balance and the history; the owner changes a setting
and sees today's figures. The whole story runs once per theme; a lighter pass opens each page
in each language. Screenshots go to test-output/miniapp/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import translator
from bot.texts import insights as insight_texts
from bot.texts import program as program_texts
from bot.texts import reports as report_texts
from bot.texts import rewards as reward_texts
from bot.texts import webapp as webapp_texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import CardView, UserProfile
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import Shop, new_profile, open_shop

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIMULATOR = (Path(__file__).resolve().parents[2] / "webapp" / "static" / "simulator.js").read_text()
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "miniapp"
WIDTH = 360


@pytest.fixture(params=["sqlite"])
def engine_name(request: pytest.FixtureRequest) -> str:
    """The browser drives SQLite; the API's authorization matrix covers both engines."""
    return str(request.param)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):
            raise RuntimeError(
                "CI installs chromium (.ci/run); a skip would hide the browser tests"
            )
        pytest.skip("chromium is not installed")
    from playwright.async_api import async_playwright

    # launch() gives Chromium a fresh --user-data-dir of its own, removed when it closes.
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


@dataclass
class World:
    shop: Shop
    cashier: UserProfile
    customer: UserProfile
    card: CardView
    link: str


async def owner_of_a_new_cafe(client: MiniAppClient, language: str) -> World:
    """Café Lux with its owner (speaking `language`) at the counter and one customer's card:
    what the owner's Look section needs."""
    service = client.running.service
    shop = await open_shop(service, "Café Lux")
    await service.customers.set_language(shop.owner, language)
    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    return World(shop=shop, cashier=shop.owner, customer=customer, card=card, link="")


async def _world(client: MiniAppClient, language: str) -> World:
    service = client.running.service
    shop = await open_shop(
        service, "Café Lux", type="hybrid", stamps_target="3", cooldown="0", daily_limit="0"
    )
    for person in (shop.owner,):
        await service.customers.set_language(person, language)
    cashier = await shop.hire("Cara")
    await service.customers.set_language(cashier, language)
    customer = new_profile("Clara", language)
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.customers.set_language(customer, language)
    link = f"https://t.me/{client.running.tg.bot_username}?start=card_{card.qr_token}"
    return World(shop=shop, cashier=cashier, customer=customer, card=card, link=link)


async def _open(
    browser: Any, client: MiniAppClient, person: UserProfile, theme: str, world: World
) -> Any:
    context = await browser.new_context(
        viewport={"width": WIDTH, "height": 780}, device_scale_factor=1, has_touch=True
    )
    config = {
        "initData": client.init_data(person),
        "theme": theme,
        "cards": [{"label": "Clara", "link": world.link}],
    }
    await context.add_init_script(f"window.__SIM__ = {json.dumps(config)};\n{SIMULATOR}")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Whatever the page's Content-Security-Policy refuses is an error of the page too.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.errors = errors
    await page.goto(f"{client.base_url}/app/")
    await page.wait_for_selector(".pane", state="attached")
    return page


async def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def _fits(page: Any, theme: str) -> None:
    """360 px wide without sideways scrolling, touch targets ≥ 44 px, the theme's colours."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH
    small = await page.evaluate(
        """() => [...document.querySelectorAll('button, select, input')]
             .filter(e => e.offsetParent !== null && !e.closest('#sim-scanner'))
             .map(e => [e.textContent.trim(), e.getBoundingClientRect().height])
             .filter(([, h]) => h < 44)"""
    )
    assert small == []
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(33, 33, 33)" if theme == "dark" else "rgb(255, 255, 255)")
    assert page.errors == []


def _plain(html: str) -> str:
    """Telegram HTML as the page's text reads: tags gone, any run of spaces as one."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def _status(page: Any) -> str:
    await page.wait_for_selector("#status:not([hidden])")
    text = " ".join((await page.inner_text("#status")).split())
    await page.evaluate("document.getElementById('status').hidden = true")
    return text


async def _scan(page: Any, link: str) -> None:
    """The scanner is open (opened by a tap or reopened after an operation): it reads `link`."""
    await page.wait_for_selector("#sim-scanner")
    await page.evaluate(
        """link => {
            const shown = document.querySelector('#panel [data-number]');
            if (shown) shown.dataset.old = '1';
            window.__sim.deliver(link);
        }""",
        link,
    )
    await page.wait_for_selector("#panel [data-number]:not([data-old])")


async def _dismiss_scanner(page: Any) -> None:
    await page.wait_for_selector("#sim-scanner")
    await page.evaluate("window.__sim.close()")


async def _card(client: MiniAppClient, world: World) -> CardView:
    return await client.running.service.customers.card(world.customer.user_id, world.card.card_id)


async def _cashier_scans_and_stamps(page: Any, world: World, language: str) -> None:
    await page.click("[data-action=scan]")
    await page.click("#sim-scanner .sim-card")  # the simulated scanner offers the card
    await page.wait_for_selector("#panel [data-number]")
    labels = webapp_texts.labels(translator(language))
    assert await page.inner_text("[data-op=stamp][data-n='1']") == labels["stamp_one"]


@pytest.mark.parametrize(("theme", "language"), [("light", "fr"), ("dark", "lb")])
async def test_the_whole_story(
    browser: Any, miniapp: MiniAppClient, theme: str, language: str
) -> None:
    world = await _world(miniapp, language)
    t = translator(language)
    name = f"story-{theme}-{language}"

    # The cashier: scan, +1, +2 (the card is full), redeem, then 12,50 € of points.
    page = await _open(browser, miniapp, world.cashier, theme, world)
    await _fits(page, theme)
    await _cashier_scans_and_stamps(page, world, language)
    await _shot(page, f"{name}-1-counter")
    await page.click("[data-op=stamp][data-n='1']")
    assert t.ngettext("✅ {n} stamp added.", "✅ {n} stamps added.", 1) in await _status(page)
    assert (await _card(miniapp, world)).stamp_count == 1
    await _scan(page, world.link)  # the scanner reopened for the next customer
    assert await page.evaluate("window.__sim.scans") == 2
    await page.click("[data-op=stamp][data-n='2']")
    await _status(page)
    assert (await _card(miniapp, world)).stamp_count == 3
    # The reward is ready: the scanner stays closed over it, Redeem comes first on the panel.
    await page.wait_for_timeout(1500)
    assert await page.evaluate("window.__sim.scans") == 2
    first = await page.evaluate("document.querySelector('#panel button').dataset.op")
    assert first == "redeem"
    # Points for today's purchase first: the coffee was ready before, so the scanner reopens.
    await page.click("[data-op=keypad]")
    for key in ["1", "2", ",", "5", "0"]:
        await page.click(f".keypad [data-key='{key}']")
    assert await page.inner_text(".keypad .amount") == "12,50"
    await _shot(page, f"{name}-2-keypad")
    await page.click("[data-op=points]")
    done = await _status(page)
    card = await _card(miniapp, world)
    assert card.points_balance == 12
    amount = t.money(Decimal("12.50"))
    head = t.ngettext(
        "✅ {n} point added for {amount}.", "✅ {n} points added for {amount}.", 12, amount=amount
    )
    assert _plain(head) in done
    await _scan(page, world.link)
    assert await page.evaluate("window.__sim.scans") == 3
    # The redeem: one tap (and its confirmation), then the scanner for the next customer.
    redeem = page.locator("[data-op=redeem]").filter(has_text="Free coffee")
    await redeem.click()
    done = await _status(page)
    assert _plain(t.gettext("✅ Reward redeemed: {reward}.", reward="Free coffee")) in done
    card = await _card(miniapp, world)
    assert (card.stamp_count, card.rewards_redeemed) == (0, 1)
    assert await page.evaluate("window.__sim.confirms.length") == 1  # asked before redeeming
    await _scan(page, world.link)
    assert await page.evaluate("window.__sim.scans") == 4
    await _fits(page, theme)
    await page.context.close()

    # The customer: the new balance and the history, newest first.
    page = await _open(browser, miniapp, world.customer, theme, world)
    await page.wait_for_selector(".card .qr img")
    card_text = " ".join((await page.inner_text(".card .card-text")).split())
    assert _plain(t.gettext("Points: {points}", points=t.number(12))) in card_text
    assert "0/3" in await page.inner_text(".card .ladder")
    await page.click("[data-action=history]")
    await page.wait_for_selector(".history .line")
    lines = await page.locator(".history .line .what").all_inner_texts()
    assert len(lines) == 4  # +1, +2, the points, the reward
    assert lines[1].startswith(t.ngettext("+{n} point", "+{n} points", 12))
    width = await page.evaluate("document.querySelector('.qr img').getBoundingClientRect().width")
    assert width >= 280  # large enough to scan from the screen
    await _fits(page, theme)
    await _shot(page, f"{name}-3-customer")
    await page.context.close()

    # The owner: today's figures, and a setting changed through the form.
    page = await _open(browser, miniapp, world.shop.owner, theme, world)
    await page.click("[data-tab=business]")
    await page.wait_for_selector(".summary")
    summary, _ = await miniapp.running.service.reports.summary_for_owner(
        world.shop.owner.user_id, "today"
    )
    shown = " ".join((await page.inner_text(".summary")).split())
    assert shown == _plain(report_texts.summary_text(t, summary))
    await page.click("[data-period=week]")
    await page.wait_for_selector(".chart:not([hidden])")
    assert await page.evaluate("document.querySelector('.chart').naturalWidth") > 300
    target = "[data-form=setting][data-key=stamps_target]"
    await page.fill(f"{target} input[name=value]", "8")
    await page.click(f"{target} button[type=submit]")
    saved = await _status(page)
    program = await miniapp.running.service.merchants.program(world.shop.owner.user_id)
    assert program.stamps_target == 8
    assert saved == _plain(program_texts.saved(t, "stamps_target", program))
    await page.fill(f"{target} input[name=value]", "99")
    await page.click(f"{target} button[type=submit]")
    refused = await _status(page)
    assert "99" in refused
    assert (
        await miniapp.running.service.merchants.program(world.shop.owner.user_id)
    ).stamps_target == 8
    # Whether customers come back: the Insights page, a tile per figure with its explanation,
    # and this month's first visits as a row of bars in the café's colour.
    await page.click("[data-action=insights]")
    await page.wait_for_selector(".insights:not([hidden]) .figure")
    found = await miniapp.running.service.insights.for_owner(world.shop.owner.user_id)
    tiles = [" ".join(text.split()) for text in await page.locator(".figure").all_inner_texts()]
    assert tiles == [
        " ".join(f"{f.label} {f.value} {f.explanation}".split())
        for f in insight_texts.insight_figures(t, found)
    ]
    assert await page.locator(".insights .cohort").count() == 1
    await page.click("[data-action=invite]")
    await page.wait_for_selector(".invite a")
    assert "?start=staff_" in await page.inner_text(".invite a")
    await _status(page)
    await _fits(page, theme)
    await _shot(page, f"{name}-4-owner")
    await page.context.close()


@pytest.mark.parametrize(
    ("language", "theme"), [("en", "light"), ("fr", "dark"), ("de", "light"), ("lb", "dark")]
)
async def test_each_page_in_each_language(
    browser: Any, miniapp: MiniAppClient, language: str, theme: str
) -> None:
    world = await _world(miniapp, language)
    t = translator(language)
    labels = webapp_texts.labels(t)
    name = f"pages-{language}-{theme}"

    page = await _open(browser, miniapp, world.cashier, theme, world)
    tabs = await page.locator(".tab").all_inner_texts()
    assert tabs == [labels["tab_counter"]]  # a cashier holding no card has no "My cards"
    await _cashier_scans_and_stamps(page, world, language)
    await page.click("[data-op=stamp][data-n='1']")
    done = await _status(page)
    card = await _card(miniapp, world)
    assert card.stamp_count == 1
    await _fits(page, theme)
    await _shot(page, f"{name}-counter")
    assert t.ngettext("✅ {n} stamp added.", "✅ {n} stamps added.", 1) in done
    await _dismiss_scanner(page)  # it reopened for the next customer: the cashier closes it
    await page.click("[data-op=undo]")
    undone = await _status(page)
    assert undone.startswith(
        _plain(t.gettext("↩️ Undone. Card {number}: {balance}", number="", balance="")).split()[0]
    )
    assert (await _card(miniapp, world)).stamp_count == 0
    await _dismiss_scanner(page)
    await page.click("[data-op=stamp][data-n='1']")
    await _status(page)
    await page.context.close()

    page = await _open(browser, miniapp, world.customer, theme, world)
    await page.wait_for_selector(".card .card-text")
    assert "1/3" in await page.inner_text(".card .ladder")
    await page.click("[data-action=stores]")
    await page.wait_for_selector(".card .stores:not([hidden])")
    assert world.shop.first_store.name in await page.inner_text(".card .stores")
    await _fits(page, theme)
    await _shot(page, f"{name}-customer")
    await page.context.close()

    page = await _open(browser, miniapp, world.shop.owner, theme, world)
    await page.click("[data-tab=business]")
    await page.wait_for_selector(".summary")
    assert labels["settings"] in await page.inner_text("#tab-business")
    await _fits(page, theme)
    await _shot(page, f"{name}-owner")
    await page.context.close()


async def test_a_refusal_is_shown_in_the_cashiers_language(
    browser: Any, miniapp: MiniAppClient
) -> None:
    """A card from another business: the chat's refusal, translated, and nothing changes."""
    world = await _world(miniapp, "de")
    other = await open_shop(miniapp.running.service, "Bäckerei Nord")
    stranger_card = (
        await miniapp.running.service.customers.enrol(new_profile("Kim"), other.first_store.code)
    ).card
    page = await _open(browser, miniapp, world.cashier, "light", world)
    await page.fill("[data-form=lookup] input", stranger_card.number)
    await page.click("[data-form=lookup] button")
    refused = await _status(page)
    assert refused == _plain(refusal_text(translator("de"), errors.CardNotFound()))
    assert await page.locator("#panel [data-number]").count() == 0
    await page.context.close()


async def test_a_cashier_of_both_stores_taps_the_store_and_the_stamp_goes_ahead(
    browser: Any, miniapp: MiniAppClient
) -> None:
    """PRODUCT.md §11 in the Mini App, in French: the first +1 of the day shows the stores;
    one tap on Kirchberg says where, and the waiting stamp is made there, once."""
    world = await _world(miniapp, "fr")
    service, t = miniapp.running.service, translator("fr")
    await world.shop.add_store("Kirchberg")
    page = await _open(browser, miniapp, world.cashier, "dark", world)
    await page.fill("[data-form=lookup] input", world.card.number)
    await page.click("[data-form=lookup] button")
    await page.click("[data-op=stamp][data-n='1']")
    asked = errors.StoreOfDayRequired(())
    assert await _status(page) == _plain(refusal_text(t, asked))
    stores = page.locator("#store-of-day [data-store]")
    assert await stores.all_inner_texts() == ["📍 Café Lux", "📍 Kirchberg"]
    assert (await _card(miniapp, world)).stamp_count == 0
    await _fits(page, "dark")
    await _shot(page, "store-of-day-fr-dark")

    await stores.filter(has_text="Kirchberg").click()
    await page.wait_for_selector("#store-of-day [aria-pressed=true]")
    assert await page.inner_text("#store-of-day [aria-pressed=true]") == "📍 Kirchberg"
    await page.locator("#status", has_text="✅").wait_for()  # the stamp, after the store
    assert t.ngettext("✅ {n} stamp added.", "✅ {n} stamps added.", 1) in await _status(page)
    assert (await _card(miniapp, world)).stamp_count == 1
    summary, _ = await service.reports.summary_for_owner(world.shop.owner.user_id, "today")
    assert {s.store_name: s.activity.stamps_given for s in summary.stores} == {
        "Café Lux": 0,
        "Kirchberg": 1,
    }
    await page.context.close()


async def test_outside_telegram_the_page_says_so_in_the_browsers_language(
    browser: Any, miniapp: MiniAppClient
) -> None:
    """No initData (a browser, not Telegram): nothing is shown but where to open it."""
    context = await browser.new_context(
        viewport={"width": WIDTH, "height": 640}, locale="fr-FR", extra_http_headers={}
    )
    page = await context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    response = await page.goto(f"{miniapp.base_url}/app/")
    policy = (await response.all_headers())["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy
    await page.wait_for_selector("#app .hint")
    assert refused == []  # Telegram's vendored script loaded under the policy
    assert await page.inner_text("#app .hint") == webapp_texts.outside_telegram(translator("fr"))
    await context.close()


async def test_the_owner_adds_a_reward_and_sends_an_offer(
    browser: Any, miniapp: MiniAppClient
) -> None:
    """In German, light theme, 360 px: a new reward on the ladder, then an offer sent to the
    customers who opted in, each step asked first with Telegram's confirmation."""
    language, theme = "de", "light"
    world = await _world(miniapp, language)
    service = miniapp.running.service
    owner = world.shop.owner.user_id
    t = translator(language)
    await service.consent.set_offers(world.customer.user_id, None, True)
    other = new_profile("Carl", language)
    await service.customers.enrol(other, world.shop.first_store.code)  # not opted in

    page = await _open(browser, miniapp, world.shop.owner, theme, world)
    await page.click("[data-tab=business]")
    await page.wait_for_selector("[data-form=reward_add]")
    await page.fill("[data-form=reward_add] input[name=cost]", "5")
    await page.fill("[data-form=reward_add] input[name=name]", "Gratis Kuchen")
    await page.select_option("[data-form=reward_add] select[name=unit]", "stamps")
    await page.click("[data-form=reward_add] button[type=submit]")
    done = await _status(page)
    ladder = await service.rewards.ladder(owner)
    cake = next(r for r in ladder.rewards if r.name == "Gratis Kuchen")
    assert (cake.cost, cake.unit.value) == (5, "stamps")
    assert done == _plain(reward_texts.added(t, cake))
    await page.wait_for_selector(f"[data-reward='{cake.reward_id}']")
    # A cost already on the ladder is refused in German, and the ladder stays as it is.
    await page.fill("[data-form=reward_add] input[name=cost]", "5")
    await page.fill("[data-form=reward_add] input[name=name]", "Tee")
    await page.click("[data-form=reward_add] button[type=submit]")
    refused = await _status(page)
    expected = errors.DuplicateRewardCost(unit="stamps", cost=5, name="Gratis Kuchen")
    assert refused == _plain(refusal_text(t, expected))
    assert len((await service.rewards.ladder(owner)).rewards) == len(ladder.rewards)
    await _fits(page, theme)
    await _shot(page, "owner-de-light-1-rewards")

    assert not await page.is_visible("[data-action=offer-send]")  # only after a preview
    await page.fill("[data-form=offer] textarea", "Heute zwei Kaffee zum Preis von einem!")
    await page.click("[data-form=offer] button[type=submit]")
    await page.wait_for_selector(".offer-preview:not([hidden])")
    assert "Heute zwei Kaffee" in await page.inner_text(".offer-preview")
    await page.click("[data-action=offer-send]")
    sent = await _status(page)
    assert sent == t.ngettext(
        "Sending to {n} customer. You will get a report when it is done.",
        "Sending to {n} customers. You will get a report when it is done.",
        1,
    )
    confirms = await page.evaluate("window.__sim.confirms")
    assert len(confirms) == 1 and t.gettext("everyone who opted in") in confirms[0]
    recent = await service.offers.recent(owner)
    assert [figures.text for figures in recent] == ["Heute zwei Kaffee zum Preis von einem!"]
    await page.wait_for_selector(".recent-offers")
    await _fits(page, theme)
    await _shot(page, "owner-de-light-2-offer")

    # Removing the new reward asks first, in German.
    await page.click(f"[data-remove-reward='{cake.reward_id}']")
    assert _plain(reward_texts.removed(t, cake)) == await _status(page)
    confirms = await page.evaluate("window.__sim.confirms")
    assert confirms[1] == _plain(reward_texts.remove_question(t, cake))
    left = (await service.rewards.ladder(owner)).rewards
    assert cake.reward_id not in [r.reward_id for r in left]
    await page.context.close()


async def test_the_cashiers_panel_greets_the_customer_and_explains_a_short_number(
    browser: Any, miniapp: MiniAppClient
) -> None:
    """Dark theme: no "My cards" tab for a cashier without a card, 11 digits typed say how
    many digits a card number has (as the chat does), a card opened greets its holder by first
    name, and the toast after a stamp is dark like the theme, not a white box."""
    world = await _world(miniapp, "en")
    en = translator("en")
    page = await _open(browser, miniapp, world.cashier, "dark", world)
    assert await page.locator(".tab[data-tab=cards]").count() == 0
    await page.fill("[data-form=lookup] input", world.card.number[:-1])
    await page.click("[data-form=lookup] button")
    assert await _status(page) == (
        "A card number has 12 digits; this one has 11. Check it and send it again."
    )
    assert refusal_text(en, errors.CardNumberWrongLength(digits=11)).endswith("send it again.")
    await page.fill("[data-form=lookup] input", world.card.number)
    await page.click("[data-form=lookup] button")
    await page.wait_for_selector("#panel [data-number]")
    assert await page.inner_text("#panel .greeting") == "👋 Say hello to Clara"
    await _fits(page, "dark")
    await page.click("[data-op=stamp][data-n='1']")
    await page.wait_for_selector("#status:not([hidden])")
    toast = await page.evaluate(
        "getComputedStyle(document.getElementById('status')).backgroundColor"
    )
    assert toast == "rgb(24, 24, 24)"  # the dark theme's surface
    await page.context.close()


async def test_the_customer_reads_the_reward_in_the_language_they_pick(
    browser: Any, miniapp: MiniAppClient
) -> None:
    """A reward named in French reads French on a French card, and the name given once the
    customer switches the page to German (no German name)."""
    world = await _world(miniapp, "fr")
    service, owner = miniapp.running.service, world.shop.owner.user_id
    coffee = (await service.rewards.ladder(owner)).rewards[0]
    await service.rewards.name_in_language(owner, coffee.reward_id, "fr", "Café offert")
    page = await _open(browser, miniapp, world.customer, "light", world)
    await page.wait_for_selector(".card .rung-name")
    french = await page.locator(".card .rung-name").all_inner_texts()
    assert any("Café offert" in name for name in french)
    assert not any(coffee.name in name for name in french)
    await _fits(page, "light")
    await _shot(page, "reward-names-fr")
    await page.select_option("[data-action=language]", "de")
    await page.wait_for_selector("html[lang=de]", state="attached")
    await page.wait_for_selector(".card .rung-name")
    german = await page.locator(".card .rung-name").all_inner_texts()
    assert any(coffee.name in name for name in german)
    assert not any("Café offert" in name for name in german)
    await page.context.close()


async def test_the_owner_names_a_reward_in_another_language(
    browser: Any, miniapp: MiniAppClient
) -> None:
    """In French, dark theme: 🌐 under a reward opens a field per language; a name saved there
    is what German readers see, emptied it is taken away."""
    language, theme = "fr", "dark"
    world = await _world(miniapp, language)
    service, owner, t = miniapp.running.service, world.shop.owner.user_id, translator(language)
    coffee = (await service.rewards.ladder(owner)).rewards[0]
    form = f"[data-form=reward][data-reward='{coffee.reward_id}']"

    page = await _open(browser, miniapp, world.shop.owner, theme, world)
    await page.click("[data-tab=business]")
    await page.wait_for_selector(form)
    await page.click(f"{form} .reward-names summary")
    assert await page.get_attribute(f"{form} input[data-language=de]", "placeholder") == coffee.name
    await page.fill(f"{form} input[data-language=de]", "  Gratis Kaffee ")
    await _fits(page, theme)
    await _shot(page, "owner-fr-dark-reward-names")
    await page.click(f"{form} button[type=submit]")
    done = await _status(page)
    named = (await service.rewards.ladder(owner)).rewards[0]
    assert named.translations == (("de", "Gratis Kaffee"),)
    assert done == _plain(reward_texts.name_changed(t, named, "de"))
    assert "Gratis Kaffee" in done

    await page.wait_for_selector(
        f"{form} input[data-language=de][data-was='Gratis Kaffee']", state="attached"
    )
    await page.click(f"{form} .reward-names summary")
    await page.fill(f"{form} input[data-language=de]", "")
    await page.click(f"{form} button[type=submit]")
    cleared = await _status(page)
    assert (await service.rewards.ladder(owner)).rewards[0].translations == ()
    assert cleared == _plain(reward_texts.name_taken_away(t, coffee, "de"))
    await page.context.close()
