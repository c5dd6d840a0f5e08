"""The API's routes: each reads its request with a model, calls one use case as the key's
merchant, and answers with a model; refusals become api/errors.py's JSON.

Every request carries `Authorization: Bearer <key>`; the key is read from the database each
time (ApiKeyService.authenticate), so a revoked key is refused at once on every worker.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from api import docs_page, models
from api.endpoint import Call, Endpoint
from api.errors import NO_STORE, error_answer, rate_limited_answer, refusal_answer
from api.openapi import document
from bot.context import LoyaltyApplication
from bot.i18n import accepted_language
from bot.links import LinkKind, read_link
from domain import errors
from domain.apikeys import ApiKeyActor, Scope
from domain.service import LoyaltyService
from domain.service.counter_operations import ApiRequest
from infra import ApiRequestLimit, RequestsLimited

MAX_BODY = 16 * 1024
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


def card_reference(ref: str) -> str:
    """A card number in any spacing, the `card_…` payload of its QR code, or the whole link."""
    found = read_link(ref)
    if found is not None and found[0] is LinkKind.CARD:
        return found[1]
    return ref.strip()[:64]


async def get_card(service: LoyaltyService, call: Call) -> Response:
    view = await service.counter.lookup(call.key, call.ref)
    return _answer(models.CardAnswer(card=models.CardOut.of(view, call.language)), _spoken(call))


async def earn(service: LoyaltyService, call: Call) -> Response:
    body = call.body
    assert isinstance(body, models.EarnBody)
    counter = service.counter
    if body.stamps is not None:
        op = await counter.stamp(
            call.key,
            call.ref,
            body.stamps,
            idempotency_key=call.idempotency_key,
            request=call.idempotency,
        )
    else:
        amount = body.purchase
        assert amount is not None
        op = await counter.earn_points(
            call.key,
            call.ref,
            amount,
            # The till's register totals the purchase: no amount is typed, so none is asked about.
            confirmed=True,
            idempotency_key=call.idempotency_key,
            request=call.idempotency,
        )
    answer = models.EarnAnswer(
        operation=models.OperationOut.of(op),
        card=models.CardOut.of(op.card, call.language),
        replayed=op.replayed,
    )
    headers = {"Idempotent-Replayed": "true"} if op.replayed else {}
    return _answer(answer, headers | _spoken(call))


async def redeem(service: LoyaltyService, call: Call) -> Response:
    body = call.body
    assert isinstance(body, models.RedeemBody)
    counter, key, request = service.counter, call.idempotency_key, call.idempotency
    if body.points is not None:
        op = await counter.redeem_points(
            call.key, call.ref, body.points, idempotency_key=key, request=request
        )
    elif body.reward:
        op = await counter.redeem_reward(
            call.key, call.ref, body.reward, idempotency_key=key, request=request
        )
    elif body.unit == "stamps":
        op = await counter.redeem_stamps(call.key, call.ref, idempotency_key=key, request=request)
    else:
        op = await counter.redeem_points(call.key, call.ref, idempotency_key=key, request=request)
    answer = models.RedeemAnswer(
        operation=models.OperationOut.of(op),
        card=models.CardOut.of(op.card, call.language),
        replayed=op.replayed,
    )
    headers = {"Idempotent-Replayed": "true"} if op.replayed else {}
    return _answer(answer, headers | _spoken(call))


async def refund(service: LoyaltyService, call: Call) -> Response:
    body = call.body
    assert isinstance(body, models.RefundBody)
    assert call.idempotency_key is not None and call.idempotency is not None
    assert call.idempotency.request_hash is not None
    done = await service.refunds.refund(
        call.key,
        body.receipt,
        idempotency_key=call.idempotency_key,
        request_hash=call.idempotency.request_hash,
    )
    return _answer(
        models.RefundAnswer.of(done), {"Idempotent-Replayed": "true"} if done.replayed else {}
    )


async def operations(service: LoyaltyService, call: Call) -> Response:
    query = call.query
    assert isinstance(query, models.OperationsQuery)
    page = await service.operations_feed.page(call.key, query.after, query.limit)
    return _answer(models.OperationsAnswer.of(page))


def _spoken(call: Call) -> dict[str, str]:
    """The language the rewards are named in, when the till asked for one of ours."""
    return {"Content-Language": call.language} if call.language else {}


def _answer(model: BaseModel, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(model.model_dump(mode="json"), headers={**NO_STORE, **(headers or {})})


ENDPOINTS = (
    Endpoint(
        "GET",
        "/cards/{ref}",
        "A card: its balances, rewards and where it is valid.",
        Scope.READ,
        models.CardAnswer,
        get_card,
        refusals=(401, 403, 404, 429),
        localised=True,
    ),
    Endpoint(
        "POST",
        "/cards/{ref}/earn",
        "Stamps, or points for a purchase, as at the counter.",
        Scope.EARN,
        models.EarnAnswer,
        earn,
        body=models.EarnBody,
        refusals=(400, 401, 403, 404, 409, 413, 415, 422, 429),
        localised=True,
    ),
    Endpoint(
        "POST",
        "/cards/{ref}/redeem",
        "One of the card's rewards, as the cashier's Redeem: its cost taken off the card.",
        Scope.REDEEM,
        models.RedeemAnswer,
        redeem,
        body=models.RedeemBody,
        refusals=(400, 401, 403, 404, 409, 413, 415, 422, 429),
        localised=True,
    ),
    Endpoint(
        "POST",
        "/refunds",
        "Take back what a receipt earned (and the bonuses it paid), once.",
        Scope.EARN,
        models.RefundAnswer,
        refund,
        body=models.RefundBody,
        refusals=(400, 401, 403, 404, 409, 413, 415, 422, 429),
    ),
    Endpoint(
        "GET",
        "/operations",
        "The café's ledger (a store key: its store's), page by page, for accounting and sync.",
        Scope.READ,
        models.OperationsAnswer,
        operations,
        query=models.OperationsQuery,
        refusals=(400, 401, 403, 422, 429),
    ),
)


class Api:
    """The /api/v1 routes over one running application's use cases."""

    def __init__(self, application: LoyaltyApplication) -> None:
        self._application = application

    @property
    def _service(self) -> LoyaltyService:
        return self._application.bot_data.runtime.service

    @property
    def _limit(self) -> ApiRequestLimit:
        return self._application.bot_data.runtime.infra.api_requests

    def routes(self) -> list[Route]:
        async def openapi(_: Request) -> Response:
            return JSONResponse(document(ENDPOINTS, self._limit.per_minute), headers=NO_STORE)

        async def docs(request: Request) -> Response:
            origin = f"{request.url.scheme}://{request.url.netloc}"
            page = docs_page.render(document(ENDPOINTS, self._limit.per_minute), origin)
            return HTMLResponse(
                page, headers={**NO_STORE, "Content-Security-Policy": docs_page.PAGE_POLICY}
            )

        routes = [
            Route("/openapi.json", openapi, methods=["GET"]),
            Route("/docs", docs, methods=["GET"]),
        ]
        for endpoint in ENDPOINTS:
            routes.append(
                Route(endpoint.route_path, self._handle(endpoint), methods=[endpoint.method])
            )
        return routes

    def _handle(self, endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
        async def handle(request: Request) -> Response:
            try:
                return await self._call(endpoint, request)
            except errors.DomainError as refusal:
                return refusal_answer(refusal)
            except BadRequest as bad:
                return error_answer(bad.status, bad.code, bad.message, **bad.data)
            except RequestsLimited as limited:
                return rate_limited_answer(limited.limit, limited.retry_after)

        return handle

    async def _call(self, endpoint: Endpoint, request: Request) -> Response:
        key = await self._authenticate(request)
        await self._limit.count(key.key_id)  # before anything is read or done
        key.require(endpoint.scope)  # before reading the body: a read-only key hears 403
        ref = card_reference(str(request.path_params.get("ref", "")))
        body = None
        idempotency = None
        ledger_key = None
        if endpoint.body is not None:
            _require_json(request)
            raw = await _read_body(request)
            body = _parse(endpoint.body, raw)
            header = request.headers.get("idempotency-key")
            if header is None:
                raise BadRequest(400, "idempotency_key_missing", "Send an Idempotency-Key header.")
            if not IDEMPOTENCY_KEY.match(header):
                raise BadRequest(
                    400,
                    "idempotency_key_invalid",
                    "An Idempotency-Key is 1 to 255 printable ASCII characters.",
                )
            ledger_key = _ledger_key(key, header)
            idempotency = ApiRequest(
                request_hash=_request_hash(endpoint, ref, body),
                receipt=getattr(body, "receipt", None),
            )
        query = None
        if endpoint.query is not None:
            query = _parse_query(endpoint.query, request)
        call = Call(
            key=key,
            ref=ref,
            body=body,
            idempotency=idempotency,
            idempotency_key=ledger_key,
            query=query,
            language=accepted_language(request.headers.get("accept-language"))
            if endpoint.localised
            else None,
        )
        return await endpoint.handler(self._service, call)

    async def _authenticate(self, request: Request) -> ApiKeyActor:
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise errors.ApiKeyRefused()
        return await self._service.api_keys.authenticate(secret.strip())


class BadRequest(Exception):
    """A request the API cannot read: nothing was done."""

    def __init__(self, status: int, code: str, message: str, **data: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.data = status, code, message, data


def _require_json(request: Request) -> None:
    """A body is JSON and says so: a form or text (curl -d without its header) is refused
    before it is read, rather than guessed at."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        raise BadRequest(
            415, "unsupported_media_type", "Send the body as JSON, Content-Type: application/json."
        )


async def _read_body(request: Request) -> bytes:
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise BadRequest(413, "body_too_large", f"A body is at most {MAX_BODY} bytes.")
    return raw


def _parse(model: type[BaseModel], raw: bytes) -> BaseModel:
    try:
        data = json.loads(raw, object_pairs_hook=_object_once_per_name)
    except (ValueError, RecursionError):
        raise BadRequest(400, "invalid_json", "The body is not JSON.") from None
    try:
        return model.model_validate(data)
    except ValidationError as invalid:
        raise BadRequest(
            422, "invalid_body", "The body does not fit this request.", problems=_problems(invalid)
        ) from None


def _object_once_per_name(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object naming a field twice is ambiguous (parsers keep the first or the last):
    refused rather than guessed."""
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("a name given twice")
    return found


def _parse_query(model: type[BaseModel], request: Request) -> BaseModel:
    params = request.query_params
    repeated = sorted({name for name in params if len(params.getlist(name)) > 1})
    if repeated:
        raise BadRequest(400, "invalid_query", "Give each query parameter once.", names=repeated)
    try:
        return model.model_validate(dict(params))
    except ValidationError as invalid:
        raise BadRequest(
            422,
            "invalid_query",
            "The query does not fit this request.",
            problems=_problems(invalid),
        ) from None


def _problems(invalid: ValidationError) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]}
        for e in invalid.errors(include_url=False, include_input=False)
    ]


def _ledger_key(key: ApiKeyActor, header: str) -> str:
    """The header's key within this API key's own (two tills never meet), sized for the
    ledger's column: `k<key id>.` and 48 hex digits of the header's hash."""
    return f"k{key.key_id}.{hashlib.sha256(header.encode()).hexdigest()[:48]}"


def _request_hash(endpoint: Endpoint, ref: str, body: BaseModel) -> str:
    """The request's fingerprint: what it does, to which card, with which validated body (so
    the same body with its fields in another order is the same request)."""
    canonical = json.dumps(
        [endpoint.method, endpoint.path, ref, body.model_dump(mode="json")], sort_keys=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
