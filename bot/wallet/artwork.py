"""The colours and images of a pass (icon, logo), from the café's brand, drawn at build time:
nothing binary is committed.

A café with a logo gets it on its passes (fitted, on its brand colour for the icon); one without
gets a generated letter logo in its brand colour. Colours keep the brand's contrast rules
(domain/brand.py): text on the pass is white or ink on the brand colour, labels a softer shade
of it that still reads at 4.5:1.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING

from domain import brand as rules
from domain.brand import Brand

if TYPE_CHECKING:
    from PIL.Image import Image

Colour = tuple[int, int, int]
LABEL_SOFTENING = 0.3  # how far labels move from the text colour toward the background
CACHED_ARTWORK = 256  # cafés whose logo artwork is kept drawn, per worker


def css(colour: Colour) -> str:
    """Apple's colour notation: `rgb(r, g, b)`."""
    return "rgb({}, {}, {})".format(*colour)


def hex_colour(colour: Colour) -> str:
    """Google's colour notation: `#rrggbb`."""
    return "#{:02x}{:02x}{:02x}".format(*colour)


def label_colour(fill: str, on_fill: str) -> str:
    """The labels' colour on the pass: the text colour softened toward the background, as far
    as it still reads (≥ 4.5:1); the text colour itself when no softer shade does."""
    text, background = rules.rgb(on_fill), rules.rgb(fill)
    share = LABEL_SOFTENING
    while share > 0:
        mixed = "#" + "".join(
            f"{round(t + (b - t) * share):02x}" for t, b in zip(text, background, strict=True)
        )
        if rules.contrast(mixed, fill) >= rules.READABLE:
            return mixed
        share = round(share - 0.05, 2)
    return on_fill


@cache
def pass_colours(brand: Brand) -> tuple[Colour, Colour, Colour]:
    """Background, text and label colours of a pass in the café's brand."""
    return (
        rules.rgb(brand.fill),
        rules.rgb(brand.on_fill),
        rules.rgb(label_colour(brand.fill, brand.on_fill)),
    )


def initial(name: str) -> str:
    letters = [ch for ch in name if ch.isalnum()]
    return letters[0].upper() if letters else "★"


@cache
def icon_png(letter: str, fill: Colour, ink: Colour, size: int) -> bytes:
    """A square with rounded corners in the brand colour and the café's initial (icon.png is
    29 pt)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=(*fill, 255))
    font = ImageFont.load_default(size=int(size * 0.6))
    draw.text((size / 2, size / 2), letter, fill=(*ink, 255), font=font, anchor="mm")
    return _png(image)


@cache
def logo_png(letter: str, fill: Colour, ink: Colour, height: int) -> bytes:
    """A disc in the text colour with the initial in the brand colour, on transparency (the
    logo sits on the pass's background, the brand colour)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGBA", (height, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((1, 1, height - 2, height - 2), fill=(*ink, 255))
    font = ImageFont.load_default(size=int(height * 0.55))
    draw.text((height / 2, height / 2), letter, fill=(*fill, 255), font=font, anchor="mm")
    return _png(image)


def letter_images(name: str, fill: Colour, ink: Colour) -> dict[str, bytes]:
    """The generated icon and logo of a café without a logo of its own."""
    letter = initial(name)
    return {
        "icon.png": icon_png(letter, fill, ink, 29),
        "icon@2x.png": icon_png(letter, fill, ink, 58),
        "logo.png": logo_png(letter, fill, ink, 50),
        "logo@2x.png": logo_png(letter, fill, ink, 100),
    }


# Apple's sizes in points: the icon 29 × 29, the logo at most 160 × 50 (here at 1× and 2×).
ICON_SIDE, LOGO_BOX = 29, (160, 50)
_drawn: OrderedDict[tuple[object, ...], dict[str, bytes]] = OrderedDict()


def forget_drawn() -> None:
    """Empty the cache (a process that moves to another database, as tests do)."""
    _drawn.clear()


def logo_images(key: tuple[object, ...], logo: Image, fill: Colour) -> dict[str, bytes]:
    """The café's own logo as the pass's images: the logo fitted into Apple's logo box (its
    transparency kept, it sits on the brand colour), and the icon the logo on a square of the
    brand colour. `key` names the logo's version: each is drawn once per worker."""
    images = _drawn.get(key)
    if images is None:
        images = {}
        for scale in (1, 2):
            suffix = "" if scale == 1 else f"@{scale}x"
            images[f"icon{suffix}.png"] = _icon_with_logo(logo, fill, ICON_SIDE * scale)
            images[f"logo{suffix}.png"] = _fitted(logo, LOGO_BOX[0] * scale, LOGO_BOX[1] * scale)
        _drawn[key] = images
        while len(_drawn) > CACHED_ARTWORK:
            _drawn.popitem(last=False)
    _drawn.move_to_end(key)
    return images


def _fitted(logo: Image, width: int, height: int) -> bytes:
    from PIL import Image as PilImage

    fitted = logo.copy()
    fitted.thumbnail((width, height), PilImage.Resampling.LANCZOS)
    return _png(fitted)


def _icon_with_logo(logo: Image, fill: Colour, size: int) -> bytes:
    from PIL import Image as PilImage

    from bot.look import paste_logo

    image = PilImage.new("RGBA", (size, size), (*fill, 255))
    margin = max(1, size // 10)
    paste_logo(image, logo, (margin, margin, size - margin, size - margin))
    return _png(image)


def _png(image: Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
