"""The few words a wallet pass shows, in every language of the bot."""

from __future__ import annotations

from bot.i18n import LANGUAGES, translator


def pass_labels(language: str) -> dict[str, str]:
    """English label → the label in `language` (Apple's pass.strings, Google's translations)."""
    t = translator(language)
    return {
        "Loyalty card": t.pgettext("wallet", "Loyalty card"),
        "Stamps": t.pgettext("wallet", "Stamps"),
        "Points": t.pgettext("wallet", "Points"),
        "Reward": t.pgettext("wallet", "Reward"),
        "Card number": t.pgettext("wallet", "Card number"),
        "Store": t.pgettext("wallet", "Store"),
        "Stamps: %@": t.pgettext("wallet", "Stamps: %@"),
        "Points: %@": t.pgettext("wallet", "Points: %@"),
    }


def translations(label: str) -> dict[str, str]:
    """One English label in every language: {"en": "Stamps", "fr": ..., ...}."""
    return {language: pass_labels(language)[label] for language in LANGUAGES}
