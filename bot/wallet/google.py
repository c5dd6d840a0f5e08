"""Google Wallet: the café's loyalty class and the card's loyalty object, written through the
REST API (walletobjects v1) with the service account's OAuth token, and a "Save to Google
Wallet" link that names only the object.

The link is a JWT signed with the service account's key. Carrying the whole class and object in
it would make it grow with the café's name, logo, colours and ladder past the ~1,800 characters
Google accepts in a link; naming an object that already exists keeps it a few hundred long
whatever the card shows.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import OrderedDict
from typing import Any, Protocol
from urllib.parse import quote

import jwt

from bot.wallet.config import GoogleWalletConfig
from bot.wallet.labels import translations
from domain.brand import Brand
from domain.model import Reward, RewardUnit
from domain.program import LANGUAGES
from domain.service import WalletCard

log = logging.getLogger(__name__)

SAVE_URL = "https://pay.google.com/gp/v/save/"
SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer"
TIMEOUT_SECONDS = 10.0
# Showing a card waits this long at most for Google to hold its object: a card is better shown
# at once without the button than late with it.
OFFER_SECONDS = 4.0
REMEMBERED_WRITES = 4096  # classes and objects whose last written content a worker remembers


def class_id(config: GoogleWalletConfig, merchant_id: int) -> str:
    return f"{config.issuer_id}.{merchant_id}"


def object_id(config: GoogleWalletConfig, card_id: int) -> str:
    return f"{config.issuer_id}.{card_id}"


def _localized(label: str) -> dict[str, Any]:
    values = translations(label)
    return {
        "defaultValue": {"language": "en", "value": values["en"]},
        "translatedValues": [
            {"language": language, "value": value}
            for language, value in values.items()
            if language != "en"
        ],
    }


def logo_uri(config: GoogleWalletConfig, merchant_id: int, brand: Brand) -> str | None:
    """The café's own logo where the Mini App serves it publicly (Google fetches it), else the
    operator's default image."""
    if brand.logo_version and config.web_app_url is not None:
        return f"{config.web_app_url}/logo/{merchant_id}/{brand.logo_version}"
    return config.logo_url


def loyalty_class(
    config: GoogleWalletConfig, merchant_id: int, merchant_name: str, brand: Brand
) -> dict[str, Any]:
    """The café as a LoyaltyClass: its name, colour and logo, shared by all its cards."""
    content: dict[str, Any] = {
        "id": class_id(config, merchant_id),
        "issuerName": merchant_name,
        "programName": merchant_name,
        "reviewStatus": "UNDER_REVIEW",
        "hexBackgroundColor": brand.fill,
    }
    logo = logo_uri(config, merchant_id, brand)
    if logo is not None:
        content["programLogo"] = {"sourceUri": {"uri": logo}}
    return content


def card_class(config: GoogleWalletConfig, wallet_card: WalletCard) -> dict[str, Any]:
    card = wallet_card.card
    return loyalty_class(config, card.merchant_id, card.merchant_name, wallet_card.brand)


def _ladder_modules(wallet_card: WalletCard) -> list[dict[str, Any]]:
    """Each ladder the card collects for, as a text module: "8 · Free coffee" per rung."""
    card = wallet_card.card
    modules = []
    for unit, label, shown in (
        (RewardUnit.STAMPS, "Stamps", card.program_type.has_stamps),
        (RewardUnit.POINTS, "Points", card.program_type.has_points),
    ):
        rungs = [reward for reward in card.ladder if reward.unit == unit]
        if shown and rungs:
            modules.append(
                {
                    "id": f"rewards-{unit.value}",
                    "header": label,
                    "localizedHeader": _localized(label),
                    "body": _rungs(rungs, None),
                    "localizedBody": _rung_names(rungs, card.merchant_language),
                }
            )
    return modules


def _rungs(rungs: list[Reward], language: str | None) -> str:
    """One line per rung, named as a reader of `language` reads it (None: the name given)."""
    return "\n".join(f"{rung.cost} · {rung.name_in(language)}" for rung in rungs)


def _rung_names(rungs: list[Reward], given_in: str) -> dict[str, Any]:
    """The rungs in each language Google may show the pass in (the device's): each reward as
    the owner named it in that language, else the name given; the café's own language
    (`given_in`) is the default for devices in any other."""
    return {
        "defaultValue": {"language": given_in, "value": _rungs(rungs, given_in)},
        "translatedValues": [
            {"language": language, "value": _rungs(rungs, language)}
            for language in LANGUAGES
            if language != given_in
        ],
    }


def loyalty_object(
    config: GoogleWalletConfig, wallet_card: WalletCard, scan_link: str
) -> dict[str, Any]:
    """The card as a LoyaltyObject: stamps as "N/T" or points as a number, the rewards, and the
    QR code."""
    card = wallet_card.card
    stamps = {
        "label": "Stamps",
        "localizedLabel": _localized("Stamps"),
        "balance": {"string": f"{card.stamp_count}/{card.stamps_target}"},
    }
    points = {
        "label": "Points",
        "localizedLabel": _localized("Points"),
        "balance": {"int": card.points_balance},
    }
    content: dict[str, Any] = {
        "id": object_id(config, card.card_id),
        "classId": class_id(config, card.merchant_id),
        "state": "ACTIVE" if card.active else "INACTIVE",
        "accountId": card.display_number,
        "accountName": wallet_card.holder_name or card.display_number,
        "barcode": {
            "type": "QR_CODE",
            "value": scan_link,
            "alternateText": card.display_number,
        },
        "loyaltyPoints": stamps if card.program_type.has_stamps else points,
    }
    if card.program_type.has_stamps and card.program_type.has_points:
        content["secondaryLoyaltyPoints"] = points
    modules = _ladder_modules(wallet_card)
    if modules:
        content["textModulesData"] = modules
    return content


def save_url(config: GoogleWalletConfig, wallet_card: WalletCard, *, now: float) -> str:
    """The "Save to Google Wallet" link of an object that exists at Google: its id only, so the
    link stays short however much the card shows."""
    claims = {
        "iss": config.client_email,
        "aud": "google",
        "typ": "savetowallet",
        "iat": int(now),
        "origins": list(config.origins),
        "payload": {"loyaltyObjects": [{"id": object_id(config, wallet_card.card.card_id)}]},
    }
    return SAVE_URL + jwt.encode(claims, config.private_key_pem, algorithm="RS256")


class GoogleWalletClient(Protocol):
    async def put_class(self, loyalty_class: dict[str, Any]) -> None:
        """Insert the class, or patch it when it exists."""
        ...

    async def put_object(self, loyalty_object: dict[str, Any]) -> None:
        """Insert the object, or patch it when it exists."""
        ...

    async def update_class(self, loyalty_class: dict[str, Any]) -> bool:
        """PATCH the class; False when Google has no such class (no card was offered yet)."""
        ...

    async def update_object(self, loyalty_object: dict[str, Any]) -> bool:
        """PATCH the object; False when Google has no such object (its link was never asked
        for)."""
        ...


class GoogleWalletError(Exception):
    """Google's API refused a request or could not be reached. `transient`: Google was down,
    slow or rate-limiting, and the same request may work later; otherwise it never will."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


async def save_link(
    config: GoogleWalletConfig,
    client: GoogleWalletClient,
    wallet_card: WalletCard,
    scan_link: str,
) -> str | None:
    """The card's save link, its class and object created (or brought up to date) first; None
    when Google cannot be reached in time (the card is shown without the button).

    The object is created when its link is first asked for rather than with the card: a customer
    expects the button on every card they look at, also on cards made before Google Wallet was
    configured or never changed since, and Google holds no object for cards nobody offers."""
    try:
        async with asyncio.timeout(OFFER_SECONDS):
            await client.put_class(card_class(config, wallet_card))
            await client.put_object(loyalty_object(config, wallet_card, scan_link))
    except (GoogleWalletError, TimeoutError) as failure:
        log.warning("no Google Wallet link for card %s: %s", wallet_card.card.card_id, failure)
        return None
    return save_url(config, wallet_card, now=time.time())


def _path(resource: str, content: dict[str, Any]) -> str:
    return f"{resource}/{quote(content['id'], safe='')}"


def _fingerprint(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


class RestGoogleWalletClient:
    """Google Wallet's REST API with an OAuth token obtained by a signed JWT assertion (the JWT
    bearer grant). Remembers what it last wrote of each class and object, so showing a card again
    costs no call while nothing on it changed."""

    def __init__(self, config: GoogleWalletConfig) -> None:
        self.config = config
        self._token: str | None = None
        self._token_expires = 0.0
        self._written: OrderedDict[str, str] = OrderedDict()

    async def put_class(self, loyalty_class: dict[str, Any]) -> None:
        await self._put("loyaltyClass", loyalty_class)

    async def put_object(self, loyalty_object: dict[str, Any]) -> None:
        await self._put("loyaltyObject", loyalty_object)

    async def update_class(self, loyalty_class: dict[str, Any]) -> bool:
        return await self._patch("loyaltyClass", loyalty_class)

    async def update_object(self, loyalty_object: dict[str, Any]) -> bool:
        return await self._patch("loyaltyObject", loyalty_object)

    async def _put(self, resource: str, content: dict[str, Any]) -> None:
        key, fingerprint = f"{resource}/{content['id']}", _fingerprint(content)
        if self._written.get(key) == fingerprint:
            return
        status = await self._call("POST", resource, content)
        if status == 409:  # it exists: bring it up to date
            status = await self._call("PATCH", _path(resource, content), content)
        if status != 200:  # a PATCH's 404: deleted between the two calls
            raise GoogleWalletError(f"{resource} {content['id']}: {status}", transient=True)
        self._remember(key, fingerprint)

    async def _patch(self, resource: str, content: dict[str, Any]) -> bool:
        status = await self._call("PATCH", _path(resource, content), content)
        if status == 404:
            return False
        self._remember(f"{resource}/{content['id']}", _fingerprint(content))
        return True

    def _remember(self, key: str, fingerprint: str) -> None:
        self._written[key] = fingerprint
        self._written.move_to_end(key)
        while len(self._written) > REMEMBERED_WRITES:
            self._written.popitem(last=False)

    async def _call(self, method: str, path: str, content: dict[str, Any]) -> int:
        """The answer's status: 200, or the 404 and 409 the callers read; raises on others."""
        import aiohttp

        url = f"{self.config.api_url}/{path}"
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                headers = {"Authorization": f"Bearer {await self._access_token(session)}"}
                async with session.request(method, url, json=content, headers=headers) as response:
                    if response.status in (200, 404, 409):
                        return response.status
                    detail = (await response.text())[:300]
                    raise GoogleWalletError(
                        f"{method} {url}: {response.status} {detail}",
                        transient=response.status == 429 or response.status >= 500,
                    )
        except (aiohttp.ClientError, TimeoutError) as failure:
            raise GoogleWalletError(f"{method} {url}: {failure!r}", transient=True) from None

    async def _access_token(self, session: Any) -> str:
        now = time.time()
        if self._token is not None and now < self._token_expires - 60:
            return self._token
        assertion = jwt.encode(
            {
                "iss": self.config.client_email,
                "scope": SCOPE,
                "aud": self.config.token_url,
                "iat": int(now),
                "exp": int(now) + 3600,
            },
            self.config.private_key_pem,
            algorithm="RS256",
        )
        form = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion}
        async with session.post(self.config.token_url, data=form) as response:
            if response.status != 200:
                raise GoogleWalletError(
                    f"the token endpoint answered {response.status}",
                    transient=response.status >= 500,
                )
            answer = await response.json()
        self._token = str(answer["access_token"])
        self._token_expires = now + float(answer.get("expires_in", 3600))
        return self._token
