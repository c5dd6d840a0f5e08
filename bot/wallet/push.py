"""Telling devices that a pass changed: an empty push per device, after which the device asks the
web service which passes changed and fetches them."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Sequence
from typing import Protocol

from bot.wallet.config import AppleWalletConfig

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0


class PushSender(Protocol):
    async def push(self, pass_type_id: str, push_tokens: Sequence[str]) -> None:
        """Wake every device holding a pass of this type whose push token is given."""
        ...


class ApnsPushSender:
    """Apple Push Notification service over HTTP/2, authenticated by the pass certificate.

    Needs the `h2` package (httpx's HTTP/2 support); not exercised by the tests, which cannot
    reach Apple.
    """

    def __init__(self, config: AppleWalletConfig) -> None:
        self.config = config

    def _tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        context.load_cert_chain(
            self.config.cert_path, self.config.key_path, self.config.key_password
        )
        return context

    async def push(self, pass_type_id: str, push_tokens: Sequence[str]) -> None:
        import httpx

        if not push_tokens:
            return
        async with httpx.AsyncClient(
            http2=True, verify=self._tls(), timeout=TIMEOUT_SECONDS
        ) as client:
            for token in push_tokens:
                response = await client.post(
                    f"{self.config.apns_url}/3/device/{token}",
                    content=b"{}",
                    headers={"apns-topic": pass_type_id},
                )
                if response.status_code != 200:
                    # 410: the device dropped the pass; it unregisters itself through the service.
                    log.info("APNs answered %s for a pass push", response.status_code)
