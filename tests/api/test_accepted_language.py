"""Which of our languages an Accept-Language header prefers (the till API, the Mini App's
page before initData is read)."""

from __future__ import annotations

import pytest

from bot.i18n import accepted_language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("fr-LU, de;q=0.8", "fr"),
        ("de;q=0.5, lb;q=0.9, en", "en"),  # no weight is 1
        ("DE-ch", "de"),
        ("ja, lb;q=0.2", "lb"),  # the first of ours, however low
        ("de;q=0.7, fr;q=0.7", "de"),  # equals: the header's order
        ("ja, *;q=0.5", None),
        ("fr;q=0, en;q=nan, de;q=2, lb;q=x", None),  # refused or unreadable weights
        ("", None),
        (None, None),
    ],
)
def test_the_preferred_language_of_ours(header: str | None, language: str | None) -> None:
    assert accepted_language(header) == language
