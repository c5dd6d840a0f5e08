"""The PassKit web service over real HTTP (uvicorn on 127.0.0.1), as an iPhone uses it: register,
ask what changed, fetch the pass, get a push after a stamp, fetch again, unregister, send logs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx

from bot.wallet import WalletNotifier
from bot.wallet.apple import MIME_TYPE
from bot.wallet.config import AppleWalletConfig
from domain.clock import ManualClock
from domain.service import LoyaltyService
from infra.passkit import pass_token
from tests.support.wallet import (
    BOT_USERNAME,
    PASS_TYPE_ID,
    Holder,
    Pki,
    RecordingPushSender,
    auth,
    new_holder,
)
from tests.wallet.test_apple_pass import pass_verifies, unzip

DEVICE = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
PUSH_TOKEN = "f" * 64


def notifier(
    service: LoyaltyService, apple: AppleWalletConfig, push: RecordingPushSender
) -> WalletNotifier:
    return WalletNotifier(service, apple=apple, push=push, google=None, google_client=None)


async def test_a_device_follows_its_pass_through_a_stamp(
    service: LoyaltyService,
    apple: AppleWalletConfig,
    holder: Holder,
    web: httpx.AsyncClient,
    clock: ManualClock,
    pki: Pki,
    tmp_path: Path,
) -> None:
    wallet_card = await service.wallet.issue(holder.card.card_id)
    token, serial = pass_token(apple.secret, wallet_card.card.card_id), wallet_card.serial_number
    registration = f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}/{serial}"
    body = {"pushToken": PUSH_TOKEN}

    assert (await web.post(registration, json=body)).status_code == 401
    assert (
        await web.post(registration, json=body, headers=auth("x" + token[1:]))
    ).status_code == 401
    other_type = f"/v1/devices/{DEVICE}/registrations/pass.other.type/{serial}"
    assert (await web.post(other_type, json=body, headers=auth(token))).status_code == 404
    assert (await web.get(f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}")).status_code == 204
    assert (await web.post(registration, json=body, headers=auth(token))).status_code == 201
    assert (await web.post(registration, json=body, headers=auth(token))).status_code == 200

    listing = await web.get(f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}")
    assert listing.status_code == 200
    assert listing.json()["serialNumbers"] == [serial]
    tag = listing.json()["lastUpdated"]
    since = {"passesUpdatedSince": tag}
    unchanged = await web.get(f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}", params=since)
    assert unchanged.status_code == 204

    pass_url = f"/v1/passes/{PASS_TYPE_ID}/{serial}"
    assert (await web.get(pass_url)).status_code == 401
    assert (await web.get(pass_url, headers=auth(token[::-1]))).status_code == 401
    first = await web.get(pass_url, headers=auth(token))
    assert first.status_code == 200
    assert first.headers["content-type"] == MIME_TYPE
    assert pass_verifies(unzip(first.content), pki.ca, tmp_path / "first")
    last_modified = first.headers["last-modified"]
    not_modified = await web.get(
        pass_url, headers={**auth(token), "If-Modified-Since": last_modified}
    )
    assert not_modified.status_code == 304

    # A stamp within the same second: the pass still gets a new tag and a new date.
    push = RecordingPushSender()
    op = await service.counter.stamp(holder.cashier_id, holder.card.number)
    await notifier(service, apple, push).card_changed(op.card.card_id, BOT_USERNAME)
    assert push.pushes == [(PASS_TYPE_ID, (PUSH_TOKEN,))]

    changed = await web.get(f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}", params=since)
    assert changed.status_code == 200
    assert changed.json()["serialNumbers"] == [serial]
    assert int(changed.json()["lastUpdated"]) > int(tag)
    second = await web.get(pass_url, headers={**auth(token), "If-Modified-Since": last_modified})
    assert second.status_code == 200
    assert second.headers["last-modified"] != last_modified
    assert '"value": "1/10"' in unzip(second.content)["pass.json"].decode()

    unregister_status = (await web.delete(registration, headers=auth(token[:-1]))).status_code
    assert unregister_status == 401
    assert (await web.delete(registration, headers=auth(token))).status_code == 200
    assert (await web.get(f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}")).status_code == 204
    clock.advance(timedelta(minutes=30))
    op = await service.counter.stamp(holder.cashier_id, holder.card.number)
    await notifier(service, apple, push).card_changed(op.card.card_id, BOT_USERNAME)
    assert len(push.pushes) == 1  # nobody to wake any more


async def test_log_and_malformed_requests(
    service: LoyaltyService, apple: AppleWalletConfig, holder: Holder, web: httpx.AsyncClient
) -> None:
    assert (await web.post("/v1/log", json={"logs": ["pass failed to update"]})).status_code == 200
    assert (await web.post("/v1/log", content=b"not json")).status_code == 400
    wallet_card = await service.wallet.issue(holder.card.card_id)
    registration = f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}/{wallet_card.serial_number}"
    headers = auth(pass_token(apple.secret, wallet_card.card.card_id))
    assert (await web.post(registration, json={}, headers=headers)).status_code == 400
    too_long = {"pushToken": "f" * 1000}
    assert (await web.post(registration, json=too_long, headers=headers)).status_code == 400
    listing = f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}"
    bad_tag = await web.get(listing, params={"passesUpdatedSince": "yesterday"})
    assert bad_tag.status_code == 400
    unknown = f"/v1/passes/{PASS_TYPE_ID}/000000000000"
    assert (await web.get(unknown, headers=headers)).status_code == 401


async def test_a_token_opens_only_its_own_pass(
    service: LoyaltyService, apple: AppleWalletConfig, holder: Holder, web: httpx.AsyncClient
) -> None:
    other = await new_holder(service)
    mine = await service.wallet.issue(holder.card.card_id)
    theirs = await service.wallet.issue(other.card.card_id)
    stolen = auth(pass_token(apple.secret, mine.card.card_id))
    assert (
        await web.get(f"/v1/passes/{PASS_TYPE_ID}/{theirs.serial_number}", headers=stolen)
    ).status_code == 401
    registration = f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}/{theirs.serial_number}"
    response = await web.post(registration, json={"pushToken": PUSH_TOKEN}, headers=stolen)
    assert response.status_code == 401
