"""Images render in every language: the card QR, the join poster and the activity chart."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import zxingcpp
from PIL import Image

from bot.charts import activity_chart
from bot.i18n import LANGUAGES, translator
from bot.images import qr_png
from bot.poster import A4_PIXELS, join_poster
from bot.texts.reports import poster_call_to_action, poster_instructions
from domain.model import Activity, DayActivity, ProgramType

LINK = "https://t.me/loyalty_test_bot?start=join_abcd2345"


def _decoded(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_card_qr_code_encodes_the_link() -> None:
    assert _decoded(qr_png("https://t.me/b?start=card_" + "x" * 32)) == [
        "https://t.me/b?start=card_" + "x" * 32
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("program_type", [ProgramType.STAMPS, ProgramType.POINTS])
def test_poster_is_a4_with_a_readable_join_code(language: str, program_type: ProgramType) -> None:
    t = translator(language)
    png = join_poster(
        business_name="Boulangerie Ëmmer Frësch & Söhne — Place Guillaume II",
        store_name="Gare",
        link=LINK,
        call_to_action=poster_call_to_action(t, program_type),
        instructions=poster_instructions(t),
    )
    image = Image.open(io.BytesIO(png))
    assert image.size == A4_PIXELS
    assert _decoded(png) == [LINK]


@pytest.mark.parametrize("language", LANGUAGES)
def test_activity_chart_renders(language: str) -> None:
    series = [
        DayActivity(
            date(2026, 1, 1) + timedelta(days=i), Activity(stamps_given=i, points_earned=2 * i)
        )
        for i in range(30)
    ]
    png = activity_chart(translator(language), "Café <Lux>", series)
    width, height = Image.open(io.BytesIO(png)).size
    assert width >= 1000 and height >= 500
