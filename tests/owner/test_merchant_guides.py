"""The merchant guides explain /brand in each language with the words the bot and the Mini App
show: every button of the café's look as it is labelled in that language, so a renamed button
cannot leave a guide pointing at nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import LANGUAGES, translator
from bot.texts import brand as brand_texts
from bot.texts import webapp as webapp_texts

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_guide_explains_the_cafes_look_in_its_own_words(language: str) -> None:
    guide = (DOCS / f"merchant-guide.{language}.md").read_text()
    t = translator(language)
    for command in ("/brand", "/brand #1f5fa8", "/brand reset", "/brand name"):
        assert f"`{command}" in guide, command
    buttons = (
        brand_texts.logo_button(t),
        brand_texts.remove_logo_button(t),
        brand_texts.reset_button(t),
        brand_texts.upload_logo_button(t),
        webapp_texts.labels(t)["tab_business"],
    )
    for button in buttons:
        assert f"**{button}**" in guide, button
