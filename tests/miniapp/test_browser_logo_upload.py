"""The owner uploads the café's logo in the Mini App, in headless Chromium at 360 px: a real PNG
picked through the file input becomes the logo (resized once, as a photo sent to /brand), the
header and the sample card show it, and it can be removed; a text file named .png and a picture
over the limit are refused in the owner's words and change nothing. Screenshots go to
test-output/miniapp/look-*.png.
"""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.i18n import translator
from bot.look import LOGO_INPUT_MAX_BYTES, LOGO_SIDE
from bot.texts import brand as brand_texts
from bot.texts.refusals import refusal_text
from domain import errors
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
from tests.support.miniapp import MiniAppClient
from webapp.requests import plain_text

__all__ = ["browser", "engine_name"]  # the fixtures, shared with test_browser.py

LOGO_BLUE = (20, 60, 230)
FILE_INPUT = "[data-form=logo] input[type=file]"


def _logo_file(folder: Path) -> Path:
    """A wide blue logo with a transparent margin, as an owner's PNG would be."""
    picture = Image.new("RGBA", (900, 450), (0, 0, 0, 0))
    picture.paste(Image.new("RGBA", (800, 350), (*LOGO_BLUE, 255)), (50, 50))
    path = folder / "logo.png"
    picture.save(path, format="PNG")
    return path


def _too_large_file(folder: Path) -> Path:
    """A real PNG over the limit: noise does not compress."""
    side = 1400
    noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    path = folder / "photo.png"
    noise.save(path, format="PNG")
    assert path.stat().st_size > LOGO_INPUT_MAX_BYTES
    return path


async def _preview(page: Any) -> Image.Image:
    source = await page.get_attribute("#look-box .card-preview", "src")
    assert source is not None and source.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))).convert("RGB")


def _has_logo_colour(picture: Image.Image) -> bool:
    return any(
        all(abs(a - b) <= 6 for a, b in zip(pixel, LOGO_BLUE, strict=True))
        for pixel in picture.get_flattened_data()
    )


async def _header_logo(page: Any) -> str | None:
    """The header logo's address once the picture has loaded, None without one."""
    return await page.evaluate(
        """() => { const logo = document.querySelector('.brand-head .logo');
                   return logo && logo.complete && logo.naturalWidth > 0 ? logo.src : null; }"""
    )


@pytest.mark.parametrize(("theme", "language"), [("light", "en"), ("dark", "lb")])
async def test_the_owner_uploads_a_logo_that_header_and_card_show_and_removes_it(
    browser: Any, miniapp: MiniAppClient, tmp_path: Path, theme: str, language: str
) -> None:
    service = miniapp.running.service
    world = await owner_of_a_new_cafe(miniapp, language)
    owner, merchant = world.cashier, world.shop.first_store.merchant_id
    t = translator(language)

    page = await _open(browser, miniapp, owner, theme, world)
    await page.click("[data-tab=business]")
    await page.wait_for_selector("#look-box .card-preview")
    assert await _header_logo(page) is None
    assert not _has_logo_colour(await _preview(page))
    assert await page.locator("[data-action=logo-remove]").count() == 0
    await _shot(page, f"look-owner-{theme}-{language}-plain")

    # A real PNG through the file input: stored resized, shown in the header and on the card.
    await page.set_input_files(FILE_INPUT, str(_logo_file(tmp_path)))
    assert await _status(page) == plain_text(brand_texts.logo_saved(t))
    await page.wait_for_selector("[data-action=logo-remove]")
    await page.wait_for_function(
        "() => { const l = document.querySelector('.brand-head .logo');"
        " return l && l.complete && l.naturalWidth > 0; }"
    )
    header = await _header_logo(page)
    stored = await service.brand.logo(merchant)
    assert stored is not None and stored[0] == 1 and header is not None
    assert header.endswith(f"/app/logo/{merchant}/1")
    assert Image.open(io.BytesIO(stored[1])).size == (LOGO_SIDE, LOGO_SIDE // 2)
    assert _has_logo_colour(await _preview(page))
    await page.click("[data-tab=business]")  # the whole tab again, as the owner comes back
    await page.wait_for_selector("#look-box [data-action=logo-remove]")
    await _fits(page, theme)
    assert await page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    await _shot(page, f"look-owner-{theme}-{language}-logo")

    # Refused in the owner's words, and nothing changed: the stored logo, the header, the card.
    renamed_text = tmp_path / "menu.png"
    renamed_text.write_text("Espresso 2,50\nCappuccino 3,20\n")
    refusals = [
        (renamed_text, refusal_text(t, errors.BadLogo(max_megabytes=5))),
        (_too_large_file(tmp_path), refusal_text(t, errors.BadLogo(max_megabytes=5))),
    ]
    for path, sentence in refusals:
        await page.set_input_files(FILE_INPUT, str(path))
        assert await _status(page) == plain_text(sentence)
        assert await service.brand.logo(merchant) == stored
        assert await _header_logo(page) == header
        assert _has_logo_colour(await _preview(page))
    await _shot(page, f"look-owner-{theme}-{language}-refused")

    await page.click("[data-action=logo-remove]")
    assert await _status(page) == plain_text(brand_texts.logo_removed(t))
    await page.wait_for_selector("[data-action=logo-remove]", state="detached")
    assert await page.locator(".brand-head .logo").count() == 0
    assert await service.brand.logo(merchant) is None
    assert not _has_logo_colour(await _preview(page))
    assert page.errors == []
    await page.context.close()
