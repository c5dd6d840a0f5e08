"""What the PassKit web service refuses, over real HTTP on both engines: malformed path
parameters, oversized or forged device logs, and more devices on one pass than a person has."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from bot.wallet.config import AppleWalletConfig
from domain.clock import ManualClock
from domain.db.tables import WalletRegistration
from domain.db.uow import Database
from domain.service import LoyaltyService
from infra.passkit import PassKit, pass_token
from tests.support.wallet import PASS_TYPE_ID, Holder, auth

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
    wallet_card = await service.wallet.issue(holder.card.card_id)
    url = path.format(device=DEVICE, pass_type=PASS_TYPE_ID, serial=wallet_card.serial_number)
    headers = auth(pass_token(apple.secret, wallet_card.card.card_id))
    response = await web.request(method, url, json={"pushToken": PUSH_TOKEN}, headers=headers)
    assert response.status_code == status


async def test_a_push_token_with_control_characters_is_refused(
    service: LoyaltyService, apple: AppleWalletConfig, holder: Holder, web: httpx.AsyncClient
) -> None:
    wallet_card = await service.wallet.issue(holder.card.card_id)
    url = f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}/{wallet_card.serial_number}"
    headers = auth(pass_token(apple.secret, wallet_card.card.card_id))
    for push_token in ("ab\x00cd", "ab\ncd", "", 42):
        response = await web.post(url, json={"pushToken": push_token}, headers=headers)
        assert response.status_code == 400, push_token
    listing = await web.get(f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}")
    assert listing.status_code == 204  # nothing was registered


def device_log_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "bot.wallet.apple_web"]


async def test_a_device_log_cannot_forge_log_lines(
    web: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.wallet.apple_web")
    forged = "pass failed\n2026-01-13 09:00:00 CRITICAL root: database lost\r\x1b[31m\\n\u2028"
    response = await web.post("/v1/log", json={"logs": [forged]})
    assert response.status_code == 200
    [record] = device_log_lines(caplog)
    assert record.levelno == logging.INFO
    message = record.getMessage()
    assert message == (
        "apple wallet device log: pass failed\\n2026-01-13 09:00:00 CRITICAL root: "
        "database lost\\r\\x1b[31m\\\\n\\u2028"
    )
    assert message.isprintable()


async def test_device_logs_are_capped_in_number_and_length(
    web: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.wallet.apple_web")
    logs = ["x" * 2000, *(f"line {n}" for n in range(49))]
    assert (await web.post("/v1/log", json={"logs": logs})).status_code == 200
    messages = [record.getMessage() for record in device_log_lines(caplog)]
    assert len(messages) == 20
    assert messages[0] == "apple wallet device log: " + "x" * 500
    assert messages[-1] == "apple wallet device log: line 18"


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b"{}", b'{"logs": "a string"}', b'{"logs": [1, 2]}', b'{"logs": [{}]}'],
)
async def test_a_device_log_of_another_shape_is_refused(
    web: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    caplog.set_level(logging.INFO, logger="bot.wallet.apple_web")
    response = await web.post("/v1/log", content=body)
    assert response.status_code == 400
    assert device_log_lines(caplog) == []


async def test_a_device_log_over_16_kib_is_refused(
    web: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.wallet.apple_web")
    body = b'{"logs": ["' + b"x" * (16 * 1024) + b'"]}'
    assert (await web.post("/v1/log", content=body)).status_code == 413

    async def chunked() -> AsyncIterator[bytes]:  # no Content-Length to go by
        for start in range(0, len(body), 1024):
            yield body[start : start + 1024]

    assert (await web.post("/v1/log", content=chunked())).status_code == 413
    assert device_log_lines(caplog) == []


async def test_a_pass_is_registered_on_at_most_20_devices(
    service: LoyaltyService, apple: AppleWalletConfig, holder: Holder, web: httpx.AsyncClient
) -> None:
    wallet_card = await service.wallet.issue(holder.card.card_id)
    headers = auth(pass_token(apple.secret, wallet_card.card.card_id))

    def registration(n: int) -> str:
        return f"/v1/devices/device{n:03d}/registrations/{PASS_TYPE_ID}/{wallet_card.serial_number}"

    async def register(n: int) -> int:
        body = {"pushToken": f"{n:064x}"}
        return (await web.post(registration(n), json=body, headers=headers)).status_code

    assert [await register(n) for n in range(20)] == [201] * 20
    assert await register(20) == 403
    assert await register(0) == 200  # a device already holding it may renew its push token
    assert (await web.delete(registration(5), headers=headers)).status_code == 200
    assert await register(20) == 201
    assert await register(21) == 403


async def test_a_change_pushes_to_the_newest_20_registrations_only(
    service: LoyaltyService,
    apple: AppleWalletConfig,
    holder: Holder,
    database: Database,
    clock: ManualClock,
) -> None:
    # Registrations made before there was a cap: more devices than a pass may have now.
    async with database.write() as session:
        session.add_all(
            WalletRegistration(
                device_library_identifier=f"device{n:03d}",
                push_token=f"{n:064x}",
                pass_type_identifier=PASS_TYPE_ID,
                serial_number=holder.card.number,
                created_at=clock.now() + n * timedelta(minutes=1),
            )
            for n in range(30)
        )
    tokens = await PassKit(service.database, service.clock).push_tokens(
        PASS_TYPE_ID, holder.card.number
    )
    assert sorted(tokens) == [f"{n:064x}" for n in range(10, 30)]
