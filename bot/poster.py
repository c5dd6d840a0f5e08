"""The printable join poster: business name, the offer, the store's join QR code and its code.

Drawn with Pillow at A4 proportions (150 dpi), with the fonts of bot.images. `poster_layout`
decides every line and its place without drawing, so what the poster says can be checked
without reading pixels.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw

from bot.images import font

A4_PIXELS = (1240, 1754)
INK, PAPER, ACCENT, MUTED = (34, 34, 34), (255, 255, 255), (192, 129, 58), (110, 110, 110)
MARGIN, BAND = 90, 40
QR_LARGEST, QR_SMALLEST = 760, 420
SECOND_LANGUAGE_SCALE = 0.8  # the second language of a bilingual poster reads as the echo


@dataclass(frozen=True)
class PosterWords:
    """The poster's sentences in one language."""

    call_to_action: str
    offers: tuple[str, ...]
    instructions: str
    code_hint: str


@dataclass(frozen=True)
class Line:
    """One line of text as drawn: its words, font size and weight, colour and top edge."""

    text: str
    size: int
    bold: bool
    colour: tuple[int, int, int]
    top: int = 0


@dataclass(frozen=True)
class Layout:
    lines: tuple[Line, ...]
    qr_top: int
    qr_side: int

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]


def _line_height(size: int) -> int:
    return int(size * 1.3)


def _wrap(text: str, size: int, bold: bool, *, max_lines: int = 3) -> list[str]:
    """Words wrapped to the printable width, measured with the font that draws them."""
    typeface, width = font(size, bold=bold), A4_PIXELS[0] - 2 * MARGIN
    lines: list[str] = []
    # Plain spaces only: a no-break space (French "visite !") keeps its words together.
    for word in text.split(" "):
        if lines and typeface.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines[:max_lines] or [""]


Block = list[Line]


def _block(
    texts: Sequence[str], size: int, colour: tuple[int, int, int], *, bold: bool = False
) -> Block:
    """One sentence in each language: the first at full size, the second smaller and muted."""
    block: Block = []
    for index, text in enumerate(texts):
        if index > 0 and text == texts[0]:
            continue  # a reward typed in one language reads the same in both: print it once
        shown = size if index == 0 else int(size * SECOND_LANGUAGE_SCALE)
        tint = colour if index == 0 else MUTED
        block += [Line(part, shown, bold, tint) for part in _wrap(text, shown, bold)]
    return block


def _blocks(
    business_name: str, store_name: str, code: str, words: Sequence[PosterWords], scale: float
) -> tuple[list[Block], list[Block]]:
    """The blocks above and below the QR code, at a given text scale."""

    def px(size: int) -> int:
        return max(18, int(size * scale))

    above = [_block([business_name], px(84), INK, bold=True)]
    if store_name != business_name:
        above.append(_block([store_name], px(48), INK))
    above.append(_block([w.call_to_action for w in words], px(54), ACCENT, bold=True))
    for index in range(len(words[0].offers)):
        above.append(_block([w.offers[index] for w in words], px(62), INK, bold=True))
    below = [
        _block([w.instructions for w in words], px(38), INK),
        [Line(code, px(120), True, ACCENT)],
        _block([w.code_hint for w in words], px(40), INK),
    ]
    return above, below


def _height(blocks: Sequence[Block]) -> int:
    return sum(_line_height(line.size) for block in blocks for line in block)


def poster_layout(
    business_name: str, store_name: str, code: str, words: Sequence[PosterWords]
) -> Layout:
    """Every line of the poster with its position, and the QR code's square: the text is
    shrunk until the code fits at a scannable size, and the spare height is shared out evenly
    between the blocks so the page is filled from top to bottom."""
    usable = A4_PIXELS[1] - 2 * (BAND + MARGIN // 2)
    scale = 1.0
    while True:
        above, below = _blocks(business_name, store_name, code, words, scale)
        text_height = _height(above) + _height(below)
        gaps = len(above) + len(below)  # one gap after each block above, one before each below
        qr_side = min(QR_LARGEST, usable - text_height - gaps * 24)
        if qr_side >= QR_SMALLEST or scale < 0.5:
            break
        scale *= 0.9
    qr_side = max(qr_side, QR_SMALLEST)
    spare = max(0, usable - text_height - qr_side)
    gap = spare // (gaps + 1)
    y = BAND + MARGIN // 2 + gap // 2
    placed: list[Line] = []
    for block in above:
        y = _place(block, y, placed) + gap
    qr_top = y
    y += qr_side + gap
    for block in below:
        y = _place(block, y, placed) + gap
    return Layout(tuple(placed), qr_top, qr_side)


def _place(block: Block, y: int, placed: list[Line]) -> int:
    for line in block:
        placed.append(Line(line.text, line.size, line.bold, line.colour, y))
        y += _line_height(line.size)
    return y


def _qr_image(link: str, side: int) -> Image.Image:
    qr = segno.make(link, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=20, border=2)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return code.resize((side, side), Image.Resampling.NEAREST)


def join_poster(layout: Layout, link: str) -> bytes:
    """The PNG poster drawn from its layout; the QR code encodes the store's join link."""
    image = Image.new("RGB", A4_PIXELS, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, A4_PIXELS[0], BAND), fill=ACCENT)
    draw.rectangle((0, A4_PIXELS[1] - BAND, A4_PIXELS[0], A4_PIXELS[1]), fill=ACCENT)
    for line in layout.lines:
        typeface = font(line.size, bold=line.bold)
        width = draw.textlength(line.text, font=typeface)
        draw.text(((A4_PIXELS[0] - width) // 2, line.top), line.text, line.colour, typeface)
    left = (A4_PIXELS[0] - layout.qr_side) // 2
    image.paste(_qr_image(link, layout.qr_side), (left, layout.qr_top))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
