"""Random identifiers: card numbers, QR tokens, store codes, invite tokens (from a CSPRNG)."""

from __future__ import annotations

import hashlib
import re
import secrets

CARD_NUMBER_DIGITS = 12
STORE_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed
STORE_CODE_LENGTH = 8
QR_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,40}")


def new_card_number() -> str:
    return f"{secrets.randbelow(10**CARD_NUMBER_DIGITS):0{CARD_NUMBER_DIGITS}d}"


def new_qr_token() -> str:
    """32 URL-safe characters (192 bits): `card_<token>` stays well inside a 64-char payload."""
    return secrets.token_urlsafe(24)


def new_invite_token() -> str:
    return secrets.token_urlsafe(24)


def new_store_code() -> str:
    return "".join(secrets.choice(STORE_CODE_ALPHABET) for _ in range(STORE_CODE_LENGTH))


def hash_token(token: str) -> str:
    """Invite tokens are stored hashed: a leaked database does not leak usable links."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_store_code(text: str) -> bool:
    """Only plausible codes reach the database (a NUL byte, say, would upset PostgreSQL)."""
    return len(text) == STORE_CODE_LENGTH and all(ch in STORE_CODE_ALPHABET for ch in text)


def looks_like_qr_token(text: str) -> bool:
    return QR_TOKEN_PATTERN.fullmatch(text) is not None


REFERRAL_CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,16}")


def new_referral_code() -> str:
    """12 URL-safe characters (72 bits): `ref_<code>` is short enough to share by hand."""
    return secrets.token_urlsafe(9)


def looks_like_referral_code(text: str) -> bool:
    return REFERRAL_CODE_PATTERN.fullmatch(text) is not None
