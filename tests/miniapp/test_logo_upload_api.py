"""The Mini App's logo upload over real HTTP: only the owner, and whatever is not a readable
picture within the limit (a text file, a decompression bomb, a photo too large, a body beyond
what the call reads, base64 that is not) is refused and changes nothing — in the owner's words
where the call was read."""

from __future__ import annotations

import base64
import io
import os
import re

import zxingcpp
from PIL import Image

from bot.i18n import LANGUAGES, translator
from bot.links import LinkKind, deep_link
from bot.look import LOGO_INPUT_MAX_BYTES
from bot.texts.refusals import refusal_text
from domain import errors
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import Shop, open_shop
from webapp.bodies import LogoBody
from webapp.requests import tg_html


def _png(size: tuple[int, int] = (120, 80), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 1 if mode == "1" else (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _noise_png(side: int) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


def _body(data: bytes) -> dict[str, str]:
    return {"logo": base64.b64encode(data).decode()}


async def _stored(miniapp: MiniAppClient, shop: Shop) -> tuple[int, bytes] | None:
    return await miniapp.running.service.brand.logo(shop.first_store.merchant_id)


async def test_what_is_no_picture_is_refused_in_the_owners_words_and_changes_nothing(
    miniapp: MiniAppClient,
) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux")
    first = await miniapp.call("logo", shop.owner, _body(_png()))
    assert first.status_code == 200 and first.json()["ok"]
    before = await _stored(miniapp, shop)
    assert before is not None and before[0] == 1

    def refused(language: str) -> tuple[int, dict[str, object]]:
        sentence = refusal_text(translator(language), errors.BadLogo(max_megabytes=5))
        return 409, {"ok": False, "message": tg_html(sentence)}

    for language in LANGUAGES:  # a text file, in each owner's language
        await service.customers.set_language(shop.owner, language)
        answer = await miniapp.call("logo", shop.owner, _body(b"Espresso 2,50\n"))
        assert (answer.status_code, answer.json()) == refused(language)
    bomb = _png((20_000, 20_000), mode="1")  # a few KB that would decode to 400 megapixels
    too_large = _noise_png(1600)  # a real photo of 7.7 MB
    assert len(bomb) < 100_000 and len(too_large) > LOGO_INPUT_MAX_BYTES
    for data in (bomb, too_large, b""):
        answer = await miniapp.call("logo", shop.owner, _body(data))
        assert (answer.status_code, answer.json()) == refused(LANGUAGES[-1])
    # Beyond what the call reads at all, or not base64: refused unread.
    beyond = _noise_png(2000)
    assert len(base64.b64encode(beyond)) > LogoBody.max_bytes
    for body in (_body(beyond), {"logo": "not base64 ✗"}, {"logo": 12}):
        answer = await miniapp.call("logo", shop.owner, body)
        assert answer.status_code == 400 and answer.json() == {"ok": False}
    assert await _stored(miniapp, shop) == before


async def test_only_the_owner_uploads_or_removes_the_logo(miniapp: MiniAppClient) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux")
    cashier = await shop.hire("Cara")
    for name, body in (("logo", _body(_png())), ("logo_remove", {}), ("look", {})):
        answer = await miniapp.call(name, cashier, body)
        assert answer.status_code == 403
    assert await _stored(miniapp, shop) is None

    # The owner's sample card: its QR code is the join link of the café's first store.
    look = (await miniapp.call("look", shop.owner)).json()
    preview = re.search(r'class="card-preview" src="data:image/png;base64,([^"]+)"', look["html"])
    assert preview is not None
    picture = Image.open(io.BytesIO(base64.b64decode(preview.group(1))))
    join = deep_link(miniapp.running.tg.bot_username, LinkKind.JOIN, shop.first_store.code)
    assert [found.text for found in zxingcpp.read_barcodes(picture)] == [join]

    uploaded = (await miniapp.call("logo", shop.owner, _body(_png()))).json()
    assert 'src="/app/logo/' in uploaded["head"] and 'data-action="logo-remove"' in uploaded["html"]
    assert (await miniapp.call("logo_remove", cashier, {})).status_code == 403
    assert await _stored(miniapp, shop) is not None
    removed = (await miniapp.call("logo_remove", shop.owner, {})).json()
    assert removed["ok"] and "/app/logo/" not in removed["head"]
    assert await _stored(miniapp, shop) is None
