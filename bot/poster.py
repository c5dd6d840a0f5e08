"""The printable join poster: the café's name, the call to action, the store's join QR code as
large as the page allows, every reward of the ladder, the welcome bonus, and the store code in
small print for those who type.

`poster_layout` decides every line and its place without drawing, so what the poster says can be
checked without reading pixels; `join_poster` draws it as a PNG (Pillow, 150 dpi, the fonts of
bot.images) for a screen, `join_poster_pdf` as an A4 PDF with the same layout for the printer
(matplotlib's PDF backend: text as text, the QR code's modules sharp at any size).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw

from bot.fonts import draw_centred, matplotlib_families, printable, text_width
from bot.look import DEFAULT_LOOK, Look, paste_logo

A4_PIXELS = (1240, 1754)
INK, PAPER, ACCENT, MUTED = (34, 34, 34), (255, 255, 255), (192, 129, 58), (110, 110, 110)
MARGIN, BAND = 90, 40
QR_LARGEST = 840
QR_SMALLEST = A4_PIXELS[0] // 2  # half the page's width, also on a bilingual poster
DPI = 150
LOGO_HEIGHT = 200
SECOND_LANGUAGE_SCALE = 0.8  # the second language of a bilingual poster reads as the echo


@dataclass(frozen=True)
class PosterWords:
    """The poster's sentences in one language."""

    call_to_action: str
    offers: tuple[str, ...]  # one line per reward of the ladder, cheapest first
    welcome: str | None  # the welcome bonus, when the café gives one
    instructions: str
    code_hint: str  # "or send /join CODE to @bot": the code in small print


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
    logo_top: int | None = None  # where the café's logo goes (LOGO_HEIGHT high), if it has one

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]


def _line_height(size: int) -> int:
    return int(size * 1.3)


def _wrap(text: str, size: int, bold: bool, *, max_lines: int = 3) -> list[str]:
    """Words wrapped to the printable width, measured with the font that draws them."""
    width = A4_PIXELS[0] - 2 * MARGIN
    lines: list[str] = []
    # Plain spaces only: a no-break space (French "visite !") keeps its words together.
    for word in text.split(" "):
        if lines and text_width(f"{lines[-1]} {word}", size, bold=bold) <= width:
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
        above.append(_block([store_name], px(44), MUTED))
    above.append(_block([w.call_to_action for w in words], px(56), ACCENT, bold=True))
    below = [_block([w.instructions for w in words], px(36), INK)]
    rewards: Block = []
    for index in range(len(words[0].offers)):
        rewards += _block([w.offers[index] for w in words], px(50), INK, bold=True)
    if rewards:
        below.append(rewards)  # the ladder reads as one list
    welcome = [w.welcome for w in words if w.welcome]
    if welcome:
        below.append(_block(welcome, px(42), ACCENT, bold=True))
    below.append(_block([w.code_hint for w in words], px(28), MUTED))
    return above, below


def _height(blocks: Sequence[Block]) -> int:
    return sum(_line_height(line.size) for block in blocks for line in block)


def poster_layout(
    business_name: str,
    store_name: str,
    code: str,
    words: Sequence[PosterWords],
    *,
    logo: bool = False,
) -> Layout:
    """Every line of the poster with its position, and the QR code's square: the text is
    shrunk until the code fits at a scannable size, and the spare height is shared out evenly
    between the blocks so the page is filled from top to bottom."""
    logo_space = LOGO_HEIGHT + 24 if logo else 0
    usable = A4_PIXELS[1] - 2 * (BAND + MARGIN // 2) - logo_space
    scale = 1.0
    while True:
        above, below = _blocks(business_name, store_name, code, words, scale)
        text_height = _height(above) + _height(below)
        gaps = len(above) + len(below)  # one gap after each block above, one before each below
        qr_side = min(QR_LARGEST, usable - text_height - gaps * 24)
        if qr_side >= QR_SMALLEST or scale < 0.4:
            break
        scale *= 0.9
    qr_side = max(qr_side, QR_SMALLEST)
    spare = max(0, usable - text_height - qr_side)
    gap = spare // (gaps + 1)
    y = BAND + MARGIN // 2 + gap // 2
    logo_top = y if logo else None
    y += logo_space
    placed: list[Line] = []
    for block in above:
        y = _place(block, y, placed) + gap
    qr_top = y
    y += qr_side + gap
    for block in below:
        y = _place(block, y, placed) + gap
    return Layout(tuple(placed), qr_top, qr_side, logo_top)


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


def join_poster_pdf(layout: Layout, link: str, look: Look = DEFAULT_LOOK) -> bytes:
    """The same poster as an A4 PDF: every line at the place the layout gives, as text."""
    import matplotlib

    matplotlib.use("Agg")  # no display
    from matplotlib.figure import Figure

    width, height = A4_PIXELS
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)

    def rgb(colour: tuple[int, int, int]) -> tuple[float, ...]:
        return tuple(part / 255 for part in colour)

    for top, bottom in ((0, BAND), (height - BAND, height)):
        figure.patches.append(
            matplotlib.patches.Rectangle(
                (0, 1 - bottom / height),
                1,
                (bottom - top) / height,
                transform=figure.transFigure,
                color=rgb(look.fill),
            )
        )
    # Emoji of a café's name come from the emoji font where DejaVu has none (as on the PNG).
    families = list(matplotlib_families())
    for line in layout.lines:
        figure.text(
            0.5,
            1 - line.top / height,
            # "$…$" would be read as mathematics; characters no font has are left out.
            printable(line.text, bold=line.bold).replace("$", r"\$"),
            fontsize=line.size * 72 / DPI,
            fontweight="bold" if line.bold else "normal",
            color=rgb(_colour(line, look)),
            ha="center",
            va="top",
            family=families,
        )
    if layout.logo_top is not None and look.logo is not None:
        logo = look.logo.copy()
        logo.thumbnail((A4_PIXELS[0] - 2 * MARGIN, LOGO_HEIGHT))
        logo_axes = figure.add_axes(
            (
                0.5 - logo.width / width / 2,
                1 - (layout.logo_top + (LOGO_HEIGHT + logo.height) / 2) / height,
                logo.width / width,
                logo.height / height,
            )
        )
        logo_axes.imshow(logo, interpolation="antialiased")
        logo_axes.set_axis_off()
    qr = segno.make(link, error="m")
    modules = [[0 if dark else 1 for dark in row] for row in qr.matrix_iter(scale=1, border=2)]
    side = layout.qr_side / width
    axes = figure.add_axes(
        (
            0.5 - side / 2,
            1 - (layout.qr_top + layout.qr_side) / height,
            side,
            layout.qr_side / height,
        )
    )
    axes.imshow(modules, cmap="gray", interpolation="none", vmin=0, vmax=1)
    axes.set_axis_off()
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.savefig(out, format="pdf", metadata={"Creator": None, "Producer": None})
    return out.getvalue()


def _colour(line: Line, look: Look) -> tuple[int, int, int]:
    """The layout's accent lines take the café's colour, in the shade that reads on paper."""
    return look.text if line.colour == ACCENT else line.colour


def join_poster(layout: Layout, link: str, look: Look = DEFAULT_LOOK) -> bytes:
    """The PNG poster drawn from its layout; the QR code encodes the store's join link."""
    image = Image.new("RGB", A4_PIXELS, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, A4_PIXELS[0], BAND), fill=look.fill)
    draw.rectangle((0, A4_PIXELS[1] - BAND, A4_PIXELS[0], A4_PIXELS[1]), fill=look.fill)
    if layout.logo_top is not None and look.logo is not None:
        box = (MARGIN, layout.logo_top, A4_PIXELS[0] - MARGIN, layout.logo_top + LOGO_HEIGHT)
        paste_logo(image, look.logo, box)
    for line in layout.lines:
        draw_centred(draw, line.top, line.text, line.size, _colour(line, look), bold=line.bold)
    left = (A4_PIXELS[0] - layout.qr_side) // 2
    image.paste(_qr_image(link, layout.qr_side), (left, layout.qr_top))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
