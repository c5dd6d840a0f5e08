"""The café's look as images draw it: colours as RGB, the stamp symbol, the logo decoded once.

The rules (which colour text takes on the brand, how dark the brand must be to be read as text)
are the domain's (domain/brand.py); this module turns them into what Pillow draws with, reads
an owner's photo into the stored logo, and keeps decoded logos per café and logo version, so a
card image pastes a ready picture instead of decoding the stored one again.
"""

from __future__ import annotations

import asyncio
import io
import math
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from PIL import Image, ImageDraw

from domain import brand as rules
from domain import errors
from domain.brand import Brand

RGB = tuple[int, int, int]
LOGO_SIDE = 256  # stored logos fit this square: enough for a card's band and a poster's head
# An owner's picture, sent to /brand or uploaded in the Mini App: far above a phone's photo as
# Telegram sends it (1280 px, a few hundred KB), far below what a worker should hold.
LOGO_INPUT_MAX_BYTES = 5 * 1024 * 1024
LOGO_INPUT_MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
CACHED_LOGOS = 256  # decoded logos kept per worker (one per café and version)


@dataclass(frozen=True)
class Look:
    """What images draw a café with."""

    fill: RGB  # bands, filled stamps, bars
    on_fill: RGB  # text on the fill
    text: RGB  # the brand as text on paper (darkened until it reads)
    symbol: str  # one of domain.brand.ICONS, or an emoji
    logo: Image.Image | None = None

    @staticmethod
    def of(brand: Brand, logo: Image.Image | None = None) -> Look:
        return Look(
            fill=rules.rgb(brand.fill),
            on_fill=rules.rgb(brand.on_fill),
            text=rules.rgb(brand.text_on_paper),
            symbol=brand.stamp_symbol,
            logo=logo,
        )


DEFAULT_LOOK = Look.of(Brand())


# --- the logo ---------------------------------------------------------------------------------


def prepare_logo(data: bytes) -> bytes:
    """An owner's photo or file → the stored logo: decoded once, fitted into 256 × 256 with its
    proportions, as PNG (transparency kept). Anything unreadable is refused as BadLogo."""
    refusal = errors.BadLogo(max_megabytes=LOGO_INPUT_MAX_BYTES // (1024 * 1024))
    if not data or len(data) > LOGO_INPUT_MAX_BYTES:
        raise refusal
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as picture:
                if picture.width * picture.height > LOGO_INPUT_MAX_PIXELS:
                    raise refusal
                picture.load()
                logo = picture.convert("RGBA")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
        raise refusal from None
    logo.thumbnail((LOGO_SIDE, LOGO_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    logo.save(out, format="PNG", optimize=True)
    return out.getvalue()


class LogoStore(Protocol):
    """Where an owner's logo is stored (domain.service.brand.BrandService.set_logo)."""

    async def set_logo(self, owner_id: int, png: bytes) -> Brand: ...


async def save_logo(store: LogoStore, owner_id: int, data: bytes) -> Brand:
    """An owner's picture, from the chat or the Mini App, made the café's logo: prepared by the
    one rule (`prepare_logo`, off the event loop: a large photo takes a while to decode) and
    stored by the one use case, which also has the passes and the café bot's photo follow."""
    return await store.set_logo(owner_id, await asyncio.to_thread(prepare_logo, data))


class LogoSource(Protocol):
    """Where a café's stored logo is read, with its version."""

    async def logo(self, merchant_id: int) -> tuple[int, bytes] | None: ...


class BrandSource(LogoSource, Protocol):
    """Where a café's look is read (domain.service.brand.BrandService)."""

    async def of_merchant(self, merchant_id: int) -> Brand: ...


_logos: OrderedDict[tuple[int, int], Image.Image] = OrderedDict()


def forget_logos() -> None:
    """Empty the cache (a process that moves to another database, as tests do)."""
    _logos.clear()


async def look_of(source: BrandSource, merchant_id: int) -> Look:
    """The café's look; its logo decoded at most once per version in this worker."""
    brand = await source.of_merchant(merchant_id)
    if brand.logo_version == 0:
        return Look.of(brand)
    # changed meanwhile (None): the next picture has it
    return Look.of(brand, await logo_image(source, merchant_id, brand.logo_version))


async def logo_image(source: LogoSource, merchant_id: int, version: int) -> Image.Image | None:
    """The café's logo of this version, decoded at most once per worker (the stored bytes are
    read only when it is not in the cache); None without a logo or when it changed meanwhile."""
    if version == 0:
        return None
    key = (merchant_id, version)
    logo = _logos.get(key)
    if logo is None:
        stored = await source.logo(merchant_id)
        if stored is None or stored[0] != version:
            return None
        with Image.open(io.BytesIO(stored[1])) as picture:
            logo = picture.convert("RGBA")
        _logos[key] = logo
        while len(_logos) > CACHED_LOGOS:
            _logos.popitem(last=False)
    _logos.move_to_end(key)
    return logo


PROFILE_PHOTO_SIDE = 640  # the largest size Telegram shows a profile photo at
# Telegram crops profile photos to a circle: the logo stays inside the square the circle holds.
PROFILE_LOGO_INSET = 0.17


def profile_photo(logo_png: bytes, brand: Brand) -> bytes:
    """The café's logo as its bot's profile photo: centred on the brand colour, as a JPEG (what
    Telegram takes for a static profile photo)."""
    side = PROFILE_PHOTO_SIDE
    image = Image.new("RGB", (side, side), rules.rgb(brand.fill))
    with Image.open(io.BytesIO(logo_png)) as picture:
        logo = picture.convert("RGBA")
    inset = round(side * PROFILE_LOGO_INSET)
    logo = logo.resize(_fitted(logo.size, side - 2 * inset), Image.Resampling.LANCZOS)
    paste_logo(image, logo, (inset, inset, side - inset, side - inset))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` scaled, up or down, to fit a `side` square with its proportions."""
    scale = side / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def paste_logo(image: Image.Image, logo: Image.Image, box: tuple[int, int, int, int]) -> None:
    """The logo fitted and centred in `box` (left, top, right, bottom), transparency kept."""
    left, top, right, bottom = box
    fitted = logo.copy()
    fitted.thumbnail((right - left, bottom - top), Image.Resampling.LANCZOS)
    x = left + (right - left - fitted.width) // 2
    y = top + (bottom - top - fitted.height) // 2
    image.paste(fitted, (x, y), fitted)


# --- stamp symbols ------------------------------------------------------------------------------


def draw_symbol(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    symbol: str,
    colour: RGB,
    *,
    filled: bool,
    glyph_font: object | None = None,
) -> None:
    """One stamp: the drawn icon, filled when collected, outlined when still to come. An emoji
    symbol is drawn as text when `glyph_font` has it (the caller checks), else as a dot."""
    if symbol == "cup":
        _cup(draw, box, colour, filled)
    elif symbol == "star":
        _polygon(draw, _star_points(box), colour, filled)
    elif symbol == "heart":
        _polygon(draw, _heart_points(box), colour, filled)
    elif symbol == "leaf":
        _polygon(draw, _leaf_points(box), colour, filled)
    elif symbol != "dot" and glyph_font is not None:
        left, top, right, bottom = box
        draw.text(
            ((left + right) / 2, (top + bottom) / 2),
            symbol,
            colour if filled else rules.rgb("#c8c8c8"),
            glyph_font,  # type: ignore[arg-type]
            anchor="mm",
        )
    elif filled:
        draw.ellipse(box, fill=colour)
    else:
        draw.ellipse(box, outline=colour, width=5)


def _polygon(
    draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], colour: RGB, filled: bool
) -> None:
    if filled:
        draw.polygon(points, fill=colour)
    else:
        draw.polygon(points, outline=colour, width=4)


def _star_points(box: tuple[int, int, int, int]) -> list[tuple[float, float]]:
    left, top, right, bottom = box
    cx, cy, outer = (left + right) / 2, (top + bottom) / 2 + 2, (right - left) / 2
    inner = outer * 0.45
    return [
        (
            cx + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
            cy - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]


def _heart_points(box: tuple[int, int, int, int]) -> list[tuple[float, float]]:
    left, top, right, bottom = box
    cx, cy, size = (left + right) / 2, (top + bottom) / 2, (right - left) / 34
    points = []
    for step in range(48):
        angle = 2 * math.pi * step / 48
        x = 16 * math.sin(angle) ** 3
        y = 13 * math.cos(angle) - 5 * math.cos(2 * angle) - 2 * math.cos(3 * angle)
        y -= math.cos(4 * angle)
        points.append((cx + x * size, cy - y * size + size))
    return points


def _leaf_points(box: tuple[int, int, int, int]) -> list[tuple[float, float]]:
    left, top, right, bottom = box
    cx, height, width = (left + right) / 2, bottom - top, (right - left) * 0.38
    points = []
    for step in range(33):
        share = step / 32
        points.append((cx + width * math.sin(math.pi * share), top + height * share))
    for step in range(33):
        share = 1 - step / 32
        points.append((cx - width * math.sin(math.pi * share), top + height * share))
    return points


def _cup(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], colour: RGB, filled: bool
) -> None:
    left, top, right, bottom = box
    width = right - left
    body = (left + width * 0.08, top + width * 0.22, right - width * 0.3, bottom - width * 0.1)
    handle = (right - width * 0.42, top + width * 0.34, right - width * 0.02, top + width * 0.7)
    line = 4
    draw.ellipse(handle, outline=colour, width=line)
    if filled:
        draw.rounded_rectangle(body, radius=width * 0.12, fill=colour)
    else:  # on paper, over the handle's inner half
        draw.rounded_rectangle(
            body, radius=width * 0.12, fill=(255, 255, 255), outline=colour, width=line
        )
    saucer = (left, bottom - width * 0.08, right - width * 0.18, bottom)
    draw.rounded_rectangle(saucer, radius=3, fill=colour)
