"""Deep links, built and read in one place: `https://t.me/<bot>?start=<kind><value>`.

Every link of a café goes through the bot that speaks for it (its own bot once it has one, else
the platform bot), so a link is always built for a given bot username. The payload is at most
64 characters of A-Za-z0-9_- (Telegram's rule for /start parameters).
"""

from __future__ import annotations

import enum
import re
from urllib.parse import parse_qs, urlparse

PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_VALUE = re.compile(r"^[A-Za-z0-9_-]{1,60}$")


class LinkKind(enum.StrEnum):
    """What a link opens, named by its payload's prefix."""

    JOIN = "join_"  # a store's poster: join its programme
    CARD = "card_"  # a customer's QR code: the card, for a cashier
    STAFF = "staff_"  # an owner's invite: become a cashier
    REFERRAL = "ref_"  # a customer's invitation to a friend


def payload(kind: LinkKind, value: str) -> str:
    text = f"{kind.value}{value}"
    if not PAYLOAD.match(text):
        raise ValueError(f"not a deep-link payload: {text!r}")
    return text


def deep_link(bot_username: str, kind: LinkKind, value: str) -> str:
    return f"https://t.me/{bot_username}?start={payload(kind, value)}"


def bot_link(bot_username: str) -> str:
    """Opens the bot's chat (its Start button when the person never wrote to it)."""
    return f"https://t.me/{bot_username}"


def new_bot_link(manager_username: str, suggested_username: str, suggested_name: str) -> str:
    """Telegram's link that creates a bot managed by the platform bot (Bot API 9.6)."""
    from urllib.parse import quote

    return (
        f"https://t.me/newbot/{manager_username}/{suggested_username}"
        f"?name={quote(suggested_name, safe='')}"
    )


def read_payload(text: str) -> tuple[LinkKind, str] | None:
    """The kind and value of a /start payload, or None for anything else."""
    for kind in LinkKind:
        if text.startswith(kind.value):
            value = text.removeprefix(kind.value)
            return (kind, value) if _VALUE.match(value) else None
    return None


def read_link(text: str) -> tuple[LinkKind, str] | None:
    """A whole t.me link (as a QR code holds it), or a bare payload."""
    text = text.strip()
    if text.startswith(("https://t.me/", "http://t.me/", "t.me/")):
        parsed = urlparse(text if "://" in text else f"https://{text}")
        start = parse_qs(parsed.query).get("start", [""])[0]
        return read_payload(start)
    return read_payload(text)
