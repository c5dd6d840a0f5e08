"""The OpenAPI 3.1 document, written from the endpoints' declarations and the same pydantic
models that read the bodies and shape the answers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api import models
from api.endpoint import PREFIX, Endpoint

REF = "#/components/schemas/{model}"
_REASONS = {
    400: "The request cannot be read (JSON, headers, a cursor the list did not give).",
    401: "No key, or a key unknown or revoked.",
    403: "The key lacks the scope, or the card (or receipt) is out of its store's reach.",
    404: "No card (or, for a refund, no earning receipt) of this café has that reference.",
    409: "The card's rules refused it (a receipt refunded already, …), or the Idempotency-Key "
    "was used for another request.",
    413: "The body is too large.",
    415: "The body is not sent as application/json.",
    422: "The body does not fit the request, or its values are out of range.",
    429: "Too many requests from this key this minute (`rate_limited`), or too many unknown "
    "cards (`too_many_failed_lookups`): wait Retry-After seconds; nothing was done.",
}
# The codes met most under each status, for the readable page (docs/api.md has them all).
CODES: dict[int, tuple[str, ...]] = {
    400: (
        "invalid_json",
        "idempotency_key_missing",
        "idempotency_key_invalid",
        "invalid_cursor",
        "invalid_query",
    ),
    401: ("unauthorized",),
    403: ("scope_missing", "card_of_other_store", "receipt_of_other_store"),
    404: ("card_not_found", "receipt_not_found"),
    409: (
        "cooldown",
        "daily_limit",
        "reward_ready_redeem_first",
        "receipt_used",
        "receipt_refunded",
        "already_reversed",
        "idempotency_key_reused",
    ),
    413: ("body_too_large",),
    415: ("unsupported_media_type",),
    422: (
        "invalid_body",
        "invalid_query",
        "invalid_stamp_count",
        "invalid_amount",
        "no_points_for_amount",
        "stamps_not_in_program",
        "points_not_in_program",
    ),
    429: ("rate_limited", "too_many_failed_lookups"),
}
EXAMPLE_CARD = "1234-5678-9012"
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the key is heard again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def document(endpoints: tuple[Endpoint, ...], requests_per_minute: int = 0) -> dict[str, Any]:
    """`requests_per_minute`: each key's limit on this server (0: none), said in the info."""
    used: list[type[BaseModel]] = [models.ErrorAnswer]
    for endpoint in endpoints:
        used.append(endpoint.answer)
        if endpoint.body is not None:
            used.append(endpoint.body)
    keys, top = models_json_schema(
        [(m, "validation" if _is_body(m, endpoints) else "serialization") for m in used],
        ref_template=REF,
    )
    refs: dict[Any, str] = {model: keys[(model, mode)]["$ref"] for model, mode in keys}
    paths: dict[str, dict[str, Any]] = {
        "/openapi.json": {
            "get": {
                "summary": "This document.",
                "operationId": "openapi",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1"}},
            }
        },
        "/docs": {
            "get": {
                "summary": "This document as a page to read.",
                "operationId": "docs",
                "security": [],
                "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}},
            }
        },
    }
    for endpoint in endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Loyalty API for tills and tools",
            "version": "1",
            "description": "See docs/api.md: authentication, idempotency, errors."
            + _limit_sentence(requests_per_minute),
        },
        "servers": [{"url": PREFIX}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": top.get("$defs", {}),
        },
    }


def _limit_sentence(requests_per_minute: int) -> str:
    if requests_per_minute <= 0:
        return ""
    return (
        f" Each key may make {requests_per_minute} requests a minute, whichever server "
        "answers them; over that, 429 rate_limited with Retry-After."
    )


def _is_body(model: type[BaseModel], endpoints: tuple[Endpoint, ...]) -> bool:
    return any(e.body is model for e in endpoints)


def _operation(endpoint: Endpoint, refs: dict[Any, str]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = []
    if "{ref}" in endpoint.path:
        parameters.append(
            {
                "name": "ref",
                "in": "path",
                "required": True,
                "description": "A card number in any spacing, the card_… payload of its QR "
                "code, or the whole link (percent-encoded).",
                "schema": {"type": "string", "maxLength": 512, "examples": [EXAMPLE_CARD]},
            }
        )
    if endpoint.query is not None:
        schema = endpoint.query.model_json_schema()
        for name, field in schema["properties"].items():
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in schema.get("required", ()),
                    "description": field.pop("description", ""),
                    "schema": {k: v for k, v in field.items() if k != "title"},
                }
            )
    if endpoint.localised:
        parameters.append(
            {
                "name": "Accept-Language",
                "in": "header",
                "required": False,
                "description": "The language to name the rewards in (en, fr, de or lb, with "
                "q-weights: `fr-LU, de;q=0.8`): each reward's name the owner gave in it, else "
                "the name given. The answer's Content-Language says which was used.",
                "schema": {"type": "string", "maxLength": 256},
            }
        )
    if endpoint.body is not None:
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": True,
                "description": "Your id for this request: the same key with the same body "
                "answers as the first time; with another body, 409.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            }
        )
    responses: dict[str, Any] = {
        "200": {
            "description": "Done.",
            "content": {"application/json": {"schema": {"$ref": refs[endpoint.answer]}}},
        }
    }
    for status in endpoint.refusals:
        responses[str(status)] = {
            "description": _REASONS[status],
            "content": {"application/json": {"schema": {"$ref": refs[models.ErrorAnswer]}}},
            "x-error-codes": list(CODES[status]),
            **({"headers": RETRY_AFTER} if status == 429 else {}),
        }
    operation: dict[str, Any] = {
        "summary": endpoint.summary,
        "description": f"Needs a key with the `{endpoint.scope.value}` scope.",
        "operationId": endpoint.handler.__name__,
        "parameters": parameters,
        "responses": responses,
    }
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": refs[endpoint.body]}}},
        }
    return operation
