"""Images render in every language and say what they should: the card, the join poster and the
activity chart. What an image says is checked on the pure value it is drawn from (no OCR); its
QR code is decoded from the pixels. Each test leaves its image under
test-output/images/ (git-ignored) to look at."""

from __future__ import annotations

import io
import itertools
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import segno
import zxingcpp
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from bot.charts import Measure, activity_chart, activity_figure, charted_measures, day_labels
from bot.features.setup import split_poster_args
from bot.fonts import emoji_font_path, missing_glyphs, runs, undrawable
from bot.i18n import LANGUAGES, translator
from bot.images import QR_MODULE_MIN, card_png
from bot.look import LOGO_SIDE, Look, prepare_logo
from bot.poster import A4_PIXELS, BAND, PosterWords, join_poster, join_poster_pdf, poster_layout
from bot.printing import poster_words
from bot.texts.cards import card_face, card_text
from bot.texts.reports import poster_call_to_action
from domain import errors
from domain.brand import ICONS, Brand, contrast
from domain.model import Activity, CardView, DayActivity, ProgramType, Reward, RewardUnit
from domain.program import ProgramSettings
from tests.support import samples

LINK = "https://t.me/loyalty_test_bot?start=join_ABCD2345"
CARD_LINK = "https://t.me/loyalty_test_bot?start=card_" + "x" * 32
LONG_NAME = "Boulangerie Ëmmer Frësch & Söhne — Place Guillaume II"


def _decoded(png: bytes) -> list[zxingcpp.Result]:
    return list(zxingcpp.read_barcodes(Image.open(io.BytesIO(png))))


SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "images"


def _kept(name: str, png: bytes) -> bytes:
    """The picture as drawn, kept under test-output/images/ (git-ignored) to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / name).write_bytes(png)
    return png


# --- the card -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("program_type", list(ProgramType))
def test_card_image_qr_decodes_to_the_card_link_at_full_size(
    language: str, program_type: ProgramType
) -> None:
    face = card_face(translator(language), samples.card(program_type))
    png = _kept(f"card-{program_type}-{language}.png", card_png(face, CARD_LINK))
    [result] = _decoded(png)
    assert result.text == CARD_LINK
    # No smaller than the bare QR code the card used to be: ten pixels per module.
    modules = segno.make(CARD_LINK, error="m", micro=False).symbol_size(scale=1, border=0)[0]
    side = result.position.top_right.x - result.position.top_left.x
    assert side >= modules * QR_MODULE_MIN - QR_MODULE_MIN


def test_card_face_shows_the_name_the_progress_the_programme_counts_and_the_number() -> None:
    t = translator("en")
    stamps = card_face(t, samples.card(ProgramType.STAMPS, stamps=7))
    points = card_face(t, samples.card(ProgramType.POINTS, points=120))
    hybrid = card_face(t, samples.card(ProgramType.HYBRID, stamps=7, points=120))
    assert (stamps.merchant_name, stamps.number) == (samples.NASTY, "1234-5678-9012")
    assert (stamps.stamps, stamps.stamps_text, stamps.points_text) == ((7, 10), "7/10", None)
    assert (points.stamps, points.points_text) == (None, "120 points")
    assert (hybrid.stamps, hybrid.points_text) == ((7, 10), "120 points")
    assert (
        translator("fr").gettext("Card number")
        == card_face(translator("fr"), samples.card()).number_label
    )


FIFTY_STAMPS = (Reward(1, RewardUnit.STAMPS, 50, "Free coffee"), samples.LADDER[1])


def test_a_fifty_stamp_card_still_scans() -> None:
    card = replace(samples.card(ProgramType.STAMPS), ladder=FIFTY_STAMPS, stamp_count=33)
    png = _kept("card-50.png", card_png(card_face(translator("lb"), card), CARD_LINK))
    assert [r.text for r in _decoded(png)] == [CARD_LINK]


def _two_rewards(stamps: int) -> CardView:
    ladder = (
        Reward(1, RewardUnit.STAMPS, 8, "Free coffee"),
        Reward(2, RewardUnit.STAMPS, 12, "Gâteau du jour"),
        samples.LADDER[1],
    )
    return replace(samples.card(ProgramType.STAMPS), stamp_count=stamps, ladder=ladder)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_card_marks_each_reward_of_the_ladder_and_the_ready_one(language: str) -> None:
    t = translator(language)
    card = _two_rewards(9)
    face = card_face(t, card)
    assert [(rung.cost, rung.ready) for rung in face.rungs] == [(8, True), (12, False)]
    assert "Free coffee" in face.rungs[0].label and face.rungs[1].label == "12 · Gâteau du jour"
    for text in [face.merchant_name, *(rung.label for rung in face.rungs)]:
        assert not missing_glyphs(text, bold=True) and not missing_glyphs(text)
    png = _kept(f"card-ladder-{language}.png", card_png(face, CARD_LINK))
    assert [r.text for r in _decoded(png)] == [CARD_LINK]
    # Every rung's name is also in the words sent with the picture.
    caption = card_text(t, card)
    assert "Free coffee" in caption and "Gâteau du jour" in caption


def test_a_card_before_its_first_reward_marks_none_ready() -> None:
    face = card_face(translator("en"), _two_rewards(3))
    assert [rung.ready for rung in face.rungs] == [False, False]
    assert [rung.label for rung in face.rungs] == ["8 · Free coffee", "12 · Gâteau du jour"]


# --- the poster -----------------------------------------------------------------------------


def _settings(program_type: ProgramType, welcome: int = 0) -> ProgramSettings:
    return ProgramSettings(
        type=program_type, stamps_target=10, points_reward=100, welcome_bonus=welcome
    )


COFFEE = Reward(1, RewardUnit.STAMPS, 10, "Free coffee")
VOUCHER = Reward(2, RewardUnit.POINTS, 100, "5 € voucher")
LADDER = (
    Reward(3, RewardUnit.STAMPS, 5, "Croissant"),
    COFFEE,
    Reward(4, RewardUnit.STAMPS, 15, "Gâteau du jour"),
)


def _rewards(program_type: ProgramType) -> tuple[Reward, ...]:
    return ((COFFEE,) if program_type.has_stamps else ()) + (
        (VOUCHER,) if program_type.has_points else ()
    )


def _words(
    language: str, program_type: ProgramType, rewards: tuple[Reward, ...] | None = None, **kw: int
) -> PosterWords:
    rewards = _rewards(program_type) if rewards is None else rewards
    return poster_words(
        translator(language), _settings(program_type, **kw), rewards, "ABCD2345", "loyalty_bot"
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("program_type", list(ProgramType))
def test_poster_is_a4_with_a_readable_join_code(language: str, program_type: ProgramType) -> None:
    layout = poster_layout(LONG_NAME, "Gare", "ABCD2345", [_words(language, program_type)])
    png = _kept(f"poster-{program_type}-{language}.png", join_poster(layout, LINK))
    assert Image.open(io.BytesIO(png)).size == A4_PIXELS
    assert [r.text for r in _decoded(png)] == [LINK]


@pytest.mark.parametrize(
    ("program_type", "offers"),
    [
        (ProgramType.STAMPS, ["10 stamps = Free coffee"]),
        (ProgramType.POINTS, ["100 points = 5 € voucher"]),
        (ProgramType.HYBRID, ["10 stamps = Free coffee", "100 points = 5 € voucher"]),
    ],
)
def test_poster_prints_the_offer_and_the_store_code_in_small(
    program_type: ProgramType, offers: list[str]
) -> None:
    layout = poster_layout("Café Lux", "Gare", "ABCD2345", [_words("en", program_type)])
    texts = layout.texts
    assert [text for text in texts if " = " in text] == offers
    hint = next(line for line in layout.lines if "ABCD2345" in line.text)
    assert hint.text == "or send /join ABCD2345 to @loyalty_bot"
    # The code is for those who type: the smallest print, not the second-biggest element.
    assert hint.size == min(line.size for line in layout.lines)
    assert poster_call_to_action(translator("en"), program_type) in " ".join(texts)  # wrapped


def test_the_poster_lists_every_reward_of_the_ladder_and_the_welcome_bonus() -> None:
    words = _words("en", ProgramType.STAMPS, LADDER, welcome=2)
    texts = poster_layout("Café Lux", "Café Lux", "ABCD2345", [words]).texts
    assert [text for text in texts if " = " in text] == [
        "5 stamps = Croissant",
        "10 stamps = Free coffee",
        "15 stamps = Gâteau du jour",
    ]
    assert "Welcome gift: 2 stamps on your first visit" in texts
    hybrid = _words("fr", ProgramType.HYBRID, welcome=50)
    assert hybrid.welcome == "Cadeau de bienvenue : 50 points à votre première visite"
    assert _words("en", ProgramType.STAMPS).welcome is None


def test_a_bilingual_poster_says_each_line_in_both_languages() -> None:
    fr, de = translator("fr"), translator("de")
    words = [_words(language, ProgramType.HYBRID) for language in ("fr", "de")]
    layout = poster_layout(LONG_NAME, "Gare", "ABCD2345", words)
    printed = " ".join(layout.texts)  # long sentences are wrapped over several lines
    for line in (
        poster_call_to_action(fr, ProgramType.HYBRID),
        poster_call_to_action(de, ProgramType.HYBRID),
        "10 tampons = Free coffee",
        "10 Stempel = Free coffee",
        "100 points = 5 € voucher",
        "100 Punkte = 5 € voucher",
        "ou envoyez /join ABCD2345 à @loyalty_bot",
        "oder senden Sie /join ABCD2345 an @loyalty_bot",
    ):
        assert line in printed, line
    assert layout.qr_side >= A4_PIXELS[0] // 2  # the code stays half the page wide
    png = _kept("poster-fr-de.png", join_poster(layout, LINK))
    assert [r.text for r in _decoded(png)] == [LINK]


@pytest.mark.parametrize("languages", [["en"], ["fr", "de"], ["lb", "fr"]])
@pytest.mark.parametrize("rewards", [None, LADDER])
def test_poster_fills_the_page_without_overlapping_the_code(
    languages: list[str], rewards: tuple[Reward, ...] | None
) -> None:
    words = [_words(lang, ProgramType.HYBRID, rewards, welcome=5) for lang in languages]
    layout = poster_layout(LONG_NAME, "Gare", "ABCD2345", words)
    qr_bottom = layout.qr_top + layout.qr_side
    assert layout.qr_side >= A4_PIXELS[0] // 2  # scannable from across the counter
    tops = [line.top for line in layout.lines]
    assert tops == sorted(tops)
    assert all(
        line.top + line.size <= layout.qr_top or line.top >= qr_bottom for line in layout.lines
    )
    last = layout.lines[-1]
    assert A4_PIXELS[1] * 3 // 4 < last.top and last.top + last.size < A4_PIXELS[1] - BAND
    for line in layout.lines:
        assert not missing_glyphs(line.text, bold=line.bold), line.text


@pytest.mark.parametrize("languages", [["en"], ["fr", "de"]])
def test_the_pdf_poster_is_a4_with_its_words_as_text_and_a_code_that_scans(
    languages: list[str],
) -> None:
    words = [_words(lang, ProgramType.STAMPS, LADDER, welcome=2) for lang in languages]
    layout = poster_layout("Café $5 Lux", "Gare", "ABCD2345", words)
    pdf = join_poster_pdf(layout, LINK)
    _kept(f"poster-{'-'.join(languages)}.pdf", pdf)
    document = pdfium.PdfDocument(pdf)
    [page] = list(document)
    width_mm, height_mm = (side * 25.4 / 72 for side in page.get_size())
    assert round(width_mm) == 210 and round(height_mm) == 297
    text = " ".join(page.get_textpage().get_text_range().split())
    for line in ("Café $5 Lux", "10 stamps" if languages == ["en"] else "10 tampons", "ABCD2345"):
        assert line in text, line
    printed = page.render(scale=150 / 72).to_pil()  # as a printer at 150 dpi would
    assert [r.text for r in zxingcpp.read_barcodes(printed)] == [LINK]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ("", [])),
        (["Gare"], ("Gare", [])),
        (["fr", "de"], ("", ["fr", "de"])),
        (["Gare", "FR", "de"], ("Gare", ["fr", "de"])),
        (["Gare", "de", "Lyon"], ("Gare de Lyon", [])),
        (["Gare", "de", "de"], ("Gare", ["de"])),
        (["en", "fr", "de"], ("", ["en", "fr", "de"])),
    ],
)
def test_poster_arguments_are_a_store_then_languages(
    args: list[str], expected: tuple[str, list[str]]
) -> None:
    assert split_poster_args(args) == expected


# --- the activity chart ---------------------------------------------------------------------


def test_the_chart_draws_what_the_programme_collects() -> None:
    assert charted_measures(ProgramType.STAMPS) == (Measure.STAMPS,)
    assert charted_measures(ProgramType.POINTS) == (Measure.POINTS,)
    assert charted_measures(ProgramType.HYBRID) == (Measure.STAMPS, Measure.POINTS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("program_type", list(ProgramType))
def test_activity_chart_renders(language: str, program_type: ProgramType) -> None:
    series = [
        DayActivity(
            date(2026, 1, 1) + timedelta(days=i),
            Activity(stamps_given=i, points_earned=20 * i, customers_served=i // 2),
        )
        for i in range(30)
    ]
    png = activity_chart(translator(language), "Café <Lux> $5 $", program_type, series)
    width, height = Image.open(io.BytesIO(_kept(f"chart-{program_type}-{language}.png", png))).size
    assert 900 <= width <= 1000 and height >= 500


def _month(days: int = 30) -> list[DayActivity]:
    return [
        DayActivity(
            date(2026, 3, 1) + timedelta(days=i),
            Activity(stamps_given=4 * i, points_earned=20 * i, customers_served=i % 3),
        )
        for i in range(days)
    ]


@pytest.mark.parametrize("program_type", list(ProgramType))
def test_each_panel_of_the_chart_reads_one_quantity(program_type: ProgramType) -> None:
    figure = activity_figure(translator("en"), "Café", program_type, _month())
    panels = figure.axes
    # No twin axes: one panel per quantity, stacked, each with its own scale.
    assert len(panels) == len(charted_measures(program_type)) + 1
    assert len({tuple(axes.get_position().bounds) for axes in panels}) == len(panels)
    titles = [axes.get_title(loc="left") for axes in panels]
    assert titles[-1] == "Customers served" and len(set(titles)) == len(titles)
    for axes in panels:
        assert len(axes.containers) == 1 and not axes.lines
    customers = panels[-1]
    assert customers.get_ylim()[1] < 5  # 2 customers are not drawn on the stamps' scale


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("days", [7, 30])
def test_day_labels_stay_level_and_apart(language: str, days: int) -> None:
    figure = activity_figure(translator(language), "Café", ProgramType.HYBRID, _month(days))
    figure.tight_layout()
    renderer = FigureCanvasAgg(figure).get_renderer()
    labels = [label for label in figure.axes[-1].get_xticklabels() if label.get_text()]
    assert labels and all(label.get_rotation() == 0 for label in labels)
    boxes = sorted((label.get_window_extent(renderer) for label in labels), key=lambda box: box.x0)
    assert all(left.x1 < right.x0 for left, right in itertools.pairwise(boxes))
    assert figure.get_size_inches()[0] * figure.dpi <= 1000  # drawn for a phone's width


def test_a_week_names_its_days_and_a_month_writes_every_few() -> None:
    week = day_labels(translator("fr"), [date(2026, 11, 30) + timedelta(days=i) for i in range(7)])
    assert week[0] == "lun. 30" and all(week)
    month = day_labels(translator("de"), [date(2026, 11, 5) + timedelta(days=i) for i in range(30)])
    assert month[-1] == "4. Dez." and 4 <= sum(1 for label in month if label) <= 8


# --- the café's look --------------------------------------------------------------------------


def _logo_png(colour: tuple[int, int, int, int] = (230, 20, 20, 255), size: int = 900) -> bytes:
    picture = Image.new("RGBA", (size, size // 2), (0, 0, 0, 0))
    picture.paste(colour, (size // 4, 0, size * 3 // 4, size // 2))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def _look(colour: str, symbol: str = "dot", logo: bytes | None = None) -> Look:
    decoded = None if logo is None else Image.open(io.BytesIO(prepare_logo(logo)))
    return Look.of(Brand(colour=colour, symbol=symbol, logo_version=1 if logo else 0), decoded)


def _hex(colour: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{part:02x}" for part in colour)


def _near(seen: object, wanted: tuple[int, int, int]) -> bool:
    """The same colour, give or take what the card's 32-colour palette rounds away."""
    assert isinstance(seen, tuple)
    return all(abs(a - b) <= 3 for a, b in zip(seen, wanted, strict=True))


@pytest.mark.parametrize("program_type", [ProgramType.STAMPS, ProgramType.HYBRID])
def test_the_chart_wears_the_cafes_colour(program_type: ProgramType) -> None:
    colour = Brand(colour="#6a3d9a").fill
    t = translator("de")
    plain = activity_chart(t, "Café Lux", program_type, _month(7))
    branded = activity_chart(t, "Café Lux", program_type, _month(7), colour)
    _kept(f"chart-brand-{program_type}.png", branded)
    assert (0x6A, 0x3D, 0x9A) in _colours(branded)
    assert (0x6A, 0x3D, 0x9A) not in _colours(plain)


def _colours(png: bytes) -> set[tuple[int, int, int]]:
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    return {colour for _, colour in picture.getcolors(maxcolors=1 << 16) or []}


@pytest.mark.parametrize("symbol", [*ICONS, "☕", "🥐"])
def test_the_card_wears_the_cafes_colour_symbol_and_logo(symbol: str) -> None:
    look = _look("#1f5fa8", symbol, _logo_png())
    face = card_face(translator("de"), _two_rewards(9))
    png = _kept(
        f"card-brand-{ICONS.index(symbol) if symbol in ICONS else 'emoji'}.png",
        card_png(face, CARD_LINK, look),
    )
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    assert _near(picture.getpixel((5, 5)), (0x1F, 0x5F, 0xA8))  # the band
    # The logo sits on the band, above the name: its red is drawn there.
    band = picture.crop((0, 0, picture.width, 200))
    assert any(r > 200 and g < 60 and b < 60 for r, g, b in band.get_flattened_data())
    assert [r.text for r in _decoded(png)] == [CARD_LINK]


def test_a_pale_brand_keeps_the_cards_words_readable() -> None:
    look = _look("#ffe14d", "star")
    assert contrast(_hex(look.on_fill), "#ffe14d") >= 4.5
    assert contrast(_hex(look.text), "#ffffff") >= 4.5
    png = card_png(card_face(translator("en"), _two_rewards(3)), CARD_LINK, look)
    # The name is written on the band in the readable colour (as the palette keeps it).
    assert any(_near(colour, look.on_fill) for colour in _colours(png))


def test_the_poster_wears_the_cafes_colour_and_logo() -> None:
    look = _look("#2e7d32", logo=_logo_png((20, 20, 230, 255)))
    words = [_words("fr", ProgramType.STAMPS, LADDER, welcome=2)]
    layout = poster_layout("Café Lux", "Gare", "ABCD2345", words, logo=True)
    assert layout.logo_top is not None and layout.qr_side >= A4_PIXELS[0] // 2
    png = _kept("poster-brand.png", join_poster(layout, LINK, look))
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    assert picture.getpixel((5, 5)) == (0x2E, 0x7D, 0x32)
    head = picture.crop((0, layout.logo_top, picture.width, layout.logo_top + 200))
    assert any(b > 200 and r < 60 for r, _, b in head.get_flattened_data())  # the logo
    assert [r.text for r in _decoded(png)] == [LINK]
    pdf = join_poster_pdf(layout, LINK, look)
    [page] = list(pdfium.PdfDocument(pdf))
    printed = page.render(scale=150 / 72).to_pil().convert("RGB")
    assert printed.getpixel((5, 5)) == (0x2E, 0x7D, 0x32)
    assert [r.text for r in zxingcpp.read_barcodes(printed)] == [LINK]


def test_a_logo_is_fitted_once_and_anything_else_refused() -> None:
    stored = Image.open(io.BytesIO(prepare_logo(_logo_png(size=2000))))
    assert stored.format == "PNG" and max(stored.size) == LOGO_SIDE and stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 0  # transparency kept
    huge = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(huge, format="PNG")  # a few KB, 400 megapixels
    for data in (b"", b"not a picture", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, huge.getvalue()):
        with pytest.raises(errors.BadLogo):
            prepare_logo(data)


EMOJI_NAME = "🥐 Bäckerei Lëtzebuerg ☕ — Größe, Çà ’ € ❤️"


@pytest.mark.parametrize("bold", [False, True])
def test_no_character_of_a_name_is_drawn_as_a_box(bold: bool) -> None:
    from fontTools.ttLib import TTFont

    pieces = runs(EMOJI_NAME, 40, bold=bold)
    for piece, typeface in pieces:
        with TTFont(typeface.path, lazy=True) as font_file:
            covered = font_file.getBestCmap()
        assert all(ord(char) in covered or char.isspace() for char in piece), piece
    drawn = "".join(piece for piece, _ in pieces)
    if emoji_font_path() is not None:  # CI installs one (fonts-symbola)
        assert undrawable(EMOJI_NAME, bold=bold) == set()
        assert "🥐" in drawn and "☕" in drawn
    else:
        assert "🥐" not in drawn and "Bäckerei Lëtzebuerg ☕" in drawn


def test_a_name_with_emoji_draws_on_the_card_the_poster_and_the_chart() -> None:
    card = replace(_two_rewards(9), merchant_name=EMOJI_NAME)
    png = _kept("card-emoji.png", card_png(card_face(translator("lb"), card), CARD_LINK))
    assert [r.text for r in _decoded(png)] == [CARD_LINK]
    layout = poster_layout(EMOJI_NAME, "Gare", "ABCD2345", [_words("de", ProgramType.STAMPS)])
    _kept("poster-emoji.png", join_poster(layout, LINK))
    document = pdfium.PdfDocument(join_poster_pdf(layout, LINK))
    text = document[0].get_textpage().get_text_range()
    document.close()
    assert "Bäckerei" in text and "Lëtzebuerg" in text
    chart = activity_chart(translator("fr"), EMOJI_NAME, ProgramType.STAMPS, _month(7))
    _kept("chart-emoji.png", chart)
