"""The café's look on its passes: the brand colour behind readable text and labels, its logo (or
a letter logo in its colour), and a new colour or logo reaching the passes already on devices
(new update tag, a push, the new pass served)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import httpx
import pytest
from PIL import Image

from bot import wallet
from bot.look import prepare_logo
from bot.wallet import WalletNotifier, scan_link
from bot.wallet.config import AppleWalletConfig
from domain import brand as rules
from domain.effects import RefreshBrandedPasses
from domain.service import LoyaltyService
from domain.service.brand import BrandPart
from infra import Infrastructure
from infra.passkit import pass_token
from tests.support.wallet import (
    BOT_USERNAME,
    PASS_TYPE_ID,
    Holder,
    Pki,
    RecordingPushSender,
    apple_environment,
    auth,
    new_holder,
)
from tests.wallet.test_apple_pass import pass_verifies, unzip

DEVICE = "b1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
PUSH_TOKEN = "e" * 64
RED = (200, 30, 40)


def colour_of(css: str) -> str:
    """`rgb(r, g, b)` → `#rrggbb`."""
    parts = [int(part) for part in re.findall(r"\d+", css)]
    return "#{:02x}{:02x}{:02x}".format(*parts)


def png(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGBA")


def a_logo() -> bytes:
    """A wide red logo on transparency, as an owner's upload becomes once prepared."""
    picture = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    picture.paste(Image.new("RGBA", (360, 160), (*RED, 255)), (20, 20))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return prepare_logo(out.getvalue())


async def pass_of(
    service: LoyaltyService, holder: Holder, monkeypatch: pytest.MonkeyPatch, pki: Pki
) -> dict[str, bytes]:
    """The card's pass as /card offers it (the café's logo read as /card reads it)."""
    for name, value in apple_environment(pki).items():
        monkeypatch.setenv(name, value)
    offer = await wallet.offer(service, holder.card, scan_link(BOT_USERNAME, holder.card.qr_token))
    assert offer is not None and offer.apple_pass is not None
    return unzip(offer.apple_pass)


async def test_the_pass_wears_the_cafes_colour_and_then_its_logo(
    service: LoyaltyService,
    holder: Holder,
    monkeypatch: pytest.MonkeyPatch,
    pki: Pki,
    tmp_path: Path,
) -> None:
    owner = holder.shop.owner.user_id
    for choice in ("#e0a800", "#1f5fa8"):  # a light colour (ink on it) and a dark one (white)
        await service.brand.set_colour(owner, choice)
        files = await pass_of(service, holder, monkeypatch, pki)
        content = json.loads(files["pass.json"])
        background = colour_of(content["backgroundColor"])
        text, label = colour_of(content["foregroundColor"]), colour_of(content["labelColor"])
        assert background == choice
        assert text == rules.text_on(choice)
        assert rules.contrast(text, background) >= 4.5
        assert rules.contrast(label, background) >= 4.5
        assert label != text  # softer than the values, still readable
        icon = png(files["icon@2x.png"])  # the letter logo on a square of the brand colour
        assert icon.getpixel((4, 29))[:3] == rules.rgb(choice)
        assert pass_verifies(files, pki.ca, tmp_path / choice.lstrip("#"))

    await service.brand.set_logo(owner, a_logo())
    files = await pass_of(service, holder, monkeypatch, pki)
    logo, logo2x = png(files["logo.png"]), png(files["logo@2x.png"])
    assert (logo.size, logo2x.size) == ((100, 50), (200, 100))  # 2:1, in Apple's 160 × 50 box
    assert logo2x.getpixel((100, 50))[:3] == RED
    assert logo2x.getpixel((2, 2))[3] == 0  # its transparency kept: it sits on the brand colour
    icon = png(files["icon@2x.png"])
    assert icon.size == (58, 58)
    assert icon.getpixel((29, 29))[:3] == RED
    assert icon.getpixel((1, 1))[:3] == rules.rgb("#1f5fa8")  # the logo on the brand colour
    assert pass_verifies(files, pki.ca, tmp_path / "logo")

    await service.brand.clear(owner, BrandPart.LOGO)
    files = await pass_of(service, holder, monkeypatch, pki)
    assert png(files["logo@2x.png"]).size == (100, 100)  # the letter logo again


async def test_a_new_colour_or_logo_reaches_passes_already_on_devices(
    service: LoyaltyService,
    infra: Infrastructure,
    apple: AppleWalletConfig,
    holder: Holder,
    web: httpx.AsyncClient,
) -> None:
    other = await new_holder(service)  # another café: its passes do not move
    tags: dict[str, str] = {}
    for card, device in ((holder.card, DEVICE), (other.card, DEVICE[::-1])):
        wallet_card = await service.wallet.issue(card.card_id)
        token = pass_token(apple.secret, wallet_card.card.card_id)
        registration = f"/v1/devices/{device}/registrations/{PASS_TYPE_ID}/{card.number}"
        response = await web.post(registration, json={"pushToken": PUSH_TOKEN}, headers=auth(token))
        assert response.status_code == 201
        listing = await web.get(f"/v1/devices/{device}/registrations/{PASS_TYPE_ID}")
        tags[device] = listing.json()["lastUpdated"]
    wallet_card = await service.wallet.issue(holder.card.card_id)
    token = pass_token(apple.secret, wallet_card.card.card_id)
    pass_url = f"/v1/passes/{PASS_TYPE_ID}/{holder.card.number}"
    first = await web.get(pass_url, headers=auth(token))
    assert colour_of(json.loads(unzip(first.content)["pass.json"])["backgroundColor"]) == (
        rules.DEFAULT_COLOUR
    )
    await drain(infra)

    owner = holder.shop.owner.user_id
    await service.brand.set_symbol(owner, "star")  # not on the passes: nothing to refresh
    assert await brand_refreshes(infra) == []
    await service.brand.set_colour(owner, "green")
    (refresh,) = await brand_refreshes(infra)
    assert refresh.merchant_id == holder.card.merchant_id

    push = RecordingPushSender()
    notifier = WalletNotifier(service, apple=apple, push=push, google=None, google_client=None)
    await notifier.brand_changed(refresh.merchant_id)  # what the outbox's dispatcher does
    assert push.pushes == [(PASS_TYPE_ID, (PUSH_TOKEN,))]

    since = {"passesUpdatedSince": tags[DEVICE]}
    changed = await web.get(f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}", params=since)
    assert changed.json()["serialNumbers"] == [holder.card.number]
    since_other = {"passesUpdatedSince": tags[DEVICE[::-1]]}
    elsewhere = f"/v1/devices/{DEVICE[::-1]}/registrations/{PASS_TYPE_ID}"
    assert (await web.get(elsewhere, params=since_other)).status_code == 204
    modified_since = {"If-Modified-Since": first.headers["last-modified"]}
    second = await web.get(pass_url, headers={**auth(token), **modified_since})
    assert second.status_code == 200
    content = json.loads(unzip(second.content)["pass.json"])
    assert colour_of(content["backgroundColor"]) == rules.SWATCHES["green"]

    await service.brand.set_logo(owner, a_logo())  # a logo moves the passes too
    (refresh,) = await brand_refreshes(infra)
    await notifier.brand_changed(refresh.merchant_id)
    assert len(push.pushes) == 2
    third = await web.get(pass_url, headers={**auth(token), **modified_since})
    assert png(unzip(third.content)["logo@2x.png"]).getpixel((100, 50))[:3] == RED


async def drain(infra: Infrastructure) -> list[object]:
    items = await infra.outbox.claim(limit=100)
    for item in items:
        await infra.outbox.done(item.id)
    return [item.effect for item in items]


async def brand_refreshes(infra: Infrastructure) -> list[RefreshBrandedPasses]:
    return [e for e in await drain(infra) if isinstance(e, RefreshBrandedPasses)]
