"""The images a pass needs (icon, logo), drawn at build time: nothing binary is committed."""

from __future__ import annotations

import hashlib
from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

# Dark backgrounds that keep white text readable; a merchant always gets the same one.
PALETTE = (
    (0x1F, 0x3A, 0x5F),
    (0x2E, 0x5E, 0x4E),
    (0x6B, 0x2D, 0x5C),
    (0x8C, 0x3B, 0x1E),
    (0x3D, 0x34, 0x8B),
    (0x4A, 0x4E, 0x69),
    (0x7A, 0x1F, 0x2B),
    (0x1B, 0x5E, 0x7A),
)
Colour = tuple[int, int, int]


def merchant_colour(merchant_id: int) -> Colour:
    index = hashlib.sha256(str(merchant_id).encode()).digest()[0] % len(PALETTE)
    return PALETTE[index]


def css(colour: Colour) -> str:
    """Apple's colour notation: `rgb(r, g, b)`."""
    return "rgb({}, {}, {})".format(*colour)


def hex_colour(colour: Colour) -> str:
    """Google's colour notation: `#rrggbb`."""
    return "#{:02x}{:02x}{:02x}".format(*colour)


def initial(name: str) -> str:
    letters = [ch for ch in name if ch.isalnum()]
    return letters[0].upper() if letters else "★"


@cache
def icon_png(letter: str, colour: Colour, size: int) -> bytes:
    """A square with rounded corners and the merchant's initial (icon.png is 29 pt)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=(*colour, 255))
    font = ImageFont.load_default(size=int(size * 0.6))
    draw.text((size / 2, size / 2), letter, fill="white", font=font, anchor="mm")
    return _png(image)


@cache
def logo_png(letter: str, colour: Colour, height: int) -> bytes:
    """A white disc with the initial, on transparency (the logo sits on the pass's colour)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGBA", (height, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((1, 1, height - 2, height - 2), fill="white")
    font = ImageFont.load_default(size=int(height * 0.55))
    draw.text((height / 2, height / 2), letter, fill=(*colour, 255), font=font, anchor="mm")
    return _png(image)


def _png(image: Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
