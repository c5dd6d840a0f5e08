"""Google Wallet: the class and object written through the REST client, and the short Save link
naming only the object, against a fake Google (token endpoint + API) on 127.0.0.1 that checks
the bearer token and the payloads against the published schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from decimal import Decimal

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.wallet import scan_link
from bot.wallet.config import GoogleWalletConfig, google_config
from bot.wallet.google import (
    SAVE_URL,
    GoogleWalletError,
    RestGoogleWalletClient,
    card_class,
    loyalty_object,
    save_link,
)
from domain.model import LADDER_MAX_RUNGS, NAME_MAX_LENGTH, REWARD_NAME_MAX_LENGTH, RewardUnit
from domain.service import LoyaltyService
from tests.support.servers import serving
from tests.support.wallet import (
    BOT_USERNAME,
    DEFAULT_LOGO_URL,
    ISSUER_ID,
    Holder,
    ServiceAccount,
    google_environment,
    new_holder,
)
from tests.wallet.fake_google import FakeGoogleWallet, loyalty_object_problems

LINK_LIMIT = 1_800  # what Google accepts in a Save link, about
WEB_APP_URL = "https://loyalty.example.com/app"


@pytest.fixture
async def fake_google(service_account: ServiceAccount) -> AsyncIterator[FakeGoogleWallet]:
    fake = FakeGoogleWallet(service_account.client_email, service_account.public_pem)
    async with serving(fake.app()) as url:
        fake.base_url = url
        yield fake


def pointed_at(config: GoogleWalletConfig, fake: FakeGoogleWallet) -> GoogleWalletConfig:
    return replace(config, token_url=fake.token_url, api_url=fake.api_url)


def save_claims(url: str, account: ServiceAccount) -> dict[str, object]:
    """The Save link's JWT, verified with the service account's public key."""
    assert url.startswith(SAVE_URL)
    claims: dict[str, object] = jwt.decode(
        url.removeprefix(SAVE_URL),
        account.public_pem,
        algorithms=["RS256"],
        audience="google",
        issuer=account.client_email,
        options={"require": ["iss", "aud", "iat", "typ", "payload"]},
    )
    assert claims["typ"] == "savetowallet"
    return claims


async def largest_cafe(service: LoyaltyService) -> Holder:
    """A café with the longest allowed names, a logo, a brand colour and both ladders full."""
    holder = await new_holder(service, type="hybrid")
    owner = holder.shop.owner.user_id
    long_name = ("Café " + "Grand-Duché " * 6)[:NAME_MAX_LENGTH]
    assert len(long_name) == NAME_MAX_LENGTH
    await service.merchants.rename(owner, long_name)
    await service.brand.set_colour(owner, "#1f5fa8")
    await service.brand.set_logo(owner, b"\x89PNG a logo")
    for unit, costs in ((RewardUnit.STAMPS, range(1, 10)), (RewardUnit.POINTS, range(1, 10))):
        for cost in costs:
            name = f"{cost} × Kaffi mat Kuch an enger Tas aus dem Lëtzebuerger Atelier " * 3
            await service.rewards.add(owner, cost, name[:REWARD_NAME_MAX_LENGTH], unit)
    ladder = await service.rewards.ladder(owner)
    assert len(ladder.rewards) == 2 * LADDER_MAX_RUNGS
    return holder


async def test_the_link_names_only_the_object_and_stays_short_for_the_largest_card(
    service: LoyaltyService,
    service_account: ServiceAccount,
    fake_google: FakeGoogleWallet,
) -> None:
    holder = await largest_cafe(service)
    environment = google_environment(
        service_account,
        GOOGLE_WALLET_TOKEN_URL=fake_google.token_url,
        GOOGLE_WALLET_API_URL=fake_google.api_url,
        WEB_APP_URL=WEB_APP_URL,
        WEBHOOK_URL="https://hooks.example.com/telegram",
    )
    config = google_config(environment)
    assert config is not None
    wallet_card = await service.wallet.issue(holder.card.card_id)
    link = scan_link(BOT_USERNAME, holder.card.qr_token)

    url = await save_link(config, RestGoogleWalletClient(config), wallet_card, link)
    assert url is not None
    assert len(url) < LINK_LIMIT / 2, len(url)
    claims = save_claims(url, service_account)
    object_id = f"{ISSUER_ID}.{holder.card.card_id}"
    assert claims["payload"] == {"loyaltyObjects": [{"id": object_id}]}
    assert claims["origins"] == ["https://loyalty.example.com", "https://hooks.example.com"]

    # What the link no longer carries, Google holds: the café's class and the card's object.
    class_id = f"{ISSUER_ID}.{holder.card.merchant_id}"
    assert fake_google.inserts == [("loyaltyClass", class_id), ("loyaltyObject", object_id)]
    cafe = fake_google.classes[class_id]
    assert cafe["issuerName"] == cafe["programName"] == wallet_card.card.merchant_name
    assert len(wallet_card.card.merchant_name) == NAME_MAX_LENGTH
    assert cafe["hexBackgroundColor"] == "#1f5fa8"
    logo = f"{WEB_APP_URL}/logo/{holder.card.merchant_id}/{wallet_card.brand.logo_version}"
    assert cafe["programLogo"] == {"sourceUri": {"uri": logo}}
    card = fake_google.objects[object_id]
    assert card["classId"] == class_id
    assert card["barcode"]["value"] == link
    assert card["loyaltyPoints"]["balance"] == {"string": "0/10"}
    assert card["secondaryLoyaltyPoints"]["balance"] == {"int": 0}
    bodies = "\n".join(module["body"] for module in card["textModulesData"])
    for reward in wallet_card.card.ladder:
        assert f"{reward.cost} · {reward.name}" in bodies

    # The same card carried whole in the link, as Google's JWT allows, would not fit.
    whole = {
        **claims,
        "payload": {"loyaltyClasses": [cafe], "loyaltyObjects": [card]},
    }
    too_long = SAVE_URL + jwt.encode(whole, config.private_key_pem, algorithm="RS256")
    assert len(too_long) > LINK_LIMIT


async def test_an_existing_class_and_object_are_patched_not_duplicated(
    service: LoyaltyService,
    google: GoogleWalletConfig,
    service_account: ServiceAccount,
    holder: Holder,
    fake_google: FakeGoogleWallet,
) -> None:
    config = pointed_at(google, fake_google)
    link = scan_link(BOT_USERNAME, holder.card.qr_token)
    client = RestGoogleWalletClient(config)
    first = await save_link(config, client, await service.wallet.issue(holder.card.card_id), link)
    assert first is not None
    inserted = list(fake_google.inserts)
    assert len(inserted) == 2

    # Shown again unchanged: the worker knows Google has it as it is, and asks nothing.
    again = await save_link(config, client, await service.wallet.issue(holder.card.card_id), link)
    assert again is not None
    assert fake_google.patches == fake_google.class_patches == []

    # Another worker (nothing remembered), after a stamp: insert answers 409, so it patches.
    await service.counter.stamp(holder.cashier_id, holder.card.number, 3)
    other = RestGoogleWalletClient(config)
    stamped = await service.wallet.issue(holder.card.card_id)
    url = await save_link(config, other, stamped, link)
    assert url is not None
    assert fake_google.inserts == inserted
    assert len(fake_google.objects) == 1 and len(fake_google.classes) == 1
    ((object_id, patched),) = fake_google.patches
    assert object_id == f"{ISSUER_ID}.{holder.card.card_id}"
    assert patched["loyaltyPoints"]["balance"] == {"string": "3/10"}
    assert fake_google.objects[object_id]["loyaltyPoints"]["balance"] == {"string": "3/10"}
    assert [class_id for class_id, _ in fake_google.class_patches] == [
        f"{ISSUER_ID}.{holder.card.merchant_id}"
    ]
    claims = save_claims(url, service_account)
    assert claims["payload"] == {"loyaltyObjects": [{"id": object_id}]}


async def test_without_google_the_card_gets_no_link_and_nothing_waits(
    service: LoyaltyService,
    google: GoogleWalletConfig,
    holder: Holder,
    fake_google: FakeGoogleWallet,
) -> None:
    config = pointed_at(google, fake_google)
    wallet_card = await service.wallet.issue(holder.card.card_id)
    link = scan_link(BOT_USERNAME, holder.card.qr_token)
    fake_google.fail_with = 503
    assert await save_link(config, RestGoogleWalletClient(config), wallet_card, link) is None
    unreachable = replace(config, api_url="http://127.0.0.1:9/walletobjects/v1")
    assert await save_link(config, RestGoogleWalletClient(unreachable), wallet_card, link) is None
    assert fake_google.objects == {}
    # Google back: the link is offered (nothing of the failures was remembered as written).
    fake_google.fail_with = None
    assert await save_link(config, RestGoogleWalletClient(config), wallet_card, link) is not None
    assert list(fake_google.objects) == [f"{ISSUER_ID}.{holder.card.card_id}"]


async def test_a_points_card_carries_an_integer_balance(
    service: LoyaltyService, google: GoogleWalletConfig
) -> None:
    holder = await new_holder(service, type="hybrid", points_per_euro="2")
    await service.counter.earn_points(holder.cashier_id, holder.card.number, Decimal("10"))
    wallet_card = await service.wallet.issue(holder.card.card_id)
    loyalty = loyalty_object(google, wallet_card, scan_link(BOT_USERNAME, holder.card.qr_token))
    assert loyalty_object_problems(loyalty) == []
    assert loyalty["loyaltyPoints"]["balance"] == {"string": "0/10"}
    assert loyalty["secondaryLoyaltyPoints"]["balance"] == {"int": 20}
    assert card_class(google, wallet_card)["programLogo"] == {
        "sourceUri": {"uri": DEFAULT_LOGO_URL}
    }


async def test_the_rest_client_patches_only_an_object_google_has(
    service: LoyaltyService,
    google: GoogleWalletConfig,
    holder: Holder,
    fake_google: FakeGoogleWallet,
) -> None:
    config = pointed_at(google, fake_google)
    client = RestGoogleWalletClient(config)
    wallet_card = await service.wallet.issue(holder.card.card_id)
    link = scan_link(BOT_USERNAME, holder.card.qr_token)
    loyalty = loyalty_object(google, wallet_card, link)
    assert await client.update_object(loyalty) is False  # its link never asked for: 404
    assert await client.update_class(card_class(google, wallet_card)) is False
    await save_link(config, client, wallet_card, link)

    await service.counter.stamp(holder.cashier_id, holder.card.number)
    wallet_card = await service.wallet.issue(holder.card.card_id)
    assert await client.update_object(loyalty_object(google, wallet_card, link)) is True
    assert [object_id for object_id, _ in fake_google.patches] == [loyalty["id"]]
    assert fake_google.patches[-1][1]["loyaltyPoints"]["balance"] == {"string": "1/10"}
    assert fake_google.token_requests == 1  # the access token is reused until it expires


@pytest.mark.integration
async def test_the_fake_refuses_what_google_refuses(
    google: GoogleWalletConfig, fake_google: FakeGoogleWallet
) -> None:
    client = RestGoogleWalletClient(pointed_at(google, fake_google))
    class_id, object_id = f"{ISSUER_ID}.1", f"{ISSUER_ID}.1"
    with pytest.raises(GoogleWalletError, match="400") as refused:  # Google needs a logo
        await client.put_class({"id": class_id, "issuerName": "A", "reviewStatus": "UNDER_REVIEW"})
    assert not refused.value.transient
    with pytest.raises(GoogleWalletError, match="400"):  # no such class
        await client.put_object({"id": object_id, "classId": class_id, "state": "ACTIVE"})
    logo = {"sourceUri": {"uri": DEFAULT_LOGO_URL}}
    await client.put_class(
        {
            "id": class_id,
            "issuerName": "A",
            "programName": "A",
            "reviewStatus": "UNDER_REVIEW",
            "programLogo": logo,
        }
    )
    await client.put_object({"id": object_id, "classId": class_id, "state": "ACTIVE"})
    bad_payloads = [
        {"id": object_id, "classId": class_id},  # no state
        {"id": object_id, "classId": class_id, "state": "ACTIVE", "points": 1},
        {
            "id": object_id,
            "classId": class_id,
            "state": "ACTIVE",
            "loyaltyPoints": {"balance": {"int": "5"}},
        },
        {
            "id": object_id,
            "classId": class_id,
            "state": "ACTIVE",
            "barcode": {"type": "QR", "value": "x"},
        },
        {"id": object_id, "classId": class_id, "state": "ACTIVE", "textModulesData": [{"x": 1}]},
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
