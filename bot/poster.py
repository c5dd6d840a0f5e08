"""The printable join poster: business name, the store's join QR code and a call to action.

Drawn with Pillow at A4 proportions (150 dpi), with the DejaVu font that ships with matplotlib,
so ë, é, ü and € print correctly without any system font.
"""

from __future__ import annotations

import io
import textwrap
from functools import cache
from importlib.resources import files

import segno
from PIL import Image, ImageDraw, ImageFont

A4_PIXELS = (1240, 1754)
INK, PAPER, ACCENT = (34, 34, 34), (255, 255, 255), (192, 129, 58)


@cache
def _font_path(bold: bool) -> str:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(files("matplotlib") / "mpl-data" / "fonts" / "ttf" / name)


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_font_path(bold), size)


def _centered(
    draw: ImageDraw.ImageDraw,
    y: int,
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: tuple[int, int, int],
) -> int:
    """Draw centred lines from y; returns the y below them."""
    for line in text.splitlines():
        left, top, right, bottom = draw.textbbox((0, 0), line, font=font)
        draw.text(((A4_PIXELS[0] - (right - left)) // 2, y), line, font=font, fill=fill)
        y += int((bottom - top) * 1.35)
    return y


def _fit(name: str, width_chars: int) -> str:
    return "\n".join(textwrap.wrap(name, width=width_chars)[:3])


def join_poster(
    *, business_name: str, store_name: str, link: str, call_to_action: str, instructions: str
) -> bytes:
    """A PNG poster; the QR code encodes the store's join link."""
    image = Image.new("RGB", A4_PIXELS, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, A4_PIXELS[0], 40), fill=ACCENT)
    draw.rectangle((0, A4_PIXELS[1] - 40, A4_PIXELS[0], A4_PIXELS[1]), fill=ACCENT)
    y = _centered(draw, 120, _fit(business_name, 22), _font(84, bold=True), INK)
    if store_name != business_name:
        y = _centered(draw, y + 10, _fit(store_name, 36), _font(48), INK)
    y = _centered(draw, y + 40, _fit(call_to_action, 34), _font(54, bold=True), ACCENT)

    qr = segno.make(link, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=20, border=2)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    side = min(820, A4_PIXELS[1] - y - 330)
    code = code.resize((side, side), Image.Resampling.NEAREST)
    image.paste(code, ((A4_PIXELS[0] - side) // 2, y + 40))
    _centered(draw, y + 80 + side, _fit(instructions, 44), _font(40), INK)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
