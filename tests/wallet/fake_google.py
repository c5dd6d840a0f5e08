"""A stand-in for Google's OAuth token endpoint and Wallet REST API, served over real HTTP.

It checks what Google checks: a JWT assertion signed by the service account for the token, the
bearer token on API calls, and LoyaltyObject payloads against the published schema (required
fields, field types, enumerations, unknown field names refused) — see
https://developers.google.com/wallet/reference/rest/v1/loyaltyobject.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ID = re.compile(r"^\d+\.[\w.-]+$")
STATES = {"STATE_UNSPECIFIED", "ACTIVE", "COMPLETED", "EXPIRED", "INACTIVE"}
BARCODE_TYPES = {
    "BARCODE_TYPE_UNSPECIFIED", "AZTEC", "CODE_39", "CODE_128", "CODABAR", "DATA_MATRIX",
    "EAN_8", "EAN_13", "ITF_14", "PDF_417", "QR_CODE", "UPC_A", "TEXT_ONLY",
}  # fmt: skip
# Every field of LoyaltyObject (v1); anything else is "Invalid JSON payload: Unknown name".
OBJECT_FIELDS = {
    "kind", "classReference", "accountName", "accountId", "loyaltyPoints", "linkedOfferIds",
    "secondaryLoyaltyPoints", "id", "classId", "version", "state", "barcode", "messages",
    "validTimeInterval", "locations", "hasUsers", "smartTapRedemptionValue", "hasLinkedDevice",
    "disableExpirationNotification", "infoModuleData", "imageModulesData", "textModulesData",
    "linksModuleData", "appLinkData", "rotatingBarcode", "heroImage", "groupingInfo",
    "passConstraints", "saveRestrictions", "linkedObjectIds", "notifyPreference",
    "valueAddedModuleData", "merchantLocations",
}  # fmt: skip
SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer"


def _unknown(where: str, value: dict[str, Any], known: set[str]) -> list[str]:
    return [f"{where}: unknown name {name!r}" for name in value if name not in known]


def _string(where: str, value: object) -> list[str]:
    return [] if isinstance(value, str) else [f"{where}: expected a string"]


def _localized(where: str, value: object) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: expected a LocalizedString"]
    problems = _unknown(where, value, {"kind", "defaultValue", "translatedValues"})
    translated = [value.get("defaultValue"), *(value.get("translatedValues") or [])]
    for each in (t for t in translated if t is not None):
        if not isinstance(each, dict) or set(each) - {"kind", "language", "value"}:
            problems.append(f"{where}: malformed TranslatedString")
        else:
            problems += _string(f"{where}.language", each.get("language"))
            problems += _string(f"{where}.value", each.get("value"))
    return problems


def _points(where: str, value: object) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: expected LoyaltyPoints"]
    problems = _unknown(where, value, {"label", "balance", "localizedLabel"})
    if "label" in value:
        problems += _string(f"{where}.label", value["label"])
    if "localizedLabel" in value:
        problems += _localized(f"{where}.localizedLabel", value["localizedLabel"])
    balance = value.get("balance")
    if not isinstance(balance, dict):
        return [*problems, f"{where}.balance: expected LoyaltyPointsBalance"]
    problems += _unknown(f"{where}.balance", balance, {"string", "int", "double", "money"})
    if len(balance) != 1:
        problems.append(f"{where}.balance: exactly one of string, int, double, money")
    if "string" in balance:
        problems += _string(f"{where}.balance.string", balance["string"])
    if "int" in balance and (
        not isinstance(balance["int"], int)
        or isinstance(balance["int"], bool)
        or not -(2**31) <= balance["int"] < 2**31
    ):
        problems.append(f"{where}.balance.int: expected an int32")
    return problems


def _barcode(value: object) -> list[str]:
    if not isinstance(value, dict):
        return ["barcode: expected a Barcode"]
    known = {"kind", "type", "renderEncoding", "value", "alternateText", "showCodeText"}
    problems = _unknown("barcode", value, known)
    if value.get("type") not in BARCODE_TYPES:
        problems.append(f"barcode.type: {value.get('type')!r} is not a BarcodeType")
    problems += _string("barcode.value", value.get("value"))
    if "alternateText" in value:
        problems += _string("barcode.alternateText", value["alternateText"])
    return problems


def loyalty_object_problems(value: object) -> list[str]:
    """Why Google would refuse this LoyaltyObject; empty when it is valid."""
    if not isinstance(value, dict):
        return ["expected a JSON object"]
    problems = _unknown("LoyaltyObject", value, OBJECT_FIELDS)
    for required in ("id", "classId", "state"):
        if required not in value:
            problems.append(f"{required}: required")
    for name in ("id", "classId"):
        if name in value and not (isinstance(value[name], str) and ID.match(value[name])):
            problems.append(f"{name}: expected <issuer id>.<identifier>")
    if "state" in value and str(value["state"]).upper() not in STATES:
        problems.append(f"state: {value['state']!r} is not a State")
    for name in ("accountId", "accountName"):
        if name in value:
            problems += _string(name, value[name])
    if "barcode" in value:
        problems += _barcode(value["barcode"])
    for name in ("loyaltyPoints", "secondaryLoyaltyPoints"):
        if name in value:
            problems += _points(name, value[name])
    return problems


@dataclass
class FakeGoogleWallet:
    """Token endpoint at /token, API under /walletobjects/v1; objects in `saved` exist."""

    client_email: str
    public_key_pem: bytes
    base_url: str = ""  # set once served: the token's audience is its full URL
    saved: set[str] = field(default_factory=set)
    patches: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    token_requests: int = 0
    _tokens: set[str] = field(default_factory=set)

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/token"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/walletobjects/v1"

    async def token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        try:
            claims = jwt.decode(
                str(form.get("assertion")),
                self.public_key_pem,
                algorithms=["RS256"],
                audience=self.token_url,
                issuer=self.client_email,
                options={"require": ["iss", "aud", "iat", "exp", "scope"]},
            )
        except jwt.PyJWTError as problem:
            return JSONResponse({"error": "invalid_grant", "detail": str(problem)}, 400)
        if claims["scope"] != SCOPE:
            return JSONResponse({"error": "invalid_scope"}, status_code=400)
        self.token_requests += 1
        token = secrets.token_urlsafe(16)
        self._tokens.add(token)
        return JSONResponse({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    async def patch_object(self, request: Request) -> Response:
        header = request.headers.get("authorization", "")
        if header.removeprefix("Bearer ") not in self._tokens:
            return JSONResponse({"error": {"code": 401}}, status_code=401)
        object_id = request.path_params["object_id"]
        body = await request.json()
        problems = loyalty_object_problems(body)
        if body.get("id") != object_id:
            problems.append("id: differs from the resource in the path")
        if problems:
            return JSONResponse({"error": {"code": 400, "message": problems}}, status_code=400)
        if object_id not in self.saved:
            return JSONResponse({"error": {"code": 404}}, status_code=404)
        self.patches.append((object_id, body))
        return JSONResponse(body)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/token", self.token, methods=["POST"]),
                Route(
                    "/walletobjects/v1/loyaltyObject/{object_id}",
                    self.patch_object,
                    methods=["PATCH"],
                ),
            ]
        )
