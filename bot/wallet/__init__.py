"""Apple Wallet and Google Wallet passes for the cards; both optional and off by default.

The bot calls `offer` when it shows a card (a signed .pkpass, and a Save to Google Wallet link once
Google holds the card's object), `card_changed` after a balance change (move the pass's update
tag, push to the devices holding it, patch Google's object) and `brand_changed` after the café's
look or name changed (every pass again, Google's class). Heavy modules load only once a wallet
is configured.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from telegram import InputFile

from bot.links import LinkKind, deep_link
from bot.look import logo_image
from bot.wallet.config import (
    AppleWalletConfig,
    GoogleWalletConfig,
    apple_config,
    google_config,
)
from domain.model import CardView
from domain.service import LoyaltyService
from infra.passkit import PassKit

if TYPE_CHECKING:
    from bot.wallet.apple import ApplePassBuilder
    from bot.wallet.google import GoogleWalletClient
    from bot.wallet.push import PushSender

log = logging.getLogger(__name__)

PKPASS_MIME_TYPE = "application/vnd.apple.pkpass"


def scan_link(bot_username: str, qr_token: str) -> str:
    """What the pass's QR code carries: the link staff scan with the phone camera."""
    return deep_link(bot_username, LinkKind.CARD, qr_token)


@dataclass(frozen=True)
class WalletOffer:
    apple_pass: bytes | None  # a signed .pkpass
    google_save_url: str | None


def pkpass_file(content: bytes) -> InputFile:
    document = InputFile(content, filename="loyalty-card.pkpass")
    document.mimetype = PKPASS_MIME_TYPE
    return document


@cache
def _apple_builder(config: AppleWalletConfig) -> ApplePassBuilder:
    from bot.wallet.apple import ApplePassBuilder

    return ApplePassBuilder(config)


async def offer(service: LoyaltyService, card: CardView, link: str) -> WalletOffer | None:
    """The card's wallet passes, or None when no wallet is configured (or building failed)."""
    try:
        apple, google = apple_config(), google_config()
        if apple is None and google is None:
            return None
        wallet_card = await service.wallet.issue(card.card_id)
        apple_pass = None
        if apple is not None:
            version = wallet_card.brand.logo_version
            logo = await logo_image(service.brand, card.merchant_id, version)
            apple_pass = _apple_builder(apple).build(wallet_card, link, logo)
        google_url = None
        if google is not None:
            from bot.wallet.google import save_link

            google_url = await save_link(google, _google_client(google), wallet_card, link)
        return WalletOffer(apple_pass=apple_pass, google_save_url=google_url)
    except Exception:  # the card itself must still be shown
        log.exception("could not build the wallet passes of card %s", card.card_id)
        return None


class WalletNotifier:
    """After a balance change: new update tag, pushes to Apple devices, Google object update."""

    def __init__(
        self,
        service: LoyaltyService,
        *,
        apple: AppleWalletConfig | None,
        push: PushSender | None,
        google: GoogleWalletConfig | None,
        google_client: GoogleWalletClient | None,
    ) -> None:
        self.service = service
        # The devices holding the passes, over the service's own database and clock.
        self.passkit = PassKit(service.database, service.clock)
        self.apple, self.push = apple, push
        self.google, self.google_client = google, google_client

    async def card_changed(self, card_id: int, username_for: Callable[[int], str]) -> None:
        """`username_for(merchant_id)`: the bot that speaks for the card's café."""
        wallet_card = await self.service.wallet.mark_changed(card_id)
        if self.apple is not None and self.push is not None:
            pass_type = self.apple.pass_type_id
            await self._wake(
                pass_type, await self.passkit.push_tokens(pass_type, wallet_card.serial_number)
            )
        if self.google is not None and self.google_client is not None:
            from bot.wallet.google import loyalty_object

            card = wallet_card.card
            link = scan_link(username_for(card.merchant_id), card.qr_token)
            # False: its link was never asked for; it is created with the card as it is then
            await self.google_client.update_object(loyalty_object(self.google, wallet_card, link))

    async def brand_changed(self, merchant_id: int) -> None:
        """The café's colour or logo changed: every pass of its cards moves to a new update tag
        and the devices holding one are woken to fetch it again."""
        change = await self.service.wallet.mark_merchant_changed(merchant_id)
        if self.apple is not None and self.push is not None:
            pass_type = self.apple.pass_type_id
            await self._wake(
                pass_type, await self.passkit.push_tokens_of_merchant(merchant_id, pass_type)
            )
        if self.google is not None and self.google_client is not None:
            from bot.wallet.google import loyalty_class

            # the café's name, colour and logo are its class's: every saved card follows
            await self.google_client.update_class(
                loyalty_class(self.google, merchant_id, change.merchant_name, change.brand)
            )

    async def _wake(self, pass_type: str, push_tokens: tuple[str, ...]) -> None:
        """Push to the devices holding the changed passes; forget those APNs says are gone."""
        if self.push is None or not push_tokens:
            return
        dead = await self.push.push(pass_type, push_tokens)
        if dead:
            await self.passkit.forget_push_tokens(pass_type, dead)


@cache
def _push_sender(config: AppleWalletConfig) -> PushSender:
    from bot.wallet.push import ApnsPushSender

    return ApnsPushSender(config)


@cache
def _google_client(config: GoogleWalletConfig) -> GoogleWalletClient:
    from bot.wallet.google import RestGoogleWalletClient

    return RestGoogleWalletClient(config)


def enabled() -> bool:
    return apple_config() is not None or google_config() is not None


def _notifier(service: LoyaltyService) -> WalletNotifier | None:
    apple, google = apple_config(), google_config()
    if apple is None and google is None:
        return None
    return WalletNotifier(
        service,
        apple=apple,
        push=None if apple is None or apple.web_service_url is None else _push_sender(apple),
        google=google,
        google_client=None if google is None else _google_client(google),
    )


class WalletsUnavailable(Exception):
    """A wallet could not be reached for now: the outbox tries the refresh again later."""


def _retry_later(failure: Exception) -> bool:
    """Google down, slow or rate-limiting: worth another try (Apple's part is then repeated
    too, an extra empty push after which devices find their pass unchanged)."""
    from bot.wallet.google import GoogleWalletError

    return isinstance(failure, GoogleWalletError) and failure.transient


async def card_changed(
    service: LoyaltyService, card_id: int, username_for: Callable[[int], str]
) -> None:
    """Tell the wallets about a balance change; a no-op unless one is configured. Raises only
    WalletsUnavailable, for the outbox to retry: the balance change has happened whatever the
    wallets say (it runs after the change committed, never in its way)."""
    try:
        notifier = _notifier(service)
        if notifier is not None:
            await notifier.card_changed(card_id, username_for)
    except Exception as failure:
        if _retry_later(failure):
            raise WalletsUnavailable(str(failure)) from failure
        log.exception("could not update the wallet passes of card %s", card_id)


async def brand_changed(service: LoyaltyService, merchant_id: int) -> None:
    """Tell the wallets that a café's look changed; a no-op unless one is configured. Raises
    only WalletsUnavailable, for the outbox to retry: the brand has changed whatever the
    wallets say."""
    try:
        notifier = _notifier(service)
        if notifier is not None:
            await notifier.brand_changed(merchant_id)
    except Exception as failure:
        if _retry_later(failure):
            raise WalletsUnavailable(str(failure)) from failure
        log.exception("could not update the wallet passes of merchant %s", merchant_id)
