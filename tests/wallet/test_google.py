"""Google Wallet: the Save link's JWT, and object updates through the REST client against a fake
Google (token endpoint + API) on 127.0.0.1 that checks payloads against the published schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from decimal import Decimal

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.wallet import scan_link
from bot.wallet.config import GoogleWalletConfig
from bot.wallet.google import (
    SAVE_URL,
    GoogleWalletError,
    RestGoogleWalletClient,
    loyalty_object,
    save_url,
)
from domain.service import LoyaltyService
from tests.support.servers import serving
from tests.wallet.conftest import BOT_USERNAME, ISSUER_ID, Holder, ServiceAccount, new_holder
from tests.wallet.fake_google import FakeGoogleWallet, loyalty_object_problems


@pytest.fixture
async def fake_google(service_account: ServiceAccount) -> AsyncIterator[FakeGoogleWallet]:
    fake = FakeGoogleWallet(service_account.client_email, service_account.public_pem)
    async with serving(fake.app()) as url:
        fake.base_url = url
        yield fake


def pointed_at(config: GoogleWalletConfig, fake: FakeGoogleWallet) -> GoogleWalletConfig:
    return replace(config, token_url=fake.token_url, api_url=fake.api_url)


async def test_the_save_link_is_a_jwt_signed_by_the_service_account(
    service: LoyaltyService,
    google: GoogleWalletConfig,
    service_account: ServiceAccount,
    holder: Holder,
) -> None:
    await service.counter.stamp(holder.cashier_id, holder.card.number, 2)
    wallet_card = await service.wallet.issue(holder.card.card_id, None)
    link = scan_link(BOT_USERNAME, holder.card.qr_token)
    url = save_url(google, wallet_card, link, now=1_768_294_800)
    assert url.startswith(SAVE_URL)
    claims = jwt.decode(
        url.removeprefix(SAVE_URL),
        service_account.public_pem,
        algorithms=["RS256"],
        audience="google",
        issuer=service_account.client_email,
        options={"require": ["iss", "aud", "iat", "typ", "payload"]},
    )
    assert claims["typ"] == "savetowallet"
    (loyalty_class,) = claims["payload"]["loyaltyClasses"]
    (loyalty, *others) = claims["payload"]["loyaltyObjects"]
    assert others == []
    assert loyalty_class["id"] == f"{ISSUER_ID}.{holder.card.merchant_id}"
    assert loyalty_class["issuerName"] == "Café Lux"
    assert loyalty_object_problems(loyalty) == []
    assert loyalty["id"] == f"{ISSUER_ID}.{holder.card.card_id}"
    assert loyalty["classId"] == loyalty_class["id"]
    assert loyalty["state"] == "ACTIVE"
    assert loyalty["barcode"] == {
        "type": "QR_CODE",
        "value": link,
        "alternateText": holder.card.display_number,
    }
    assert loyalty["loyaltyPoints"]["balance"] == {"string": "2/10"}
    assert loyalty["accountId"] == holder.card.display_number
    assert loyalty["accountName"] == "Marie"


async def test_a_points_card_carries_an_integer_balance(
    service: LoyaltyService, google: GoogleWalletConfig
) -> None:
    holder = await new_holder(service, type="hybrid", points_per_euro="2")
    await service.counter.earn_points(holder.cashier_id, holder.card.number, Decimal("10"))
    wallet_card = await service.wallet.issue(holder.card.card_id, None)
    loyalty = loyalty_object(google, wallet_card, scan_link(BOT_USERNAME, holder.card.qr_token))
    assert loyalty_object_problems(loyalty) == []
    assert loyalty["loyaltyPoints"]["balance"] == {"string": "0/10"}
    assert loyalty["secondaryLoyaltyPoints"]["balance"] == {"int": 20}


async def test_the_rest_client_patches_a_saved_object(
    service: LoyaltyService,
    google: GoogleWalletConfig,
    holder: Holder,
    fake_google: FakeGoogleWallet,
) -> None:
    client = RestGoogleWalletClient(pointed_at(google, fake_google))
    wallet_card = await service.wallet.issue(holder.card.card_id, None)
    loyalty = loyalty_object(google, wallet_card, scan_link(BOT_USERNAME, holder.card.qr_token))
    assert await client.update_object(loyalty) is False  # never saved by the customer: 404
    fake_google.saved.add(loyalty["id"])

    assert await client.update_object(loyalty) is True
    await service.counter.stamp(holder.cashier_id, holder.card.number)
    wallet_card = await service.wallet.issue(holder.card.card_id, None)
    stamped = loyalty_object(google, wallet_card, scan_link(BOT_USERNAME, holder.card.qr_token))
    assert await client.update_object(stamped) is True

    assert [object_id for object_id, _ in fake_google.patches] == [loyalty["id"]] * 2
    assert fake_google.patches[-1][1]["loyaltyPoints"]["balance"] == {"string": "1/10"}
    assert fake_google.token_requests == 1  # the access token is reused until it expires


async def test_the_fake_refuses_what_google_refuses(
    google: GoogleWalletConfig, fake_google: FakeGoogleWallet
) -> None:
    client = RestGoogleWalletClient(pointed_at(google, fake_google))
    object_id = f"{ISSUER_ID}.1"
    fake_google.saved.add(object_id)
    bad_payloads = [
        {"id": object_id, "classId": f"{ISSUER_ID}.1"},  # no state
        {"id": object_id, "classId": f"{ISSUER_ID}.1", "state": "ACTIVE", "points": 1},
        {
            "id": object_id,
            "classId": f"{ISSUER_ID}.1",
            "state": "ACTIVE",
            "loyaltyPoints": {"balance": {"int": "5"}},
        },
        {
            "id": object_id,
            "classId": f"{ISSUER_ID}.1",
            "state": "ACTIVE",
            "barcode": {"type": "QR", "value": "x"},
        },
    ]
    for payload in bad_payloads:
        with pytest.raises(GoogleWalletError, match="400"):
            await client.update_object(payload)
    assert fake_google.patches == []

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = replace(
        pointed_at(google, fake_google),
        private_key_pem=stranger.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
    )
    with pytest.raises(GoogleWalletError, match="token"):
        await RestGoogleWalletClient(forged).update_object(bad_payloads[0])
