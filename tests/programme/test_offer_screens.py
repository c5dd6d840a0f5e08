"""The screens of offers and of the messages that bring customers back, in all four languages:
translated, valid Telegram HTML, within limits, names escaped."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.i18n import LANGUAGES, translator
from bot.texts import commands
from bot.texts import offers as texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import ProgramType
from domain.offers import AudienceKind
from domain.service import MerchantChoice, OfferDraft, OfferFigures, OfferPreview, StoreChoice
from tests.codebase.test_screens import CAPTION_LIMIT, MESSAGE_LIMIT, Screen, _check
from tests.support import samples

NASTY = samples.NASTY
DRAFT = OfferDraft(1, NASTY, "Two <for> one & more", None, (StoreChoice(1, NASTY),))
FIGURES = OfferFigures(
    offer_id=1,
    owner_user_id=1,
    merchant_name=NASTY,
    merchant_language="en",
    timezone="Europe/Luxembourg",
    text="Two <for> one & more " * 5,
    audience=AudienceKind.STORE,
    audience_arg=1,
    store_name=NASTY,
    sent_at=samples.WHEN,
    listed=2000,
    delivered=1961,
    blocked=20,
    not_delivered=19,
    unsubscribed=3,
    finished=True,
)
CHOICES = [MerchantChoice(1, NASTY, True, True), MerchantChoice(2, "Bakery", False, False)]


def _preview(audience: AudienceKind, arg: int | None, size: int) -> OfferPreview:
    return OfferPreview(
        DRAFT, audience, arg, NASTY if audience is AudienceKind.STORE else None, size
    )


SCREENS: dict[str, Screen] = {
    "consent question": lambda t: texts.consent_question(t, NASTY),
    "consent given": lambda t: texts.consent_given(t, NASTY),
    "consent refused": lambda t: texts.consent_refused(t, NASTY),
    "choices": lambda t: texts.choices_text(t, CHOICES),
    "which merchant on": lambda t: texts.which_merchant(t, True),
    "which merchant off": lambda t: texts.which_merchant(t, False),
    "offers on": lambda t: texts.offers_changed(t, CHOICES, True),
    "offers off": lambda t: texts.offers_changed(t, CHOICES, False),
    "unsubscribed": lambda t: texts.unsubscribed(t, NASTY),
    "nudges stopped": lambda t: texts.nudges_stopped(t, NASTY),
    "winback": lambda t: texts.winback_text(t, samples.card()),
    "almost stamps": lambda t: texts.almost_there_text(
        t, replace(samples.card(ProgramType.STAMPS), stamp_count=9)
    ),
    "almost points": lambda t: texts.almost_there_text(
        t, replace(samples.card(ProgramType.POINTS), points_balance=95)
    ),
    "offer prompt": texts.offer_prompt,
    "caption too long": lambda t: texts.caption_too_long(t, 950),
    "audience question": texts.audience_question,
    "store question": texts.store_question,
    "preview button": texts.preview_button,
    "not sent": texts.not_sent,
    "report": lambda t: texts.report_text(t, FIGURES),
    "recent offers": lambda t: texts.recent_offers(t, [FIGURES, replace(FIGURES, finished=False)]),
    "no offers yet": lambda t: texts.recent_offers(t, []),
    "usage offers": lambda t: commands.usage(t, "offers"),
    "offer message": lambda t: texts.offer_message(NASTY, "x" * 1000),
}
for kind, arg in (
    (AudienceKind.ALL, None),
    (AudienceKind.STORE, 1),
    (AudienceKind.LAPSED, 30),
    (AudienceKind.NEAR, None),
):
    SCREENS[f"preview {kind}"] = lambda t, k=kind, a=arg: texts.preview_question(
        t, _preview(k, a, 2000)
    )
    SCREENS[f"sending {kind}"] = lambda t, k=kind, a=arg: texts.sending(t, _preview(k, a, 1))
    SCREENS[f"label {kind}"] = lambda t, k=kind, a=arg: texts.audience_label(t, k, a)
LABELS = [texts.unsubscribe_label, texts.stop_label, texts.all_shops_label, texts.send_label]
REFUSALS = [
    errors.OfferLimitReached(1),
    errors.OfferLimitReached(3),
    errors.OfferLimitReached(0),
    errors.InvalidOfferText(1000),
    errors.OfferNotFound(),
    errors.InvalidAudienceDays(1, 3650),
    errors.NoMerchantOfCustomer(),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SCREENS))
def test_offer_screen_renders(language: str, name: str) -> None:
    _check(SCREENS[name](translator(language)), MESSAGE_LIMIT)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_offer_screens_and_buttons_are_translated(language: str) -> None:
    english, other = translator("en"), translator(language)
    skip = {"offer message"}  # the owner's own words, in no language of ours
    screens = {n: s for n, s in SCREENS.items() if n not in skip}
    assert [n for n, s in screens.items() if s(english) == s(other)] == []
    assert [label for label in LABELS if label(english) == label(other)] == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda e: str(e)[:60])
def test_offer_refusal_renders(language: str, refusal: errors.DomainError) -> None:
    _check(refusal_text(translator(language), refusal), MESSAGE_LIMIT)


def test_the_longest_offer_fits_a_message_and_a_short_one_a_caption() -> None:
    _check(texts.offer_message(NASTY, "é" * 1000), MESSAGE_LIMIT)
    assert texts.offer_visible_length("Café", "x" * 1000) == 1005 <= CAPTION_LIMIT
