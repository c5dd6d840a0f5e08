"""Telegram's `initData`: the signed query string a Mini App receives, checked as Telegram
specifies. It is the only thing that authenticates a request to the Mini App's API.

secret key = HMAC-SHA256(key="WebAppData", message=bot token)
hash       = hex HMAC-SHA256(key=secret key, message=the other fields as sorted "key=value"
             lines joined by "\\n")
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

DEFAULT_MAX_AGE = timedelta(hours=24)
MAX_LENGTH = 8192  # Telegram's initData is a few hundred bytes; anything huge is refused


class InitDataRefused(Exception):
    """The initData is missing, malformed, not signed with this bot's token, or too old."""


@dataclass(frozen=True)
class WebAppUser:
    user_id: int
    first_name: str | None
    username: str | None
    language_code: str | None
    auth_date: datetime


def _secret(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def _check_string(fields: dict[str, str]) -> bytes:
    return "\n".join(f"{k}={v}" for k, v in sorted(fields.items())).encode()


def sign(fields: dict[str, str], token: str) -> str:
    """initData for `fields` signed with `token` (as Telegram makes it; the playground and
    tests use it to stand in for Telegram)."""
    digest = hmac.new(_secret(token), _check_string(fields), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def signed_for(
    user_id: int,
    token: str,
    *,
    now: datetime,
    first_name: str = "",
    username: str | None = None,
    language_code: str | None = None,
) -> str:
    user: dict[str, object] = {"id": user_id, "first_name": first_name}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return sign(
        {
            "auth_date": str(int(now.timestamp())),
            "query_id": f"q{user_id}",
            "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
        },
        token,
    )


def verify(
    init_data: str, token: str, *, now: datetime, max_age: timedelta = DEFAULT_MAX_AGE
) -> WebAppUser:
    """The user the initData was signed for, or InitDataRefused."""
    if not init_data or len(init_data) > MAX_LENGTH:
        raise InitDataRefused("missing or oversized initData")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError as malformed:
        raise InitDataRefused("malformed initData") from malformed
    fields: dict[str, str] = {}
    for key, value in pairs:
        if key in fields:
            raise InitDataRefused(f"duplicated field {key!r}")
        fields[key] = value
    given = fields.pop("hash", None)
    if not given:
        raise InitDataRefused("no hash")
    expected = hmac.new(_secret(token), _check_string(fields), hashlib.sha256).hexdigest()
    # As bytes: compare_digest refuses a str with non-ASCII characters (a forged hash "é").
    if not hmac.compare_digest(expected.encode(), given.lower().encode()):
        raise InitDataRefused("bad signature")
    auth_text = fields.get("auth_date", "")
    if not auth_text.isdigit():
        raise InitDataRefused("no auth_date")
    auth_date = datetime.fromtimestamp(int(auth_text), tz=now.tzinfo)
    if now - auth_date > max_age or auth_date - now > timedelta(minutes=5):
        raise InitDataRefused("stale auth_date")
    try:
        user = json.loads(fields["user"])
        user_id = user["id"]
    except (KeyError, ValueError, TypeError) as malformed:
        raise InitDataRefused("no user") from malformed
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise InitDataRefused("no user")
    return WebAppUser(
        user_id=user_id,
        first_name=_text(user.get("first_name")),
        username=_text(user.get("username")),
        language_code=_text(user.get("language_code")),
        auth_date=auth_date,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
