"""`python -m bot wallet apple <card number> <out.pkpass>`: write one card's signed pass."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from domain import errors

USAGE = "usage: python -m bot wallet apple <card number> <out.pkpass>"


def run_wallet_command(arguments: list[str]) -> int:
    if len(arguments) != 3 or arguments[0] != "apple":
        print(USAGE, file=sys.stderr)
        return 2
    _, card_number, out = arguments
    try:
        settings = load_settings()
        from bot.wallet.config import apple_config

        config = apple_config()
        if config is None:
            raise ConfigError("Apple Wallet is not configured: set APPLE_PASS_TYPE_ID and the rest")
    except ConfigError as problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        content = asyncio.run(_build(settings, card_number))
    except errors.CardNotFound:
        print(f"no card has the number {card_number}", file=sys.stderr)
        return 1
    Path(out).write_bytes(content)
    print(f"wrote {out} ({len(content)} bytes)")
    return 0


async def _build(settings: Settings, card_number: str) -> bytes:
    from bot.look import logo_image
    from bot.wallet import scan_link
    from bot.wallet.apple import ApplePassBuilder
    from bot.wallet.config import apple_config
    from infra.db.standalone import open_wallet

    config = apple_config()
    assert config is not None
    builder = ApplePassBuilder(config)  # loads the certificates first: fail before the database
    username = os.environ.get("TELEGRAM_BOT_USERNAME") or await _bot_username(settings)
    async with open_wallet(settings.database_url) as wallet:
        wallet_card = await wallet.issue_by_number(card_number)
        card = wallet_card.card
        logo = await logo_image(wallet, card.merchant_id, wallet_card.brand.logo_version)
    return builder.build(wallet_card, scan_link(username, card.qr_token), logo)


async def _bot_username(settings: Settings) -> str:
    """The bot's username from Telegram (set TELEGRAM_BOT_USERNAME to work offline)."""
    from telegram import Bot

    async with Bot(settings.token, base_url=settings.api_base_url) as bot:
        return bot.username
