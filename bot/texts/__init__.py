"""Rendering: domain results → translated HTML text. The only place with gettext calls (and the
keyboards' labels). User-given names are always escaped here."""

from __future__ import annotations

from html import escape as _escape

from bot.i18n import Translator


def esc(value: object) -> str:
    """Escape user-given text for Telegram's HTML parse mode."""
    return _escape(str(value), quote=False)


def labelled(t: Translator, label: str, value: str) -> str:
    """One "label: value" line of a list; French puts a non-breaking space before the colon."""
    return t.gettext("{label}: {value}", label=label, value=value)
