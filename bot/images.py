"""Images: the card (café name, progress, number and its QR code) and the fonts images share.

Drawn with Pillow and the DejaVu fonts that ship with matplotlib, so ë, é, ü and € show
correctly without any system font.
"""

from __future__ import annotations

import importlib.util
import io
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

from bot.look import DEFAULT_LOOK, Look, draw_symbol, paste_logo
from domain.brand import ICONS

INK, PAPER, MUTED = (34, 34, 34), (255, 255, 255), (150, 150, 150)
READY, READY_BACK = (33, 110, 57), (222, 242, 227)  # a reward that can be taken now
CARD_WIDTH, CARD_MARGIN = 840, 60
QR_MODULE_MIN = 10  # pixels per module: the bare QR code's size before the card was drawn
DOTS_PER_ROW, DOT, DOT_GAP = 10, 52, 18


@cache
def _font_path(name: str) -> str:
    # Found without importing matplotlib: that import takes a second, and a card is drawn
    # for every /card and every join.
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations is not None
    package = Path(spec.submodule_search_locations[0])
    return str(package / "mpl-data" / "fonts" / "ttf" / name)


@cache
def _covered(bold: bool) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # matplotlib's own dependency; only a test asks

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    with TTFont(_font_path(name), lazy=True) as typeface:
        return frozenset(typeface.getBestCmap())


def missing_glyphs(text: str, *, bold: bool = False) -> set[str]:
    """The characters of `text` the card's font would draw as a box (spaces aside)."""
    return {char for char in text if not char.isspace() and ord(char) not in _covered(bold)}


@cache
def font(size: int, *, bold: bool = False, mono: bool = False) -> ImageFont.FreeTypeFont:
    family = "DejaVuSansMono" if mono else "DejaVuSans"
    return ImageFont.truetype(_font_path(f"{family}-Bold.ttf" if bold else f"{family}.ttf"), size)


@dataclass(frozen=True)
class Rung:
    """A reward of the stamp ladder as the card draws it: a marked dot at its cost and a line
    with its name under the dots."""

    cost: int
    label: str  # "8 · Free coffee", or "✓ Free coffee" when ready (translated)
    ready: bool


@dataclass(frozen=True)
class CardFace:
    """What the card image shows, already translated: a pure value the drawing follows."""

    merchant_name: str
    stamps: tuple[int, int] | None  # (collected, target) for programmes with stamps
    stamps_text: str | None  # "7/10"
    rungs: tuple[Rung, ...]  # the stamp rewards, cheapest first (the last one's cost is the target)
    points_text: str | None  # "120 points", for programmes with points
    number_label: str
    number: str  # as printed: 1234-5678-9012


def _wrapped(text: str, typeface: ImageFont.FreeTypeFont, width: int, most: int) -> list[str]:
    lines: list[str] = []
    # Plain spaces only: a no-break space (French "visite !") keeps its words together.
    for word in text.split(" "):
        if lines and typeface.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines[:most] or [""]


def _qr_image(link: str) -> Image.Image:
    qr = segno.make(link, error="m", micro=False)
    modules = qr.symbol_size(scale=1, border=4)[0]
    # As large as the card allows, never smaller than the bare code the card replaced.
    scale = max(QR_MODULE_MIN, (CARD_WIDTH - 2 * CARD_MARGIN) // modules)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _dot_rows(target: int) -> int:
    return math.ceil(target / DOTS_PER_ROW)


LOGO_IN_BAND = 120  # the logo's height on the card's band


def card_png(face: CardFace, link: str, look: Look = DEFAULT_LOOK) -> bytes:
    """The card as a PNG: the café's logo and name on a band of its colour, progress with its
    stamp symbol, the QR code, the card number."""
    title_font, body_font = font(54, bold=True), font(40)
    number_font = font(48, bold=True, mono=True)
    title = _wrapped(face.merchant_name, title_font, CARD_WIDTH - 2 * CARD_MARGIN, 2)
    code = _qr_image(link)
    logo_height = LOGO_IN_BAND + 20 if look.logo is not None else 0
    band = 50 + logo_height + 70 * len(title)
    dots = (_dot_rows(face.stamps[1]) * (DOT + DOT_GAP) + 60) if face.stamps else 0
    rung_lines = RUNG_LINE * len(face.rungs) if face.stamps else 0
    points = 70 if face.points_text else 0
    height = band + 40 + dots + rung_lines + points + code.height + 150
    image = Image.new("RGB", (max(CARD_WIDTH, code.width), height), PAPER)
    width = image.width
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, band), fill=look.fill)
    if look.logo is not None:
        paste_logo(image, look.logo, (0, 30, width, 30 + LOGO_IN_BAND))
    for index, line in enumerate(title):
        _centred(draw, 30 + logo_height + 70 * index, line, title_font, look.on_fill)
    y = band + 40
    if face.stamps is not None and face.stamps_text is not None:
        marked = {rung.cost for rung in face.rungs}
        y = _draw_dots(draw, width, y, *face.stamps, marked, look)
        _centred(draw, y, face.stamps_text, body_font, INK)
        y += 60
        y = _draw_rungs(draw, width, y, face.rungs)
    if face.points_text is not None:
        _centred(draw, y, face.points_text, body_font, INK)
        y += 70
    image.paste(code, ((width - code.width) // 2, y))
    y += code.height
    _centred(draw, y, face.number_label, font(28), MUTED)
    _centred(draw, y + 40, face.number, number_font, INK)
    out = io.BytesIO()
    # A few colours are all the card has: a palette image is a third the size and encodes in
    # a fraction of the time of a full-colour one (it is drawn for every /card and join).
    image.quantize(colors=32, method=Image.Quantize.FASTOCTREE).save(out, format="PNG")
    return out.getvalue()


def _centred(
    draw: ImageDraw.ImageDraw,
    y: int,
    text: str,
    typeface: ImageFont.FreeTypeFont,
    fill: tuple[int, int, int],
) -> None:
    width = draw.im.size[0]
    draw.text(((width - draw.textlength(text, font=typeface)) // 2, y), text, fill, typeface)


def _draw_dots(
    draw: ImageDraw.ImageDraw,
    width: int,
    y: int,
    collected: int,
    target: int,
    marked: set[int],
    look: Look,
) -> int:
    """One stamp symbol per stamp of the target, filled for those collected, ten to a row; the
    one at each reward's cost is ringed and carries that cost, so "8" on the stamps matches
    "8 · Free coffee" below."""
    number_font = font(22, bold=True)
    glyph_font = font(44) if not missing_glyphs(look.symbol) else None
    plain_dots = look.symbol == "dot" or (look.symbol not in ICONS and glyph_font is None)
    for row in range(_dot_rows(target)):
        in_row = min(DOTS_PER_ROW, target - row * DOTS_PER_ROW)
        left = (width - in_row * DOT - (in_row - 1) * DOT_GAP) // 2
        for column in range(in_row):
            index = row * DOTS_PER_ROW + column
            box = (left, y, left + DOT, y + DOT)
            filled = index < collected
            # A stamp to come is outlined in the brand's readable shade: a pale brand colour
            # (yellow) would vanish on white.
            colour = look.fill if filled else look.text
            draw_symbol(draw, box, look.symbol, colour, filled=filled, glyph_font=glyph_font)
            if index + 1 in marked:
                draw.ellipse((box[0] - 6, box[1] - 6, box[2] + 6, box[3] + 6), outline=INK, width=3)
                if plain_dots:  # a number fits in a dot, not over a drawn cup or star
                    draw.text(
                        (left + DOT / 2, y + DOT / 2),
                        str(index + 1),
                        look.on_fill if index < collected else look.text,
                        number_font,
                        anchor="mm",
                    )
            left += DOT + DOT_GAP
        y += DOT + DOT_GAP
    return y


RUNG_LINE = 52


def _draw_rungs(draw: ImageDraw.ImageDraw, width: int, y: int, rungs: tuple[Rung, ...]) -> int:
    """A line per stamp reward under the dots; a ready one on a green band."""
    typeface, bold = font(32), font(32, bold=True)
    for rung in rungs:
        text = _fitted(rung.label, bold if rung.ready else typeface, width - 2 * CARD_MARGIN)
        if rung.ready:
            draw.rounded_rectangle(
                (CARD_MARGIN, y - 6, width - CARD_MARGIN, y + RUNG_LINE - 10), 12, fill=READY_BACK
            )
        _centred(draw, y, text, bold if rung.ready else typeface, READY if rung.ready else INK)
        y += RUNG_LINE
    return y


def _fitted(text: str, typeface: ImageFont.FreeTypeFont, width: int) -> str:
    """The text, cut with "…" where it would leave the card."""
    if typeface.getlength(text) <= width:
        return text
    while text and typeface.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
