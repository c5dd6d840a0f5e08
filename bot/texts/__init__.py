"""Rendering: domain results → translated HTML text. The only place with gettext calls (and the
keyboards' labels). User-given names are always escaped here."""

from __future__ import annotations

from html import escape as _escape


def esc(value: object) -> str:
    """Escape user-given text for Telegram's HTML parse mode."""
    return _escape(str(value), quote=False)
