"""Images: the card (café name, progress, number and its QR code).

Drawn with Pillow in the fonts of bot/fonts.py, so ë, é, ü, € and the emoji of a café's name
show without a missing-glyph box.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw

from bot.fonts import draw_centred, font, symbol_font, text_width
from bot.look import DEFAULT_LOOK, Look, draw_symbol, paste_logo
from domain.brand import ICONS

INK, PAPER, MUTED = (34, 34, 34), (255, 255, 255), (150, 150, 150)
READY, READY_BACK = (33, 110, 57), (222, 242, 227)  # a reward that can be taken now
CARD_WIDTH, CARD_MARGIN = 840, 60
QR_MODULE_MIN = 10  # pixels per module: the bare QR code's size before the card was drawn
DOTS_PER_ROW, DOT, DOT_GAP = 10, 52, 18


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


def _wrapped(text: str, size: int, bold: bool, width: int, most: int) -> list[str]:
    lines: list[str] = []
    # Plain spaces only: a no-break space (French "visite !") keeps its words together.
    for word in text.split(" "):
        if lines and text_width(f"{lines[-1]} {word}", size, bold=bold) <= width:
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
    number_font = font(48, bold=True, mono=True)
    title = _wrapped(face.merchant_name, 54, True, CARD_WIDTH - 2 * CARD_MARGIN, 2)
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
        draw_centred(draw, 30 + logo_height + 70 * index, line, 54, look.on_fill, bold=True)
    y = band + 40
    if face.stamps is not None and face.stamps_text is not None:
        marked = {rung.cost for rung in face.rungs}
        y = _draw_dots(draw, width, y, *face.stamps, marked, look)
        draw_centred(draw, y, face.stamps_text, 40, INK)
        y += 60
        y = _draw_rungs(draw, width, y, face.rungs)
    if face.points_text is not None:
        draw_centred(draw, y, face.points_text, 40, INK)
        y += 70
    image.paste(code, ((width - code.width) // 2, y))
    y += code.height
    draw_centred(draw, y, face.number_label, 28, MUTED)
    width_of_number = draw.textlength(face.number, font=number_font)
    draw.text(((width - width_of_number) // 2, y + 40), face.number, INK, number_font)
    out = io.BytesIO()
    # A few colours are all the card has: a palette image is a third the size and encodes in
    # a fraction of the time of a full-colour one (it is drawn for every /card and join).
    image.quantize(colors=32, method=Image.Quantize.FASTOCTREE).save(out, format="PNG")
    return out.getvalue()


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
    glyph_font = symbol_font(look.symbol, 44)
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
    for rung in rungs:
        text = _fitted(rung.label, 32, rung.ready, width - 2 * CARD_MARGIN)
        if rung.ready:
            draw.rounded_rectangle(
                (CARD_MARGIN, y - 6, width - CARD_MARGIN, y + RUNG_LINE - 10), 12, fill=READY_BACK
            )
        draw_centred(draw, y, text, 32, READY if rung.ready else INK, bold=rung.ready)
        y += RUNG_LINE
    return y


def _fitted(text: str, size: int, bold: bool, width: int) -> str:
    """The text, cut with "…" where it would leave the card."""
    if text_width(text, size, bold=bold) <= width:
        return text
    while text and text_width(text + "…", size, bold=bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"
