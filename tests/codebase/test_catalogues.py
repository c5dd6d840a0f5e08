"""Every catalogue is complete: no empty or fuzzy entry, plurals filled, placeholders kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.i18n import LANGUAGES, LOCALES_DIR, SHORT_NUMBERS, translator

PLACEHOLDER = re.compile(r"\{(\w+)\}")
TAG = re.compile(r"</?([a-z]+)")


def _catalog(language: str):
    path: Path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        return read_po(po, locale=language)


def _template_ids() -> set[object]:
    with (LOCALES_DIR / "messages.pot").open("rb") as pot:
        return {m.id for m in read_po(pot) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_every_message_of_the_template(language: str) -> None:
    catalog = _catalog(language)
    assert {m.id for m in catalog if m.id} >= _template_ids()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_empty_or_fuzzy(language: str) -> None:
    catalog = _catalog(language)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
        if isinstance(message.id, tuple):
            assert len(strings) == catalog.num_plurals, message.id
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_and_html_tags_are_identical_to_the_msgid(language: str) -> None:
    problems = []
    for message in _catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # A singular form may say "a stamp" instead of "{n} stamp"; nothing else may differ.
        allowed = set(PLACEHOLDER.findall(ids[-1]))
        required = set(PLACEHOLDER.findall(ids[0])) - ({"n"} if len(ids) > 1 else set())
        wanted_tags = sorted(TAG.findall(ids[0]))
        for text in strings:
            if not required <= set(PLACEHOLDER.findall(text)) <= allowed:
                problems.append((ids[0], text))
            if sorted(TAG.findall(text)) != wanted_tags:
                problems.append((ids[0], text))
    assert problems == []


def test_template_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    """Every string the code uses is in the template (run scripts/i18n.py after changing texts)."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parents[2]
    in_code = {
        extracted[2]
        for extracted in extract_from_dir(str(root / "bot"), method_map=[("**.py", "python")])
    }
    assert in_code - _template_ids() == set()


# A colon that introduces text or a placeholder ("Clients servis : 3"), not one inside a URL
# ("https://") or a time ("21:00").
_FRENCH_COLON = re.compile(r":(?!//)(?=\s*[{\w<«\"'])")
_SPACES_BEFORE_COLON = (" ", "\u00a0", "\u202f")


def test_french_puts_a_space_before_every_colon() -> None:
    problems = []
    for message in _catalog("fr"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            for colon in _FRENCH_COLON.finditer(text):
                before = text[colon.start() - 1] if colon.start() else ""
                if before.isdigit() and text[colon.end() : colon.end() + 1].isdigit():
                    continue  # a time of day
                if before not in _SPACES_BEFORE_COLON:
                    problems.append(text)
    assert problems == []


def test_french_apostrophes_are_all_the_same_curly_kind() -> None:
    """French typography: one apostrophe, the curly ’, never the straight ' beside it."""
    straight = [
        text
        for message in _catalog("fr")
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
        if "'" in text
    ]
    assert straight == []


def test_french_german_and_luxembourgish_wording_reads_as_proposed() -> None:
    """Issue 22, item 8: offers are distributed (not "remises", discounts), a thank-you that
    is not gendered, a café is an "établissement"; German dative plural, a merchant who misses
    you, stores as "Filialen"; the Luxembourgish n-rule."""
    fr, de, lb = translator("fr"), translator("de"), translator("lb")
    assert fr.gettext("delivered") == "distribuées"
    assert fr.gettext("Not delivered") == "Non distribuées"
    assert fr.gettext("/offers — your recent offers: delivered, blocked, unsubscribed") == (
        "/offers — vos dernières offres : distribuées, bloquées, désabonnements"
    )
    assert fr.gettext(
        "🤝 Thanks for coming to {merchant} through a friend's invitation: +{amount} — now {now}"
    ).startswith("🤝 Merci de votre visite chez {merchant}")
    assert fr.gettext("Works at all our locations.") == "Valable dans tous nos établissements."
    assert fr.gettext("Add a store") == "Ajouter un établissement"
    assert de.gettext(
        "🎂 Saved: {date}. Birthday bonuses come on the day, from 30 days after setting the date."
    ).endswith("ab 30 Tagen nach dem Speichern des Datums.")
    assert de.gettext(
        "We miss you at {merchant}! Your card is waiting for you. See you soon?"
    ).startswith("{merchant} vermisst Sie!")
    assert de.gettext("One card for all stores") == "Eine Karte für alle Filialen"
    assert (
        de.gettext("Works at every store of {merchant}.")
        == "Gilt in allen Filialen von {merchant}."
    )
    assert "Message vun" in lb.gettext("Offers and messages from your shops")
    words = {
        "fr": ("magasin", "remises", "venu chez"),
        "de": ("Wir vermissen", "ab 30 Tage "),
        "lb": ("Messagen vun",),
    }
    found = [
        (language, text)
        for language, avoided in words.items()
        for message in _catalog(language)
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
        if any(word in text for word in avoided)
    ]
    assert found == []
    stores_as_shops = [
        message.string
        for message in _catalog("de")
        if isinstance(message.id, str) and "store" in message.id and "Geschäfte" in message.string
    ]
    assert stores_as_shops == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_short_numbers_are_written_as_babel_writes_them(language: str) -> None:
    t = translator(language)
    for value in (*range(SHORT_NUMBERS), SHORT_NUMBERS, 12345, -1):
        assert t.number(value) == format_decimal(value, locale=t.locale), value
