"""A reward's name per language: the owner's name in the reader's language, else the name given."""

from __future__ import annotations

import pytest

from domain import errors
from domain.db.tables import Reward as RewardRow
from domain.model import Reward, RewardUnit, reward_translations
from domain.service.rewards import name_in_language

COFFEE = Reward(
    1,
    RewardUnit.STAMPS,
    8,
    "Free coffee",
    translations=reward_translations({"lb": "Gratis Kaffi", "fr": "Café offert"}),
)


def test_a_reader_sees_the_name_in_their_language() -> None:
    assert COFFEE.name_in("fr") == "Café offert"
    assert COFFEE.name_in("lb") == "Gratis Kaffi"


@pytest.mark.parametrize("language", ["de", "en", None, "", "es"])
def test_without_a_name_in_the_readers_language_they_see_the_name_given(
    language: str | None,
) -> None:
    assert COFFEE.name_in(language) == "Free coffee"


def test_a_reward_named_once_reads_the_same_in_every_language() -> None:
    cake = Reward(2, RewardUnit.STAMPS, 12, "Cake")
    assert {cake.name_in(language) for language in ("en", "fr", "de", "lb")} == {"Cake"}
    assert cake.translation("fr") is None and COFFEE.translation("fr") == "Café offert"


def test_the_same_names_in_any_order_are_the_same_reward() -> None:
    again = Reward(
        1,
        RewardUnit.STAMPS,
        8,
        "Free coffee",
        translations=reward_translations({"fr": "Café offert", "lb": "Gratis Kaffi"}),
    )
    assert again == COFFEE


def _row(**names: str) -> RewardRow:
    return RewardRow(unit="stamps", cost=8, name="Free coffee", name_translations=dict(names))


def test_a_name_in_a_language_is_cleaned_like_the_name_given() -> None:
    row = _row()
    name_in_language(row, "fr", "  Café   offert ")
    assert row.name_translations == {"fr": "Café offert"}


@pytest.mark.parametrize("bad", ["", "   ", "x" * 101, "Café\x07offert", "Café\u200b"])
def test_a_bad_name_in_a_language_is_refused_and_changes_nothing(bad: str) -> None:
    row = _row(fr="Café offert")
    with pytest.raises(errors.InvalidRewardName):
        name_in_language(row, "de", bad)
    assert row.name_translations == {"fr": "Café offert"}


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(errors.InvalidSettingValue):
        name_in_language(_row(), "es", "Café gratis")


def test_taking_a_name_away_leaves_the_others() -> None:
    row = _row(fr="Café offert", lb="Gratis Kaffi")
    name_in_language(row, "fr", None)
    assert row.name_translations == {"lb": "Gratis Kaffi"}
    name_in_language(row, "de", None)  # none to take away: nothing happens
    assert row.name_translations == {"lb": "Gratis Kaffi"}
