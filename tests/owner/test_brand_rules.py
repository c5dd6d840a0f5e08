"""The café's look (domain/brand.py): what an owner may choose, and that whatever is chosen,
text stays readable (WCAG AA, 4.5:1) on the brand, on paper and on a dark theme."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import errors
from domain.brand import (
    DARK_BACKGROUND,
    DEFAULT_COLOUR,
    PAPER,
    READABLE,
    SWATCHES,
    Brand,
    contrast,
    read_colour,
    read_hex_colour,
    read_symbol,
    text_on,
)


@pytest.mark.parametrize(
    ("typed", "colour"),
    [
        ("blue", SWATCHES["blue"]),
        (" Green ", SWATCHES["green"]),
        ("#1F5FA8", "#1f5fa8"),
        ("1f5fa8", "#1f5fa8"),
        ("#15a", "#1155aa"),
    ],
)
def test_a_colour_is_a_swatch_or_a_hex_code(typed: str, colour: str) -> None:
    assert read_colour(typed) == colour


@pytest.mark.parametrize("typed", ["", "#12", "#1234567", "bleu foncé", "#ggg000", "rgb(1,2,3)"])
def test_anything_else_is_refused(typed: str) -> None:
    with pytest.raises(errors.BadBrandColour):
        read_colour(typed)


@pytest.mark.parametrize("typed", ["#1F5FA8", " 1f5fa8", "#15a"])
def test_a_field_for_a_code_reads_the_code_as_the_swatches_do(typed: str) -> None:
    assert read_hex_colour(typed) == read_colour(typed)


@pytest.mark.parametrize("typed", [*SWATCHES, "Red", "#12345", ""])
def test_a_field_for_a_code_takes_no_swatch_names(typed: str) -> None:
    with pytest.raises(errors.BadBrandColour) as refused:
        read_hex_colour(typed)
    assert refused.value.given == typed.strip()


@pytest.mark.parametrize(
    ("typed", "symbol"),
    [("cup", "cup"), ("Star", "star"), ("☕", "☕"), ("🥐", "🥐"), ("❤️", "❤️"), ("👍🏽", "👍🏽")],
)
def test_a_symbol_is_a_drawn_icon_or_one_emoji(typed: str, symbol: str) -> None:
    assert read_symbol(typed) == symbol


@pytest.mark.parametrize("typed", ["", "abc", "A", "7", "☕☕☕☕☕☕☕☕☕", "-", "🙂x"])
def test_letters_digits_and_long_runs_are_no_symbol(typed: str) -> None:
    with pytest.raises(errors.BadBrandSymbol):
        read_symbol(typed)


def test_without_a_choice_the_defaults_apply() -> None:
    brand = Brand()
    assert brand.is_default and brand.fill == DEFAULT_COLOUR and brand.stamp_symbol == "dot"


@given(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))
def test_text_reads_on_any_brand_colour_in_light_and_dark_themes(colour: str) -> None:
    brand = Brand(colour=colour)
    assert contrast(brand.on_fill, brand.fill) >= READABLE
    assert contrast(brand.text_on_paper, PAPER) >= READABLE
    assert contrast(brand.text_on_dark, DARK_BACKGROUND) >= READABLE
    # The Mini App's dark theme fills with that lighter shade: text on it reads too.
    assert contrast(text_on(brand.text_on_dark), brand.text_on_dark) >= READABLE


def test_a_readable_colour_is_kept_and_a_pale_one_darkened() -> None:
    assert Brand(colour="#1f5fa8").text_on_paper == "#1f5fa8"
    yellow = Brand(colour="#ffe14d")
    assert yellow.text_on_paper != "#ffe14d" and yellow.on_fill == "#222222"
