"""The brand colour and the stamp symbol chosen in the Mini App's Look section, over real HTTP:
the same use cases as /brand, so what is stored is what the chat would store; a code that is
no colour (or a word such as "red" typed in the code's field) and a symbol that is none are
refused in the owner's language and change nothing; no colour is refused for its contrast, the
page's pairs reach 4.5:1 whatever was chosen; only the owner chooses."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.i18n import LANGUAGES, translator
from bot.texts import brand as brand_texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.brand import DARK_BACKGROUND, ICONS, READABLE, SWATCHES, Brand, contrast
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import Shop, new_profile, open_shop
from webapp.look import brand_variables
from webapp.requests import tg_html


async def _brand(miniapp: MiniAppClient, shop: Shop) -> Brand:
    return await miniapp.running.service.brand.of_merchant(shop.first_store.merchant_id)


def _pressed(html: str, attribute: str) -> list[str]:
    """The values of the buttons shown as chosen (aria-pressed) that carry `attribute`."""
    found = re.findall(rf'data-{attribute}="([^"]*)"[^>]*aria-pressed="true"', html)
    return list(found)


async def _ok(miniapp: MiniAppClient, shop: Shop, name: str, body: dict[str, Any]) -> Any:
    answer = await miniapp.call(name, shop.owner, body)
    assert answer.status_code == 200, answer.text[:300]
    data = answer.json()
    assert data["ok"] is True and data["html"] and data["head"]
    return data


async def test_a_swatch_or_a_typed_code_becomes_the_colour_and_the_page_wears_it(
    miniapp: MiniAppClient,
) -> None:
    shop = await open_shop(miniapp.running.service, "Café Lux")
    t = translator("en")
    page = (await miniapp.call("look", shop.owner)).json()
    assert len(re.findall(r'class="swatch"', page["html"])) == len(SWATCHES)
    assert _pressed(page["html"], "colour") == [] and page["brand"] == {}
    assert _pressed(page["html"], "part") == ["colour", "symbol"]  # both on the defaults

    swatch = await _ok(miniapp, shop, "look_colour", {"colour": SWATCHES["green"]})
    assert swatch["message"] == tg_html(brand_texts.colour_saved(t))
    assert (await _brand(miniapp, shop)).colour == SWATCHES["green"]
    assert swatch["brand"] == brand_variables(Brand(colour=SWATCHES["green"]))
    assert _pressed(swatch["html"], "colour") == [SWATCHES["green"]]

    typed = await _ok(miniapp, shop, "look_colour", {"colour": " #1F5FA8 "})
    assert (await _brand(miniapp, shop)).colour == "#1f5fa8"
    assert typed["brand"]["--brand-light"] == "#1f5fa8"
    assert 'value="#1f5fa8"' in typed["html"]  # the field shows the code now in use
    assert '<span class="setting-value">Blue (#1f5fa8)</span>' in typed["html"]
    assert _pressed(typed["html"], "colour") == [SWATCHES["blue"]]  # the code of the blue swatch
    assert _pressed(typed["html"], "part") == ["symbol"]

    back = await _ok(miniapp, shop, "look_default", {"part": "colour"})
    assert back["message"] == tg_html(brand_texts.colour_cleared(t))
    assert (await _brand(miniapp, shop)).colour is None
    assert back["brand"] == {} and _pressed(back["html"], "colour") == []


@pytest.mark.parametrize("colour", ["#777777", "#ffff00", "#ffffff", "#000000", "#1c1c1e"])
async def test_no_colour_is_refused_for_its_contrast_the_page_keeps_text_readable(
    miniapp: MiniAppClient, colour: str
) -> None:
    """Mid-grey (the hardest for white and ink alike), yellow, white, black, the dark page's
    own colour: each is stored, and the page's pairs read at 4.5:1 in both themes."""
    shop = await open_shop(miniapp.running.service, "Café Lux")
    variables = (await _ok(miniapp, shop, "look_colour", {"colour": colour}))["brand"]
    assert (await _brand(miniapp, shop)).colour == colour
    for theme in ("light", "dark"):
        fill, on_fill = variables[f"--brand-{theme}"], variables[f"--on-brand-{theme}"]
        assert contrast(fill, on_fill) >= READABLE, (theme, fill, on_fill)
    assert contrast(variables["--brand-dark"], DARK_BACKGROUND) >= READABLE


@pytest.mark.parametrize("typed", ["#12345", "red", "Blue", "#ggg000", "rgb(31, 95, 168)"])
async def test_what_is_no_code_is_refused_in_the_owners_language_and_changes_nothing(
    miniapp: MiniAppClient, typed: str
) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux")
    await _ok(miniapp, shop, "look_colour", {"colour": "#6a3d9a"})
    before = await _brand(miniapp, shop)
    for language in LANGUAGES:
        await service.customers.set_language(shop.owner, language)
        answer = await miniapp.call("look_colour", shop.owner, {"colour": typed})
        sentence = tg_html(refusal_text(translator(language), errors.BadBrandColour(typed)))
        assert (answer.status_code, answer.json()) == (409, {"ok": False, "message": sentence})
        assert typed in sentence  # it says what it could not read
    assert await _brand(miniapp, shop) == before


async def test_a_symbol_is_chosen_and_set_back_and_what_is_none_is_refused(
    miniapp: MiniAppClient,
) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux")
    await service.customers.set_language(shop.owner, "de")
    t = translator("de")
    page = (await miniapp.call("look", shop.owner)).json()
    offered = re.findall(r'data-symbol="([^"]+)"', page["html"])
    assert offered == list(ICONS)

    star = await _ok(miniapp, shop, "look_symbol", {"symbol": "star"})
    assert star["message"] == tg_html(brand_texts.symbol_saved(t))
    assert (await _brand(miniapp, shop)).symbol == "star"
    assert star["brand"] == {"--brand-mark": '"★"'}
    assert _pressed(star["html"], "symbol") == ["star"]
    assert '<span class="setting-value">★</span>' in star["html"]

    croissant = await _ok(miniapp, shop, "look_symbol", {"symbol": "🥐"})  # as /brand 🥐 does
    assert croissant["brand"] == {"--brand-mark": '"🥐"'}
    before = await _brand(miniapp, shop)
    for typed in ("abc", "7", "🙂x"):
        answer = await miniapp.call("look_symbol", shop.owner, {"symbol": typed})
        sentence = tg_html(refusal_text(t, errors.BadBrandSymbol(typed)))
        assert (answer.status_code, answer.json()) == (409, {"ok": False, "message": sentence})
    assert await _brand(miniapp, shop) == before

    back = await _ok(miniapp, shop, "look_default", {"part": "symbol"})
    assert back["message"] == tg_html(brand_texts.symbol_cleared(t))
    assert (await _brand(miniapp, shop)).symbol is None
    assert back["brand"] == {} and _pressed(back["html"], "symbol") == []


async def test_only_the_owner_chooses_the_colour_and_the_symbol(miniapp: MiniAppClient) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux")
    await _ok(miniapp, shop, "look_colour", {"colour": "#b3261e"})
    await _ok(miniapp, shop, "look_symbol", {"symbol": "cup"})
    before = await _brand(miniapp, shop)
    cashier = await shop.hire("Cara")
    await service.customers.set_language(cashier, "lb")
    customer = new_profile("Clara")
    await service.customers.enrol(customer, shop.first_store.code)
    calls = [
        ("look_colour", {"colour": "#1f5fa8"}),
        ("look_colour", {"colour": "#12345"}),  # "not yours" before "no colour"
        ("look_symbol", {"symbol": "star"}),
        ("look_symbol", {"symbol": "abc"}),
        ("look_default", {"part": "colour"}),
        ("look_default", {"part": "symbol"}),
    ]
    for person, language in ((cashier, "lb"), (customer, "en")):
        sentence = tg_html(refusal_text(translator(language), errors.NotOwner()))
        for name, body in calls:
            answer = await miniapp.call(name, person, body)
            assert (answer.status_code, answer.json()) == (
                403,
                {"ok": False, "message": sentence},
            ), (person.first_name, name, body)
    assert await _brand(miniapp, shop) == before


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("look_colour", {"colour": ""}),
        ("look_colour", {"colour": 0x1F5FA8}),
        ("look_colour", {"colour": "#" + "1" * 40}),
        ("look_symbol", {"symbol": ["star"]}),
        ("look_default", {"part": "logo"}),
        ("look_default", {}),
    ],
)
async def test_a_body_of_the_wrong_shape_is_refused_unread(
    miniapp: MiniAppClient, name: str, body: dict[str, Any]
) -> None:
    shop = await open_shop(miniapp.running.service, "Café Lux")
    before = await _brand(miniapp, shop)
    answer = await miniapp.call(name, shop.owner, body)
    assert (answer.status_code, answer.json()) == (400, {"ok": False})
    assert await _brand(miniapp, shop) == before
