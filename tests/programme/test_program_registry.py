"""The /program menu's registry: every offered value is one the domain takes, every setting
has words in four languages, and a setting missing from the registry still shows."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, translator
from bot.texts import program as program_texts
from bot.texts import setting_registry
from domain.program import SETTING_KEYS, ProgramSettings, apply_setting

DEFAULTS = ProgramSettings()


@pytest.mark.parametrize("key", SETTING_KEYS)
def test_every_offered_value_is_taken_by_the_domain(key: str) -> None:
    view = setting_registry.view_of(key)
    for choice in view.choices:
        apply_setting(DEFAULTS, key, choice)  # raises if a button offered a refused value
    assert view.choices or key in ("reward", "points_reward_text"), key


def test_the_registry_names_only_settings_the_domain_has() -> None:
    assert set(setting_registry.SETTINGS) <= set(SETTING_KEYS)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_label_is_translated(language: str) -> None:
    english, other = translator("en"), translator(language)
    same = [
        k
        for k in SETTING_KEYS
        if setting_registry.label(english, k) == setting_registry.label(other, k)
    ]
    assert same == []


def test_a_setting_without_an_entry_shows_its_key_and_raw_value() -> None:
    view = setting_registry.view_of("a_new_setting")
    t = translator("fr")
    assert view.label(t) == "a_new_setting"
    assert view.choices == ()
    assert view.shown(t, 25) == "25"
    assert view.shown(t, None) == t.gettext("off")


@pytest.mark.parametrize(
    ("language", "key", "expected"),
    [
        ("en", "cooldown", "Time between stamps: 15 min"),
        ("en", "summary", "Daily summary: 21:00"),
        ("en", "timezone", "Timezone: Europe/Luxembourg"),
        ("en", "points_per_euro", "Points per euro: 1"),
        ("en", "daily_limit", "Stamps per customer per day: 5"),
        ("en", "expiry_days", "Points expire after: 365 days"),
        ("en", "language", "Customers’ and posters’ language: English"),
        ("fr", "cooldown", "Délai entre deux tampons\u00a0: 15 min"),
        ("de", "summary", "Tägliche Zusammenfassung: 21:00"),
        ("lb", "type", "Kaartentyp: Stempelen"),
    ],
)
def test_menu_buttons_read_label_and_value(language: str, key: str, expected: str) -> None:
    assert program_texts.menu_button(translator(language), key, DEFAULTS) == expected
