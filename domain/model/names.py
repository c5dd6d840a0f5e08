"""Names and card numbers as people type them, cleaned and checked."""

from __future__ import annotations

from domain import errors

NAME_MAX_LENGTH = 64


def clean_name(raw: str) -> str:
    """A business or store name: trimmed, single-spaced, 1 to 64 characters, printable."""
    name = " ".join(raw.split())
    if not name or len(name) > NAME_MAX_LENGTH or not name.isprintable():
        raise errors.InvalidName(max_length=NAME_MAX_LENGTH)
    return name


def format_card_number(digits: str) -> str:
    """`123456789012` → `1234-5678-9012`."""
    return f"{digits[0:4]}-{digits[4:8]}-{digits[8:12]}"


def normalise_card_number(raw: str) -> str | None:
    """The 12 digits of a card number typed with or without dashes and spaces, else None."""
    compact = "".join(ch for ch in raw if ch not in " -\u00a0")
    if len(compact) == 12 and compact.isascii() and compact.isdigit():
        return compact
    return None


def looks_like_card_number(text: str) -> bool:
    """Exactly the 12 digits a card number is stored as (a wallet pass's serial number)."""
    return normalise_card_number(text) == text
