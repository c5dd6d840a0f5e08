"""The café's look, told as an owner would use it (PRODUCT.md §10 "The café's look"): /brand
shows a sample card; a colour and a symbol are one tap; a logo is a photo; the customer's card
then wears them; bad input is refused in the owner's language and changes nothing."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from bot.i18n import translator
from bot.texts import brand as brand_texts
from domain.brand import SWATCHES, Brand, rgb
from tests.support.chat import link_in, say
from tests.support.running_bot import Running


def _picture(png: bytes | None) -> Image.Image:
    assert png is not None
    return Image.open(io.BytesIO(png)).convert("RGB")


def _near(seen: object, wanted: tuple[int, int, int]) -> bool:
    assert isinstance(seen, tuple)
    return all(abs(a - b) <= 3 for a, b in zip(seen, wanted, strict=True))


async def test_an_owner_gives_the_cafe_its_colour_symbol_and_logo(bot: Running) -> None:
    owner = bot.tg.user(700, "Anne", language_code="fr")
    t = translator("fr")
    join = link_in(await say(owner, "/setup Café Lux"), "join_")

    shown = await say(owner, "/brand")
    assert shown.photo_bytes is not None
    assert brand_texts.status(t, "Café Lux", Brand()).split("\n")[0] in shown.content
    assert [r.text for r in zxingcpp.read_barcodes(_picture(shown.photo_bytes))] == [join]

    await owner.press(shown, brand_texts.swatch_button(t, "blue"))
    blue = await owner.next_message()
    assert _near(_picture(blue.photo_bytes).getpixel((5, 5)), rgb(SWATCHES["blue"]))
    assert "Bleu (#1f5fa8)" in blue.content

    await owner.press(blue, "★")
    starred = await owner.next_message()
    assert "Symbole des tampons : ★" in starred.content

    # The logo: tap, then a photo in answer.
    await owner.press(starred, brand_texts.logo_button(t))
    prompt = await owner.next_message()
    assert prompt.content == brand_texts.logo_prompt(t)
    logo = io.BytesIO()
    Image.new("RGB", (400, 200), (230, 20, 20)).save(logo, format="PNG")
    await owner.send_photo(logo.getvalue(), reply_to=prompt)
    with_logo = await owner.next_message()
    band = _picture(with_logo.photo_bytes).crop((0, 0, 840, 160))
    assert any(r > 200 and g < 60 and b < 60 for r, g, b in band.get_flattened_data())
    assert "Logo : oui" in with_logo.content
    assert brand_texts.remove_logo_button(t) in with_logo.button_texts[-1]

    # A customer's card wears it.
    customer = bot.tg.user(701, "Lea", language_code="de")
    await customer.open_link(join)
    card = await customer.wait_for(
        lambda e: e.message is not None and e.message.photo_bytes is not None
    )
    assert card.message is not None
    assert _near(_picture(card.message.photo_bytes).getpixel((5, 5)), rgb(SWATCHES["blue"]))

    # Bad input: refused, translated, nothing changed.
    refused = await say(owner, "/brand #12345")
    assert refused.content == t.gettext(
        "“{given}” is not a colour I can use. Tap one of the colours offered, or give one like "
        "#1f5fa8.",
        given="#12345",
    )
    assert (await say(owner, "/brand bleu foncé")).content.startswith("Utilisation : /brand, ")
    still = await say(owner, "/brand")
    assert "Bleu (#1f5fa8)" in still.content and "Logo : oui" in still.content

    # Only the owner: for a customer /brand is no command of theirs.
    customer.skip_unread()
    assert (await say(customer, "/brand")).photo_bytes is None
    await owner.press(still, brand_texts.reset_button(t))
    reset = await owner.next_message()
    assert "Couleur : par défaut" in reset.content and "Logo : aucun" in reset.content
