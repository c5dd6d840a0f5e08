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
# Every field of LoyaltyClass (v1).
CLASS_FIELDS = {
    "kind", "programName", "programLogo", "accountNameLabel", "accountIdLabel",
    "rewardsTierLabel", "rewardsTier", "localizedProgramName", "localizedAccountNameLabel",
    "localizedAccountIdLabel", "localizedRewardsTierLabel", "localizedRewardsTier",
    "secondaryRewardsTierLabel", "localizedSecondaryRewardsTierLabel", "secondaryRewardsTier",
    "localizedSecondaryRewardsTier", "discoverableProgram", "classTemplateInfo", "id", "version",
    "issuerName", "messages", "allowMultipleUsersPerObject", "homepageUri", "locations",
    "reviewStatus", "review", "infoModuleData", "imageModulesData", "textModulesData",
    "linksModuleData", "redemptionIssuers", "countryCode", "heroImage", "wordMark",
    "enableSmartTap", "hexBackgroundColor", "localizedIssuerName",
    "multipleDevicesAndHoldersAllowedStatus", "callbackOptions", "securityAnimation",
    "viewUnlockRequirement", "wideProgramLogo", "notifyPreference", "appLinkData",
    "valueAddedModuleData", "merchantLocations",
}  # fmt: skip
REVIEW_STATUSES = {"REVIEW_STATUS_UNSPECIFIED", "UNDER_REVIEW", "APPROVED", "REJECTED", "DRAFT"}
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
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


def _text_modules(value: object) -> list[str]:
    if not isinstance(value, list):
        return ["textModulesData: expected a list"]
    problems = []
    for index, module in enumerate(value):
        where = f"textModulesData[{index}]"
        if not isinstance(module, dict):
            problems.append(f"{where}: expected a TextModuleData")
            continue
        known = {"header", "body", "localizedHeader", "localizedBody", "id"}
        problems += _unknown(where, module, known)
        for name in ("header", "body", "id"):
            if name in module:
                problems += _string(f"{where}.{name}", module[name])
        for name in ("localizedHeader", "localizedBody"):
            if name in module:
                problems += _localized(f"{where}.{name}", module[name])
    return problems


def _image(where: str, value: object) -> list[str]:
    source = value.get("sourceUri") if isinstance(value, dict) else None
    uri = source.get("uri") if isinstance(source, dict) else None
    if not (isinstance(uri, str) and uri.startswith(("https://", "http://"))):
        return [f"{where}.sourceUri.uri: expected a public URL"]
    return []


def loyalty_class_problems(value: object) -> list[str]:
    """Why Google would refuse this LoyaltyClass on insert; empty when it is valid."""
    if not isinstance(value, dict):
        return ["expected a JSON object"]
    problems = _unknown("LoyaltyClass", value, CLASS_FIELDS)
    for required in ("id", "issuerName", "reviewStatus", "programName", "programLogo"):
        if required not in value:
            problems.append(f"{required}: required")
    if "id" in value and not (isinstance(value["id"], str) and ID.match(value["id"])):
        problems.append("id: expected <issuer id>.<identifier>")
    for name in ("issuerName", "programName"):
        if name in value:
            problems += _string(name, value[name])
    if "reviewStatus" in value and value["reviewStatus"] not in REVIEW_STATUSES:
        problems.append(f"reviewStatus: {value['reviewStatus']!r} is not a ReviewStatus")
    colour = value.get("hexBackgroundColor")
    if colour is not None and not (isinstance(colour, str) and HEX_COLOUR.match(colour)):
        problems.append("hexBackgroundColor: expected #rrggbb")
    if "programLogo" in value:
        problems += _image("programLogo", value["programLogo"])
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
    if "textModulesData" in value:
        problems += _text_modules(value["textModulesData"])
    return problems


@dataclass
class FakeGoogleWallet:
    """Token endpoint at /token, API under /walletobjects/v1. Classes and objects are inserted
    (POST, 409 when the id exists; an object's class must exist) and patched (PATCH, 404 when
    it does not); `fail_with` answers every API call with that status (an outage)."""

    client_email: str
    public_key_pem: bytes
    base_url: str = ""  # set once served: the token's audience is its full URL
    classes: dict[str, dict[str, Any]] = field(default_factory=dict)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    inserts: list[tuple[str, str]] = field(default_factory=list)  # (resource, id)
    patches: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # objects'
    class_patches: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    token_requests: int = 0
    fail_with: int | None = None
    refused: int = 0  # calls answered with `fail_with`
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

    def _refused(self, request: Request) -> Response | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer ") or header.removeprefix("Bearer ") not in self._tokens:
            return JSONResponse({"error": {"code": 401}}, status_code=401)
        if self.fail_with is not None:
            self.refused += 1
            return JSONResponse({"error": {"code": self.fail_with}}, status_code=self.fail_with)
        return None

    def _store(self, resource: str) -> dict[str, dict[str, Any]] | None:
        return {"loyaltyClass": self.classes, "loyaltyObject": self.objects}.get(resource)

    def _problems(self, resource: str, body: object) -> list[str]:
        if resource == "loyaltyClass":
            return loyalty_class_problems(body)
        return loyalty_object_problems(body)

    async def insert(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        resource = request.path_params["resource"]
        store = self._store(resource)
        if store is None:
            return JSONResponse({"error": {"code": 404}}, status_code=404)
        body = await request.json()
        problems = self._problems(resource, body)
        if resource == "loyaltyObject" and dict(body).get("classId") not in self.classes:
            problems.append("classId: no such class")
        if problems:
            return JSONResponse({"error": {"code": 400, "message": problems}}, status_code=400)
        if body["id"] in store:
            return JSONResponse({"error": {"code": 409, "message": "exists"}}, status_code=409)
        store[body["id"]] = body
        self.inserts.append((resource, body["id"]))
        return JSONResponse(body)

    async def patch(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        resource, resource_id = request.path_params["resource"], request.path_params["id"]
        store = self._store(resource)
        if store is None:
            return JSONResponse({"error": {"code": 404}}, status_code=404)
        body = await request.json()
        problems = self._problems(resource, body)
        if isinstance(body, dict) and body.get("id") != resource_id:
            problems.append("id: differs from the resource in the path")
        if problems:
            return JSONResponse({"error": {"code": 400, "message": problems}}, status_code=400)
        if resource_id not in store:
            return JSONResponse({"error": {"code": 404}}, status_code=404)
        store[resource_id] = store[resource_id] | body
        (self.patches if resource == "loyaltyObject" else self.class_patches).append(
            (resource_id, body)
        )
        return JSONResponse(store[resource_id])

    def app(self) -> Starlette:
        resources = "{resource:str}"
        return Starlette(
            routes=[
                Route("/token", self.token, methods=["POST"]),
                Route(f"/walletobjects/v1/{resources}", self.insert, methods=["POST"]),
                Route(f"/walletobjects/v1/{resources}/{{id:str}}", self.patch, methods=["PATCH"]),
            ]
        )
