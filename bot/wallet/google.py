"""Google Wallet: a "Save to Google Wallet" link per card (a JWT signed with the service account's
key, carrying the merchant's loyalty class and the card's loyalty object), and a thin REST client
that updates the object after a balance change."""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol
from urllib.parse import quote

import jwt

from bot.wallet.config import GoogleWalletConfig
from bot.wallet.labels import translations
from domain.service import WalletCard

log = logging.getLogger(__name__)

SAVE_URL = "https://pay.google.com/gp/v/save/"
SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer"
TIMEOUT_SECONDS = 10.0


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


def loyalty_class(config: GoogleWalletConfig, wallet_card: WalletCard) -> dict[str, Any]:
    card = wallet_card.card
    content: dict[str, Any] = {
        "id": class_id(config, card.merchant_id),
        "issuerName": card.merchant_name,
        "programName": card.merchant_name,
        "reviewStatus": "UNDER_REVIEW",
        "hexBackgroundColor": wallet_card.brand.fill,
    }
    if config.logo_url is not None:
        content["programLogo"] = {"sourceUri": {"uri": config.logo_url}}
    return content


def loyalty_object(
    config: GoogleWalletConfig, wallet_card: WalletCard, scan_link: str
) -> dict[str, Any]:
    """The card as a LoyaltyObject: stamps as "N/T" or points as a number, and the QR code."""
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
    return content


def save_url(
    config: GoogleWalletConfig, wallet_card: WalletCard, scan_link: str, *, now: float
) -> str:
    """The "Save to Google Wallet" link: Google creates the class and the object on saving."""
    claims = {
        "iss": config.client_email,
        "aud": "google",
        "typ": "savetowallet",
        "iat": int(now),
        "origins": [],
        "payload": {
            "loyaltyClasses": [loyalty_class(config, wallet_card)],
            "loyaltyObjects": [loyalty_object(config, wallet_card, scan_link)],
        },
    }
    return SAVE_URL + jwt.encode(claims, config.private_key_pem, algorithm="RS256")


class GoogleWalletClient(Protocol):
    async def update_object(self, loyalty_object: dict[str, Any]) -> bool:
        """PATCH the object; False when Google has no such object (it was never saved)."""
        ...


class GoogleWalletError(Exception):
    """Google's API refused a request or could not be reached."""


class RestGoogleWalletClient:
    """Google Wallet's REST API with an OAuth token obtained by a signed JWT assertion."""

    def __init__(self, config: GoogleWalletConfig) -> None:
        self.config = config
        self._token: str | None = None
        self._token_expires = 0.0

    async def update_object(self, loyalty_object: dict[str, Any]) -> bool:
        import aiohttp

        url = f"{self.config.api_url}/loyaltyObject/{quote(loyalty_object['id'], safe='')}"
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            token = await self._access_token(session)
            headers = {"Authorization": f"Bearer {token}"}
            async with session.patch(url, json=loyalty_object, headers=headers) as response:
                if response.status == 404:
                    return False
                if response.status >= 400:
                    detail = (await response.text())[:300]
                    raise GoogleWalletError(f"PATCH {url}: {response.status} {detail}")
                return True

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
                raise GoogleWalletError(f"token endpoint answered {response.status}")
            answer = await response.json()
        self._token = str(answer["access_token"])
        self._token_expires = now + float(answer.get("expires_in", 3600))
        return self._token
