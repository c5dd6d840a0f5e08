"""Every place that shows a reward to a person names it in that person's language: the
customer's notices and card, the card image's rungs, the cashier's redeem question and
buttons, history, reminders, the Mini App's ladder, the poster and the Apple pass."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.i18n import translator
from bot.printing import poster_words
from bot.texts import cards, counter, offers
from bot.wallet.apple import pass_strings
from domain.model import LedgerKind, LedgerLine, ProgramType, Reward, RewardUnit
from domain.program import ProgramSettings
from tests.support import samples
from webapp.rewards import ladder_rows

NAMES = {"fr": "Café offert", "lb": "Gratis Kaffi"}
COFFEE = Reward(1, RewardUnit.STAMPS, 8, "Free coffee", translations=tuple(sorted(NAMES.items())))
CAKE = Reward(2, RewardUnit.STAMPS, 12, "Cake", translations=(("fr", "Gâteau"),))
# What a reader of each language sees: theirs, else the name given.
EXPECTED = {"en": "Free coffee", "fr": "Café offert", "de": "Free coffee", "lb": "Gratis Kaffi"}
LANGUAGES = sorted(EXPECTED)


def _card(stamps: int):
    card = samples.card(ProgramType.STAMPS, stamps=stamps, points=0)
    return replace(card, ladder=(COFFEE, CAKE))


def _others(language: str) -> set[str]:
    return {name for other, name in EXPECTED.items() if name != EXPECTED[language]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_stamp_notice_and_the_card_name_the_reward_in_the_readers_language(
    language: str,
) -> None:
    t = translator(language)
    stamp = replace(samples.operation(LedgerKind.STAMP, stamps=1), card=_card(8))
    shown = [
        counter.customer_notice(t, stamp),  # "your reward is ready: …"
        cards.card_text(t, _card(8)),
        counter.customer_notice(t, replace(stamp, card=_card(5))),  # "5/8 to …"
    ]
    for text in shown:
        assert EXPECTED[language] in text
        assert not any(other in text for other in _others(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_card_image_rungs_name_the_reward_in_the_readers_language(language: str) -> None:
    face = cards.card_face(translator(language), _card(9))
    assert EXPECTED[language] in face.rungs[0].label
    assert ("Gâteau" if language == "fr" else "Cake") in face.rungs[1].label


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cashier_reads_the_reward_in_their_own_language(language: str) -> None:
    t = translator(language)
    assert EXPECTED[language] in counter.redeem_question(t, _card(9), None, COFFEE)
    assert EXPECTED[language] in counter.reward_button(t, COFFEE)
    assert EXPECTED[language] in counter.staff_card_text(t, _card(9))
    redeemed = replace(
        samples.operation(LedgerKind.REDEEM_REWARD, stamps=-8), card=_card(1), reward=COFFEE
    )
    assert EXPECTED[language] in counter.operation_done(t, redeemed)
    assert EXPECTED[language] in counter.customer_notice(t, redeemed)


@pytest.mark.parametrize("language", LANGUAGES)
def test_history_and_the_almost_there_reminder_name_it_in_the_readers_language(
    language: str,
) -> None:
    t = translator(language)
    line = LedgerLine(
        entry_id=1,
        kind=LedgerKind.REDEEM_REWARD,
        stamps_delta=-8,
        points_delta=0,
        stamp_balance_after=0,
        points_balance_after=0,
        amount=None,
        reason=None,
        store_name="Gare",
        created_at=samples.WHEN,
        reward=COFFEE,
    )
    assert EXPECTED[language] in " ".join(cards.history_row(t, _card(0), line))
    assert EXPECTED[language] in offers.almost_there_text(t, _card(7))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_mini_app_ladder_names_each_reward_in_the_readers_language(language: str) -> None:
    rows = ladder_rows(translator(language), _card(9))
    labels = [label for _, label, _ in rows]
    assert any(EXPECTED[language] in label for label in labels)
    assert not any(other in label for label in labels for other in _others(language))


def test_a_bilingual_poster_names_each_reward_in_each_language() -> None:
    settings = ProgramSettings()
    french, german = (
        poster_words(translator(language), settings, (COFFEE, CAKE), "abc", "cafe_bot")
        for language in ("fr", "de")
    )
    assert french.offers == ("8 tampons = Café offert", "12 tampons = Gâteau")
    assert german.offers == ("8 Stempel = Free coffee", "12 Stempel = Cake")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_apple_pass_translates_the_reward_it_shows(language: str) -> None:
    strings = pass_strings(language, _card(3)).decode("utf-16")
    if EXPECTED[language] == COFFEE.name:
        assert '"Free coffee" = "Free coffee";' in strings
    else:
        assert f'"Free coffee" = "{EXPECTED[language]}";' in strings
