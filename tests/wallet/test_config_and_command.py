"""Wallet settings (off, on, half-set) and `python -m bot wallet apple <card> <file>`."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.wallet.config import apple_config, google_config
from domain.service import LoyaltyService
from tests.support.wallet import (
    BOT_USERNAME,
    Holder,
    Pki,
    ServiceAccount,
    apple_environment,
    google_environment,
)
from tests.wallet.test_apple_pass import pass_verifies, unzip

ROOT = Path(__file__).resolve().parents[2]


def test_nothing_set_means_off() -> None:
    assert apple_config({}) is None
    assert google_config({"WEBHOOK_URL": "https://bot.example.com/telegram"}) is None


def test_half_set_names_what_is_missing(pki: Pki, service_account: ServiceAccount) -> None:
    apple = apple_environment(pki)
    del apple["APPLE_WWDR_CERT"]
    with pytest.raises(ConfigError, match="APPLE_WWDR_CERT"):
        apple_config(apple)
    with pytest.raises(ConfigError, match="GOOGLE_WALLET_KEY_FILE"):
        google_config({"GOOGLE_WALLET_ISSUER_ID": "3388"})
    broken = google_environment(service_account, GOOGLE_WALLET_KEY_FILE=str(pki.ca))
    with pytest.raises(ConfigError, match="GOOGLE_WALLET_KEY_FILE is malformed"):
        google_config(broken)


def test_the_web_service_defaults_to_the_webhook_origin(pki: Pki) -> None:
    environment = apple_environment(pki)
    del environment["WALLET_BASE_URL"], environment["WALLET_SECRET"]
    config = apple_config(environment | {"WEBHOOK_URL": "https://bot.example.com/telegram"})
    assert config is not None
    assert config.web_service_url == "https://bot.example.com/passkit"
    assert config.mount_path == "/passkit"
    assert len(config.secret) == 32  # derived from the pass key when WALLET_SECRET is unset
    polling_only = apple_config(environment)
    assert polling_only is not None and polling_only.web_service_url is None


@pytest.mark.workers
async def test_the_command_writes_a_verifiable_pass(
    service: LoyaltyService, holder: Holder, database_url: str, pki: Pki, tmp_path: Path
) -> None:
    out = tmp_path / "card.pkpass"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("APPLE_", "WALLET_"))},
        **apple_environment(pki),
        "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN-abcdefgh",
        "TELEGRAM_BOT_USERNAME": BOT_USERNAME,
        "DATABASE_URL": database_url,
    }
    arguments = ["wallet", "apple", holder.card.display_number, str(out)]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *arguments, cwd=ROOT, env=environment
    )
    assert await process.wait() == 0
    files = unzip(out.read_bytes())
    assert pass_verifies(files, pki.ca, tmp_path / "check")
    assert json.loads(files["pass.json"])["serialNumber"] == holder.card.number

    arguments[2] = "0000-0000-0000"
    unknown = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *arguments, cwd=ROOT, env=environment
    )
    assert await unknown.wait() == 1
