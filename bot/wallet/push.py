"""Telling devices that a pass changed: an empty push per device, after which the device asks the
web service which passes changed and fetches them."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.wallet.config import AppleWalletConfig

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0


class PushSender(Protocol):
    async def push(self, pass_type_id: str, push_tokens: Sequence[str]) -> frozenset[str]:
        """Wake every device holding a pass of this type whose push token is given; returns the
        tokens that will never work again (their registrations can go)."""
        ...


def token_is_dead(status: int, reason: str | None) -> bool:
    """410: the device no longer has the pass; 400 BadDeviceToken: not a token of this APNs
    environment. Any other failure may pass (a retry, a later change)."""
    return status == 410 or (status == 400 and reason == "BadDeviceToken")


def _reason(response: httpx.Response) -> str | None:
    """APNs' `{"reason": "..."}` of a refused push, if it sent one."""
    try:
        reason = response.json().get("reason")
    except (ValueError, AttributeError):
        return None
    return reason if isinstance(reason, str) else None


class ApnsPushSender:
    """Apple Push Notification service over HTTP/2, authenticated by the pass certificate (the
    TLS client certificate: Wallet pushes have no token-based authentication).

    `trusted_ca` replaces the system's certificate authorities for APNs' server certificate, for
    a test server or a relay with a private CA; APNs itself is reached with the defaults.
    """

    def __init__(self, config: AppleWalletConfig, *, trusted_ca: Path | None = None) -> None:
        self.config = config
        self.trusted_ca = trusted_ca

    def _tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.trusted_ca)
        context.load_cert_chain(
            self.config.cert_path, self.config.key_path, self.config.key_password
        )
        return context

    async def push(self, pass_type_id: str, push_tokens: Sequence[str]) -> frozenset[str]:
        import httpx

        dead: set[str] = set()
        if not push_tokens:
            return frozenset()
        async with httpx.AsyncClient(
            http1=False, http2=True, verify=self._tls(), timeout=TIMEOUT_SECONDS
        ) as client:
            for token in push_tokens:
                response = await client.post(
                    f"{self.config.apns_url}/3/device/{token}",
                    content=b"{}",
                    headers={"apns-topic": pass_type_id},
                )
                if response.status_code == 200:
                    continue
                reason = _reason(response)
                if token_is_dead(response.status_code, reason):
                    dead.add(token)
                else:  # the token stays out of the log: it addresses a customer's phone
                    log.warning("APNs refused a pass push: %s %s", response.status_code, reason)
        if dead:
            log.info("APNs: %d devices no longer hold the pass; forgetting them", len(dead))
        return frozenset(dead)
