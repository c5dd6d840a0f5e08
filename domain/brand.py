"""The café's look: a brand colour, a stamp symbol and a logo, each optional.

The rules that keep any choice readable live here: the colour an owner picks fills bands and
buttons, and whatever is written on it (or in it, as text on the page) must keep a contrast of at
least 4.5:1 (WCAG AA for normal text), in light and dark themes alike. So the owner chooses a
colour, and the product derives the colours it writes with: white or ink on the brand, and the
brand darkened (on paper) or lightened (on a dark theme) until text in it reads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from domain import errors

DEFAULT_COLOUR = "#c0813a"  # the cards' warm brown: what a café without a brand looks like
INK, PAPER = "#222222", "#ffffff"
DARK_BACKGROUND = "#1c1c1e"  # Telegram's dark theme, the darkest a page of ours sits on
READABLE = 4.5  # WCAG AA, normal text

# A few swatches to pick with one tap; any #RRGGBB works too.
SWATCHES: dict[str, str] = {
    "coffee": "#6f4e37",
    "red": "#b3261e",
    "orange": "#e8710a",
    "yellow": "#e0a800",
    "green": "#2e7d32",
    "blue": "#1f5fa8",
    "purple": "#6a3d9a",
    "black": "#222222",
}

# Drawn icons the card can use instead of dots; an emoji is accepted too (drawn where the
# card's font has it, else as the default dot — the chat and the Mini App show it as it is).
ICONS = ("dot", "cup", "star", "heart", "leaf")
DEFAULT_SYMBOL = "dot"
SYMBOL_MAX_CHARACTERS = 8  # one emoji with its modifiers and joiners

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


@dataclass(frozen=True)
class Brand:
    """What a café chose; None where it kept the default."""

    colour: str | None = None  # "#rrggbb"
    symbol: str | None = None  # one of ICONS or an emoji
    logo_version: int = 0  # 0: no logo; bumped by every new logo (a cache key, a URL part)

    @property
    def is_default(self) -> bool:
        return self.colour is None and self.symbol is None and self.logo_version == 0

    @property
    def fill(self) -> str:
        """The colour of bands, progress and main buttons."""
        return self.colour or DEFAULT_COLOUR

    @property
    def on_fill(self) -> str:
        """Text on the brand colour: white or ink, whichever reads better."""
        return text_on(self.fill)

    @property
    def text_on_paper(self) -> str:
        """The brand colour as text on a light page, darkened until it reads."""
        return readable_against(self.fill, PAPER)

    @property
    def text_on_dark(self) -> str:
        """The brand colour as text on a dark theme, lightened until it reads."""
        return readable_against(self.fill, DARK_BACKGROUND)

    @property
    def stamp_symbol(self) -> str:
        return self.symbol or DEFAULT_SYMBOL


def read_colour(text: str) -> str:
    """A swatch's name or a hex colour ("#1f5fa8", "1F5FA8", "#15a") → "#1f5fa8"."""
    word = text.strip().lower()
    if word in SWATCHES:
        return SWATCHES[word]
    return read_hex_colour(text)


def read_hex_colour(text: str) -> str:
    """A hex colour only ("#1f5fa8", "1F5FA8", "#15a") → "#1f5fa8": what a field for a code
    takes, where a word such as "red" is a mistake rather than a swatch's name."""
    match = _HEX.fullmatch(text.strip().lower())
    if match is None:
        raise errors.BadBrandColour(text.strip()[:20])
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(part * 2 for part in digits)
    return f"#{digits.lower()}"


def read_symbol(text: str) -> str:
    """A drawn icon's name, or one emoji (a short run of symbols, no letters or digits)."""
    word = text.strip()
    if word.lower() in ICONS:
        return word.lower()
    if not word or len(word) > SYMBOL_MAX_CHARACTERS or not all(_emoji_part(c) for c in word):
        raise errors.BadBrandSymbol(word[:20])
    if not any(unicodedata.category(c) == "So" for c in word):
        raise errors.BadBrandSymbol(word[:20])
    return word


def _emoji_part(char: str) -> bool:
    """A character an emoji is made of: symbols, modifiers, joiners and variation selectors."""
    return unicodedata.category(char) in {"So", "Sk", "Mn", "Cf"} or char in "\u20e3\ufe0f"


# --- contrast (WCAG 2.x) ----------------------------------------------------------------------


def rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(red: float, green: float, blue: float) -> str:
    return "#" + "".join(f"{round(min(255, max(0, part))):02x}" for part in (red, green, blue))


def luminance(colour: str) -> float:
    def linear(part: int) -> float:
        channel = part / 255
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(part) for part in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(background: str) -> str:
    """White or ink on this background, whichever contrasts more; pure black where even ink
    falls short of 4.5:1 (mid-tones: one of white and black always reaches it)."""
    best = PAPER if contrast(PAPER, background) >= contrast(INK, background) else INK
    if contrast(best, background) >= READABLE:
        return best
    return PAPER if contrast(PAPER, background) >= contrast("#000000", background) else "#000000"


def readable_against(colour: str, background: str) -> str:
    """The colour itself if text in it reads on `background`, else the nearest shade toward
    black (on a light background) or white (on a dark one) that does."""
    if contrast(colour, background) >= READABLE:
        return colour
    target = (0, 0, 0) if luminance(background) > 0.5 else (255, 255, 255)
    red, green, blue = rgb(colour)
    for step in range(1, 101):
        share = step / 100
        mixed = _hex(
            red + (target[0] - red) * share,
            green + (target[1] - green) * share,
            blue + (target[2] - blue) * share,
        )
        if contrast(mixed, background) >= READABLE:
            return mixed
    return _hex(*target)


def logo_version_shown(stored: int) -> int:
    """The logo's version as the stored column keeps it: positive while there is a logo; once
    it is removed, the last version negated, so that a later logo is never given a version
    (a cache key, a URL) some worker still holds for an older picture. 0: no logo."""
    return max(stored, 0)


def next_logo_version(stored: int | None) -> int:
    return abs(stored or 0) + 1


def removed_logo_version(stored: int | None) -> int:
    return -abs(stored or 0)
