"""Pushes to Apple devices through the real sender, over real HTTP/2 and TLS with the pass
certificate as client certificate, to a stand-in for APNs on loopback."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.wallet import WalletNotifier
from bot.wallet.config import AppleWalletConfig, apple_config
from bot.wallet.push import ApnsPushSender
from domain.service import LoyaltyService
from infra.passkit import PassKit, pass_token
from tests.support.wallet import (
    BOT_USERNAME,
    PASS_TYPE_ID,
    Holder,
    Pki,
    apple_environment,
    make_pki,
)
from tests.wallet.fake_apns import BAD_TOKEN, BUSY_TOKEN, GONE_TOKEN, FakeApns, fake_apns

LIVE_TOKEN = "d0" * 32


@pytest.fixture
async def apns(pki: Pki, tmp_path: Path) -> AsyncIterator[FakeApns]:
    # Like APNs, it lets in only certificates issued through Apple's WWDR (here: the test PKI's).
    async with fake_apns(tmp_path, client_issuers=[pki.wwdr, pki.ca]) as server:
        yield server


def sender_for(apple: AppleWalletConfig, apns: FakeApns) -> ApnsPushSender:
    return ApnsPushSender(dataclasses.replace(apple, apns_url=apns.url), trusted_ca=apns.server_ca)


async def register(service: LoyaltyService, apple: AppleWalletConfig, holder: Holder) -> None:
    """Four devices hold the card's pass; their push tokens decide what the fake APNs answers."""
    wallet_card = await service.wallet.issue(holder.card.card_id)
    for n, push_token in enumerate((LIVE_TOKEN, GONE_TOKEN, BAD_TOKEN, BUSY_TOKEN)):
        await PassKit(service.database, service.clock).register(
            device=f"device{n}",
            push_token=push_token,
            pass_type=PASS_TYPE_ID,
            serial_number=wallet_card.serial_number,
            token=pass_token(apple.secret, wallet_card.card.card_id),
            secret=apple.secret,
        )


@pytest.mark.integration
async def test_a_push_reaches_apns_over_http2_with_the_pass_certificate(
    apple: AppleWalletConfig, apns: FakeApns
) -> None:
    dead = await sender_for(apple, apns).push(PASS_TYPE_ID, [LIVE_TOKEN])
    assert dead == frozenset()
    [push] = apns.pushes
    assert push.http_version == "2"
    assert (push.method, push.path, push.body) == ("POST", f"/3/device/{LIVE_TOKEN}", b"{}")
    assert push.headers["apns-topic"] == PASS_TYPE_ID


@pytest.mark.integration
async def test_apns_refuses_a_sender_without_the_pass_certificate(
    apple: AppleWalletConfig, apns: FakeApns, tmp_path: Path
) -> None:
    stranger = apple_config(apple_environment(make_pki(tmp_path / "stranger", "Stranger")))
    assert stranger is not None
    with pytest.raises(httpx.TransportError):
        await sender_for(stranger, apns).push(PASS_TYPE_ID, [LIVE_TOKEN])
    assert apns.pushes == []


async def test_devices_apns_calls_gone_are_forgotten_and_other_refusals_logged(
    service: LoyaltyService,
    apple: AppleWalletConfig,
    holder: Holder,
    apns: FakeApns,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.wallet.push")
    await register(service, apple, holder)
    notifier = WalletNotifier(
        service, apple=apple, push=sender_for(apple, apns), google=None, google_client=None
    )
    await notifier.card_changed(holder.card.card_id, BOT_USERNAME)

    pushed = {push.path.rpartition("/")[2] for push in apns.pushes}
    assert pushed == {LIVE_TOKEN, GONE_TOKEN, BAD_TOKEN, BUSY_TOKEN}
    assert {push.http_version for push in apns.pushes} == {"2"}
    # 410 Unregistered and 400 BadDeviceToken drop the registration; a 429 keeps it.
    left = await PassKit(service.database, service.clock).push_tokens(
        PASS_TYPE_ID, holder.card.number
    )
    assert set(left) == {LIVE_TOKEN, BUSY_TOKEN}
    messages = [record.getMessage() for record in caplog.records]
    assert "APNs refused a pass push: 429 TooManyRequests" in messages
    assert not any(token in message for message in messages for token in pushed)
