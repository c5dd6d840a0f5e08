"""The Mini App opened from a café's own bot (its address names the bot): initData is checked
against that bot's token only, and the page serves that café only."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from tests.support.chat import eventually
from tests.support.miniapp import MiniAppClient
from tests.support.running_bot import TOKEN, Running
from tests.support.scenario import new_profile, open_shop
from webapp.initdata import signed_for

CAFE_TOKEN = "7123456:cafe-lux-token-secret"


async def _cafe_bot(bot: Running, merchant_id: int) -> int:
    bot_id = 7123456
    bot.tg.create_bot(username="cafe_lux_bot", name="Café Lux", token=CAFE_TOKEN)
    await bot.infra.bots.adopt(merchant_id, bot_id, "cafe_lux_bot", "Café Lux", CAFE_TOKEN)
    await bot.infra.bots.mark_profile_set(bot_id)  # no set-up calls: not what is tested here
    bots = bot.application.bot_data.runtime.bots
    assert bots is not None and await bots.refresh(bot_id) is not None
    return bot_id


def _signed(miniapp: MiniAppClient, user_id: int, token: str) -> str:
    return signed_for(user_id, token, now=miniapp.running.clock.now(), first_name="Anna")


@pytest.fixture
async def two_cafes(miniapp: MiniAppClient) -> tuple[int, int]:
    service = miniapp.running.service
    lux, beck = await open_shop(service, "Café Lux"), await open_shop(service, "Bakery Beck")
    anna = new_profile("Anna")
    for shop in (lux, beck):
        await service.customers.enrol(anna, shop.first_store.code)
    bot_id = await _cafe_bot(miniapp.running, lux.first_store.merchant_id)
    return anna.user_id, bot_id


async def test_the_cafe_page_checks_initdata_with_the_cafe_bot_s_token_and_shows_its_cards(
    miniapp: MiniAppClient,
    two_cafes: tuple[int, int],
) -> None:
    anna, bot_id = two_cafes
    headers = {
        "Authorization": f"tma {_signed(miniapp, anna, CAFE_TOKEN)}",
        "X-Loyalty-Bot": str(bot_id),
    }
    there = await miniapp.http.post(f"{miniapp.base_url}/app/api/cards", json={}, headers=headers)
    assert there.status_code == 200
    assert "Café Lux" in there.json()["html"] and "Bakery Beck" not in there.json()["html"]

    platform = {"Authorization": f"tma {_signed(miniapp, anna, TOKEN)}"}
    wallet = await miniapp.http.post(f"{miniapp.base_url}/app/api/cards", json={}, headers=platform)
    assert wallet.status_code == 200  # the platform bot's page: every café's card
    assert "Café Lux" in wallet.json()["html"] and "Bakery Beck" in wallet.json()["html"]


@pytest.mark.parametrize(
    ("signed_with", "named"),
    [
        ("platform", "cafe"),  # the platform's initData on the café's page
        ("cafe", None),  # the café's initData on the platform's page
        ("cafe", "unknown"),  # a bot this platform does not serve
        ("cafe", "junk"),
    ],
)
async def test_initdata_of_another_bot_is_refused(
    miniapp: MiniAppClient,
    two_cafes: tuple[int, int],
    signed_with: str,
    named: str | None,
) -> None:
    anna, bot_id = two_cafes
    token = TOKEN if signed_with == "platform" else CAFE_TOKEN
    headers = {"Authorization": f"tma {_signed(miniapp, anna, token)}"}
    if named is not None:
        headers["X-Loyalty-Bot"] = {"cafe": str(bot_id), "unknown": "999999", "junk": "12a"}[named]
    answer = await miniapp.http.post(f"{miniapp.base_url}/app/api/cards", json={}, headers=headers)
    assert answer.status_code == 401


async def test_a_logo_uploaded_in_the_cafe_s_page_becomes_its_bot_s_profile_photo(
    miniapp: MiniAppClient,
) -> None:
    """As a photo sent to /brand does: the outbox sets the café bot's photo, and takes it away
    with the logo."""
    service = miniapp.running.service
    lux = await open_shop(service, "Café Lux")
    bot_id = await _cafe_bot(miniapp.running, lux.first_store.merchant_id)
    cafe = miniapp.running.tg.bot(bot_id)
    assert cafe.profile_photo is None
    headers = {
        "Authorization": f"tma {_signed(miniapp, lux.owner.user_id, CAFE_TOKEN)}",
        "X-Loyalty-Bot": str(bot_id),
    }
    logo = io.BytesIO()
    Image.new("RGB", (300, 300), (230, 20, 20)).save(logo, format="PNG")
    body = {"logo": base64.b64encode(logo.getvalue()).decode()}
    url = f"{miniapp.base_url}/app/api"
    assert (await miniapp.http.post(f"{url}/logo", json=body, headers=headers)).status_code == 200

    async def photo_shown() -> bool:
        return cafe.profile_photo is not None

    await eventually(photo_shown)
    photo = Image.open(io.BytesIO(cafe.profile_photo or b"")).convert("RGB")
    assert photo.size == (640, 640) and photo.getpixel((320, 320))[0] > 200  # the red logo

    assert (await miniapp.http.post(f"{url}/logo_remove", headers=headers)).status_code == 200

    async def photo_gone() -> bool:
        return cafe.profile_photo is None

    await eventually(photo_gone)
