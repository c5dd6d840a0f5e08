"""What the PassKit web service refuses, over real HTTP on both engines: malformed path
parameters, oversized or forged device logs, and more devices on one pass than a person has."""

from __future__ import annotations

import httpx
import pytest

from bot.wallet.config import AppleWalletConfig
from domain.service import LoyaltyService
from tests.wallet.conftest import PASS_TYPE_ID, Holder, auth

DEVICE = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
PUSH_TOKEN = "f" * 64


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        # Serial numbers are card numbers: anything else names no pass.
        ("GET", "/v1/passes/{pass_type}/%00", 404),
        ("GET", "/v1/passes/{pass_type}/{serial}%00", 404),
        ("GET", "/v1/passes/{pass_type}/{serial}0", 404),
        ("POST", "/v1/devices/{device}/registrations/{pass_type}/%00", 404),
        ("DELETE", "/v1/devices/{device}/registrations/{pass_type}/%1b{serial}", 404),
        # Device library identifiers: short, printable, no control characters.
        ("GET", "/v1/devices/%00/registrations/{pass_type}", 400),
        ("GET", "/v1/devices/{device}%09/registrations/{pass_type}", 400),
        ("POST", "/v1/devices/%00/registrations/{pass_type}/{serial}", 400),
        ("DELETE", "/v1/devices/%7f{device}/registrations/{pass_type}/{serial}", 400),
        ("POST", "/v1/devices/" + "a" * 129 + "/registrations/{pass_type}/{serial}", 400),
        # Pass type identifiers: only ours.
        ("GET", "/v1/passes/%00/{serial}", 404),
        ("GET", "/v1/devices/{device}/registrations/{pass_type}%00", 404),
    ],
)
async def test_malformed_path_parameters_are_refused_before_the_database(
    service: LoyaltyService,
    apple: AppleWalletConfig,
    holder: Holder,
    web: httpx.AsyncClient,
    method: str,
    path: str,
    status: int,
) -> None:
    wallet_card = await service.wallet.issue(holder.card.card_id, apple.secret)
    url = path.format(device=DEVICE, pass_type=PASS_TYPE_ID, serial=wallet_card.serial_number)
    headers = auth(wallet_card.authentication_token or "")
    response = await web.request(method, url, json={"pushToken": PUSH_TOKEN}, headers=headers)
    assert response.status_code == status


async def test_a_push_token_with_control_characters_is_refused(
    service: LoyaltyService, apple: AppleWalletConfig, holder: Holder, web: httpx.AsyncClient
) -> None:
    wallet_card = await service.wallet.issue(holder.card.card_id, apple.secret)
    url = f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}/{wallet_card.serial_number}"
    headers = auth(wallet_card.authentication_token or "")
    for push_token in ("ab\x00cd", "ab\ncd", "", 42):
        response = await web.post(url, json={"pushToken": push_token}, headers=headers)
        assert response.status_code == 400, push_token
    listing = await web.get(f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}")
    assert listing.status_code == 204  # nothing was registered
