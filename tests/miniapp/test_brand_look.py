"""The café's look as the Mini App's API serves it: the colour pairs for both themes, the page's
café and its logo, each card of a wallet in its own café's colours, and the ladder's words."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from bot.look import prepare_logo
from domain.brand import DARK_BACKGROUND, PAPER, READABLE, SWATCHES, Brand, contrast
from domain.model import RewardUnit
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import new_profile, open_shop
from webapp.look import brand_variables, style_attribute

COLOURS = [*SWATCHES.values(), "#ffffff", "#000000", "#808080", "#ffff00", "#00ffff", "#1c1c1e"]


@pytest.mark.parametrize("colour", COLOURS)
def test_text_on_the_brand_reads_in_both_themes(colour: str) -> None:
    variables = brand_variables(Brand(colour=colour))
    for theme in ("light", "dark"):
        fill, on_fill = variables[f"--brand-{theme}"], variables[f"--on-brand-{theme}"]
        assert contrast(fill, on_fill) >= READABLE
    assert variables["--brand-light"] == colour  # the café's own colour on a light theme
    # On a dark theme the fill stands out from the page as text would.
    assert contrast(variables["--brand-dark"], DARK_BACKGROUND) >= READABLE
    assert style_attribute(variables).count(";") == 3


def test_no_colour_keeps_telegrams_and_a_symbol_marks_the_rewards() -> None:
    """Telegram's theme colours stay (a logo or a symbol alone changes no colour)."""
    assert brand_variables(Brand(logo_version=2)) == {}
    assert brand_variables(Brand(symbol="star")) == {"--brand-mark": '"★"'}
    assert brand_variables(Brand(symbol="🥐")) == {"--brand-mark": '"🥐"'}
    assert contrast(PAPER, PAPER) == 1  # the helper is the domain's


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 120), (10, 120, 60)).save(out, format="PNG")
    return prepare_logo(out.getvalue())


async def test_the_page_wears_the_cafe_of_its_staff_and_serves_its_logo(
    miniapp: MiniAppClient,
) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux")
    owner = shop.owner.user_id
    await service.brand.set_colour(owner, "green")
    brand = await service.brand.set_logo(owner, _logo())
    cashier = await shop.hire("Cara")

    home = (await miniapp.call("home", cashier)).json()
    assert home["brand"] == brand_variables(brand)
    assert "Café Lux" in home["html"]
    logo = re.search(r'class="logo" src="([^"]+)"', home["html"])
    assert logo is not None
    answer = await miniapp.http.get(miniapp.base_url + logo.group(1))
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    assert "immutable" in answer.headers["cache-control"]
    assert Image.open(io.BytesIO(answer.content)).size == (256, 102)
    # An old version's address (the logo changed since) finds nothing.
    old = logo.group(1).rsplit("/", 1)[0] + f"/{brand.logo_version - 1}"
    assert (await miniapp.http.get(miniapp.base_url + old)).status_code == 404


async def test_a_wallet_of_two_cafes_wears_none_and_each_card_its_own(
    miniapp: MiniAppClient,
) -> None:
    service = miniapp.running.service
    lux, nord = await open_shop(service, "Café Lux"), await open_shop(service, "Bäckerei Nord")
    brand = await service.brand.set_colour(lux.owner.user_id, "#6a3d9a")
    customer = new_profile("Clara")
    await service.customers.enrol(customer, lux.first_store.code)
    home = (await miniapp.call("home", customer)).json()
    assert home["brand"] == brand_variables(brand)  # one café: the page is that café's
    await service.customers.enrol(customer, nord.first_store.code)
    home = (await miniapp.call("home", customer)).json()
    assert home["brand"] == {} and "brand-head" not in home["html"]
    cards = (await miniapp.call("cards", customer)).json()["html"]
    styles = re.findall(r'<article class="card( branded)?"[^>]*?(?: style="([^"]*)")?>', cards)
    assert styles == [(" branded", style_attribute(brand_variables(brand))), ("", "")]


async def test_the_ladder_names_every_reward_with_its_count_the_ready_one_first(
    miniapp: MiniAppClient,
) -> None:
    service = miniapp.running.service
    shop = await open_shop(
        service, "Café Lux", type="stamps", stamps_target="8", cooldown="0", daily_limit="0"
    )
    await service.rewards.add(shop.owner.user_id, 12, "Cake", RewardUnit.STAMPS)
    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.counter.stamp(shop.owner.user_id, card.number, 9)

    def rungs(html: str) -> list[tuple[str, str]]:
        found = re.findall(
            r'class="rung-name">([^<]*)</span>\s*<span class="rung-count">([^<]*)<', html
        )
        return [(name.strip(), count) for name, count in found]

    cards = (await miniapp.call("cards", customer)).json()["html"]
    assert rungs(cards) == [("Free coffee — ready", "8/8"), ("Cake", "9/12")]
    assert cards.count('class="rung ready"') == 1
    panel = (await miniapp.call("lookup", shop.owner, {"reference": card.number})).json()["html"]
    assert rungs(panel) == [("Free coffee — ready", "8/8"), ("Cake", "9/12")]
    assert panel.index('data-op="redeem"') < panel.index('class="ladder"')
