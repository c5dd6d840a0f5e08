"""Reading the Mini App's requests and writing its answers: bodies, fields, fragments."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse

MAX_BODY = 16 * 1024
CARD_LINK = re.compile(r"start=card_([A-Za-z0-9_-]{1,64})")


class BadRequest(Exception):
    """The body is not what the endpoint reads."""


async def read_body(request: Request, limit: int) -> bytes:
    """The body, read no further than `limit` bytes: a larger one is BadRequest (a declared
    length says so before anything is read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadRequest
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadRequest
        chunks.append(chunk)
    return b"".join(chunks)


def tg_html(text: str) -> Markup:
    """Telegram HTML (b, i, code, escaped user text, newlines) as a page fragment."""
    return Markup(text.replace("\n", "<br>"))  # the renderers escape user text


def scanned_reference(text: str) -> str:
    """What the scanner read (a card's t.me link or a typed number) → the card reference."""
    found = CARD_LINK.search(text)
    return found.group(1) if found else text.strip()[:64]


NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def json_answer(payload: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(payload, status_code=status, headers=NO_STORE)


def plain_text(text: str) -> str:
    """Telegram HTML → plain text, for Telegram's native confirmation popups."""
    return unescape(re.sub(r"<[^>]+>", "", text))
