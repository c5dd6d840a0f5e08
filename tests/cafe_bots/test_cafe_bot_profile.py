"""The café's own bot wears the café's name and logo (PRODUCT.md §10 "The café's look"): after
the owner renames the café, the bot's name, description and short description follow in every
language, even when Telegram fails the first try; a logo becomes its profile photo, removing the
logo removes the photo."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from bot.i18n import LANGUAGES, translator
from bot.texts import brand as brand_texts
from bot.texts import mybot as mybot_texts
from domain.brand import DEFAULT_COLOUR, rgb
from emulator.bots import EmulatedBot
from tests.cafe_bots.test_cafe_bot_story import _create_cafe_bot
from tests.support.chat import eventually, say
from tests.support.running_bot import Running

NEW_NAME = "Kaffisstuff bei der Gare"


def shown(cafe: EmulatedBot, kind: str, language: str) -> str:
    """What Telegram shows in `language`, as getMyName/getMyDescription/getMyShortDescription
    answer: the language's own text, else the default, else (a name) the one it was created
    with."""
    texts = cafe.texts
    found = texts.get((kind, language)) or texts.get((kind, ""))
    return found or (cafe.name if kind == "name" else "")


async def profile_is(cafe: EmulatedBot, merchant: str) -> bool:
    """Whether the bot's name, description and short description name `merchant` by default and
    in each language, as the bot's texts word them."""
    for language in ("", *LANGUAGES):
        t = translator(language or "en")
        if shown(cafe, "name", language) != merchant:
            return False
        if shown(cafe, "description", language) != mybot_texts.description(t, merchant):
            return False
        short = mybot_texts.short_description(t, merchant)
        if shown(cafe, "short_description", language) != short:
            return False
    return True


async def test_the_cafe_bot_follows_the_cafe_s_name_and_logo(bot: Running) -> None:
    owner = bot.tg.user(1101, "Olivia", language_code="en")
    await say(owner, "/setup Café Lux")
    cafe = await _create_cafe_bot(bot, owner)
    await eventually(lambda: profile_is(cafe, "Café Lux"))
    assert cafe.profile_photo is None  # no logo yet: the bot's photo is left alone

    # Renamed while Telegram fails the first descriptions: the outbox tries again.
    cafe.fail_next("setMyDescription", 500, times=2)
    renamed = await say(owner, f"/brand name {NEW_NAME}")
    assert brand_texts.renamed(translator("en"), NEW_NAME).split(":")[0] in renamed.content

    async def renamed_at_last() -> bool:
        if await profile_is(cafe, NEW_NAME):
            return True
        bot.clock.advance(timedelta(seconds=5))  # on, past the retries' back-off
        return False

    await eventually(renamed_at_last, wait=30)
    failed = [c for c in cafe.calls if c.method.lower() == "setmydescription" and c.status == 500]
    assert len(failed) == 2  # Telegram did fail the first tries
    assert NEW_NAME in cafe.texts[("description", "lb")]
    assert NEW_NAME in cafe.texts[("short_description", "fr")]
    assert cafe.texts[("name", "")] == NEW_NAME

    # The logo becomes the bot's photo, on the café's colour; removed, the photo goes too.
    shown = await say(owner, "/brand")
    await owner.press(shown, brand_texts.logo_button(translator("en")))
    prompt = await owner.next_message()
    logo = io.BytesIO()
    Image.new("RGB", (300, 300), (230, 20, 20)).save(logo, format="PNG")
    await owner.send_photo(logo.getvalue(), reply_to=prompt)
    with_logo = await owner.next_message()

    async def has_photo() -> bool:
        return cafe.profile_photo is not None

    await eventually(has_photo)
    photo = Image.open(io.BytesIO(cafe.profile_photo or b""))
    assert photo.format == "JPEG" and photo.size == (640, 640)
    corner, middle = (
        photo.convert("RGB").getpixel((4, 4)),
        photo.convert("RGB").getpixel((320, 320)),
    )
    assert _near(corner, rgb(DEFAULT_COLOUR)) and _near(middle, (230, 20, 20))
    assert await profile_is(cafe, NEW_NAME)  # the name stays

    await owner.press(with_logo, brand_texts.remove_logo_button(translator("en")))
    await owner.next_message()

    async def photo_gone() -> bool:
        return cafe.profile_photo is None

    await eventually(photo_gone)


def _near(seen: object, wanted: tuple[int, int, int]) -> bool:
    assert isinstance(seen, tuple)
    return all(abs(a - b) <= 12 for a, b in zip(seen, wanted, strict=True))
