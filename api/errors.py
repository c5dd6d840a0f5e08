"""Refusals as the API answers them: one JSON shape, `{"error": {"code", "message", …}}`, a
status code per kind of refusal, the English message the chat would say, and the refusal's
figures (minutes left, the daily limit, …) as fields beside them."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from html import unescape
from typing import Any

from starlette.responses import JSONResponse

from bot.i18n import translator
from bot.texts.refusals import refusal_text
from domain import errors

NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

# A refusal not listed here is a rule of the card that refused the request: 409.
_STATUS: dict[type[errors.DomainError], int] = {
    errors.ApiKeyRefused: 401,
    errors.ApiKeyScopeMissing: 403,
    errors.CardOfOtherStore: 403,
    errors.NotStaff: 403,
    errors.NotYourStore: 403,
    errors.CardNotFound: 404,
    errors.CardInactive: 404,
    errors.RewardNotFound: 404,
    errors.ReceiptNotFound: 404,
    errors.ReceiptOfOtherStore: 403,
    errors.InvalidCursor: 400,
    errors.InvalidStampCount: 422,
    errors.InvalidAmount: 422,
    errors.InvalidPoints: 422,
    errors.NoPointsForAmount: 422,
    errors.StampsNotInProgram: 422,
    errors.PointsNotInProgram: 422,
    errors.TooManyFailedLookups: 429,
}
# Codes that read better than the class's name; the others are its name in snake_case.
_CODES: dict[type[errors.DomainError], str] = {
    errors.ApiKeyRefused: "unauthorized",
    errors.ApiKeyScopeMissing: "scope_missing",
    errors.CooldownActive: "cooldown",
    errors.DailyLimitReached: "daily_limit",
    errors.CardNumberWrongLength: "card_not_found",
    errors.KeyUsedForAnotherCard: "idempotency_key_reused",
    errors.KeyUsedForAnotherRequest: "idempotency_key_reused",
    errors.ReceiptAlreadyUsed: "receipt_used",
    errors.ReceiptRefunded: "receipt_refunded",
}
STATUSES = sorted({*_STATUS.values(), 409})


def status_of(refusal: errors.DomainError) -> int:
    for cls in type(refusal).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return 409


def code_of(refusal: errors.DomainError) -> str:
    cls = type(refusal)
    return _CODES.get(cls) or re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


def error_answer(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **data: Any
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, **data}}
    return JSONResponse(body, status_code=status, headers={**NO_STORE, **(headers or {})})


def rate_limited_answer(limit: int, retry_after: int) -> JSONResponse:
    """A key over its requests of the minute: nothing was read or done."""
    message = (
        f"Too many requests from this key: at most {limit} a minute. "
        f"Try again in {retry_after} seconds."
    )
    headers = {"Retry-After": str(retry_after)}
    return error_answer(429, "rate_limited", message, headers, limit=limit, retry_after=retry_after)


def refusal_answer(refusal: errors.DomainError) -> JSONResponse:
    """The answer to a refusal, in English (the chat's words without their markup)."""
    message = unescape(re.sub(r"<[^>]+>", "", refusal_text(translator("en"), refusal)))
    data: dict[str, object] = {}
    if is_dataclass(refusal):
        data = {f.name: _json(getattr(refusal, f.name)) for f in fields(refusal)}
    headers = {}
    if isinstance(refusal, errors.ApiKeyRefused):
        headers["WWW-Authenticate"] = 'Bearer realm="loyalty"'
    if isinstance(refusal, errors.TooManyFailedLookups):
        headers["Retry-After"] = str(refusal.retry_after_minutes * 60)
    return error_answer(status_of(refusal), code_of(refusal), message, headers, **data)


def _json(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_json(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):  # a value such as a store's choice
        return {f.name: _json(getattr(value, f.name)) for f in fields(value)}
    return value
