"""The fonts images draw with, and text that never shows a missing-glyph box.

Words are drawn in DejaVu Sans (it ships with matplotlib, so ë, é, ü, € and the product's own
symbols need no system font). Names typed by owners and customers may hold emoji DejaVu lacks:
those characters are drawn in an emoji font when the machine has one (Debian's fonts-symbola,
which CI installs, or Noto Emoji), and left out otherwise — a box never reaches a printed poster.
"""

from __future__ import annotations

import importlib.util
import logging
from functools import cache
from pathlib import Path

from PIL import ImageDraw, ImageFont

# Monochrome emoji fonts, in order of preference, where Debian puts them.
EMOJI_FONTS = (
    "/usr/share/fonts/truetype/noto/NotoEmoji-Regular.ttf",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola.ttf",
)


@cache
def dejavu_path(name: str) -> str:
    # Found without importing matplotlib: that import takes a second, and a card is drawn
    # for every /card and every join.
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations is not None
    package = Path(spec.submodule_search_locations[0])
    return str(package / "mpl-data" / "fonts" / "ttf" / name)


def _dejavu_name(bold: bool, mono: bool = False) -> str:
    family = "DejaVuSansMono" if mono else "DejaVuSans"
    return f"{family}-Bold.ttf" if bold else f"{family}.ttf"


@cache
def emoji_font_path() -> str | None:
    """The emoji font this machine has, if any."""
    return next((path for path in EMOJI_FONTS if Path(path).is_file()), None)


@cache
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # matplotlib's own dependency

    with TTFont(path, lazy=True) as typeface:
        return frozenset(typeface.getBestCmap())


def _in_dejavu(char: str, bold: bool) -> bool:
    return char.isspace() or ord(char) in _cmap(dejavu_path(_dejavu_name(bold)))


def _in_emoji_font(char: str) -> bool:
    path = emoji_font_path()
    return path is not None and ord(char) in _cmap(path)


def missing_glyphs(text: str, *, bold: bool = False) -> set[str]:
    """The characters of `text` that DejaVu would draw as a box (spaces aside)."""
    return {char for char in text if not _in_dejavu(char, bold)}


def undrawable(text: str, *, bold: bool = False) -> set[str]:
    """The characters no font of this machine has: `runs` leaves them out. Variation selectors
    and joiners draw nothing of their own and are never missed."""
    return {
        char
        for char in text
        if not _in_dejavu(char, bold) and not _in_emoji_font(char) and not _invisible(char)
    }


def _invisible(char: str) -> bool:
    return char in "\u200d\ufe0e\ufe0f" or "\U0001f3fb" <= char <= "\U0001f3ff"


@cache
def font(size: int, *, bold: bool = False, mono: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(dejavu_path(_dejavu_name(bold, mono)), size)


@cache
def _emoji_font(size: int) -> ImageFont.FreeTypeFont | None:
    path = emoji_font_path()
    return None if path is None else ImageFont.truetype(path, size)


def symbol_font(symbol: str, size: int) -> ImageFont.FreeTypeFont | None:
    """A font that draws every character of a stamp symbol (an emoji), or None."""
    if not any(not _in_dejavu(char, False) and not _invisible(char) for char in symbol):
        return font(size)
    emoji = _emoji_font(size)
    drawn = [char for char in symbol if not _invisible(char)]
    if emoji is not None and all(_in_emoji_font(char) for char in drawn):
        return emoji
    return None


def runs(text: str, size: int, *, bold: bool = False) -> list[tuple[str, ImageFont.FreeTypeFont]]:
    """`text` cut into runs of one font each: DejaVu where it has the glyph, else the emoji
    font; characters neither has are left out, so nothing is drawn as a box."""
    pieces: list[tuple[str, ImageFont.FreeTypeFont]] = []
    words, emoji = font(size, bold=bold), _emoji_font(size)
    for char in text:
        if _in_dejavu(char, bold):
            chosen = words
        elif emoji is not None and _in_emoji_font(char):
            chosen = emoji
        else:
            continue
        if pieces and pieces[-1][1] is chosen:
            pieces[-1] = (pieces[-1][0] + char, chosen)
        else:
            pieces.append((char, chosen))
    return pieces


def text_width(text: str, size: int, *, bold: bool = False) -> float:
    return sum(typeface.getlength(piece) for piece, typeface in runs(text, size, bold=bold))


def draw_text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    size: int,
    fill: tuple[int, int, int],
    *,
    bold: bool = False,
) -> None:
    """Draw `text` from its top-left corner, run by run."""
    x, y = xy
    for piece, typeface in runs(text, size, bold=bold):
        draw.text((x, y), piece, fill, typeface)
        x += typeface.getlength(piece)


def draw_centred(
    draw: ImageDraw.ImageDraw,
    y: float,
    text: str,
    size: int,
    fill: tuple[int, int, int],
    *,
    bold: bool = False,
) -> None:
    width = draw.im.size[0]
    draw_text(
        draw, ((width - text_width(text, size, bold=bold)) // 2, y), text, size, fill, bold=bold
    )


def printable(text: str, *, bold: bool = False) -> str:
    """`text` without the characters no font here has (for drawers that pick their own font
    per character, as matplotlib does with a list of families)."""
    gone = undrawable(text, bold=bold)
    return "".join(char for char in text if char not in gone) if gone else text


@cache
def matplotlib_families() -> tuple[str, ...]:
    """The font families matplotlib draws with: DejaVu, then the emoji font when there is one
    (matplotlib falls back family by family, character by character)."""
    path = emoji_font_path()
    if path is None:
        return ("DejaVu Sans",)
    from matplotlib import font_manager

    # The emoji font has no bold: matplotlib says so at every bold title; its regular is meant.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    font_manager.fontManager.addfont(path)
    return ("DejaVu Sans", font_manager.FontProperties(fname=path).get_name())
