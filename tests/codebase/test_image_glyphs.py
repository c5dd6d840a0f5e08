"""No word the card image or the activity chart draws, in any of the four languages, falls back
to a missing-glyph box: every character of every string they draw is in the font that draws it
(DejaVu; the poster's lines are checked in test_images.py, emoji in names there too)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from matplotlib.text import Text

from bot.charts import activity_figure
from bot.fonts import missing_glyphs
from bot.i18n import LANGUAGES, translator
from bot.texts.cards import card_face
from domain.model import Activity, DayActivity, ProgramType, Reward, RewardUnit
from tests.support import samples

NAME = "Bäckerei Lëtzebuerg — Çà & Größe"
LADDER = (
    Reward(1, RewardUnit.STAMPS, 8, "Café offert"),
    Reward(2, RewardUnit.STAMPS, 12, "Gâteau du jour"),
    Reward(3, RewardUnit.POINTS, 100, "Bon d’achat 5 €"),
)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("program_type", list(ProgramType))
@pytest.mark.parametrize("stamps", [3, 9])  # before the first reward, and with one ready
def test_every_word_on_the_card_has_its_glyphs(
    language: str, program_type: ProgramType, stamps: int
) -> None:
    card = replace(
        samples.card(program_type, stamps=stamps, points=1234),
        merchant_name=NAME,
        ladder=LADDER,  # what the face shows of it is the programme type's to say
    )
    face = card_face(translator(language), card)
    drawn = [face.merchant_name, face.number_label, face.number]
    drawn += [text for text in (face.stamps_text, face.points_text) if text]
    drawn += [rung.label for rung in face.rungs]
    assert len(drawn) >= 4
    for text in drawn:
        assert not missing_glyphs(text) and not missing_glyphs(text, bold=True), text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("days", [7, 30])
def test_every_word_on_the_chart_has_its_glyphs(language: str, days: int) -> None:
    series = [
        DayActivity(
            date(2026, 12, 1) + timedelta(days=i),
            Activity(stamps_given=i, points_earned=10 * i, customers_served=i % 4),
        )
        for i in range(days)
    ]
    figure = activity_figure(translator(language), NAME, ProgramType.HYBRID, series)
    drawn = [text.get_text() for text in figure.findobj(Text) if text.get_text()]
    assert NAME in " ".join(drawn) and len(drawn) >= 5
    for text in drawn:
        assert not missing_glyphs(text), text
