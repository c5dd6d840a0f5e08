"""Wallet settings from the environment. Both wallets are optional: with none of their variables
set they are off; with some but not all, start-up (or the command) names what is missing."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

from bot.config import ConfigError

APPLE_VARIABLES = (
    "APPLE_PASS_TYPE_ID",
    "APPLE_TEAM_ID",
    "APPLE_PASS_CERT",
    "APPLE_PASS_KEY",
    "APPLE_WWDR_CERT",
)
GOOGLE_VARIABLES = ("GOOGLE_WALLET_ISSUER_ID", "GOOGLE_WALLET_KEY_FILE")
DEFAULT_WEB_SERVICE_PATH = "/passkit"
DEFAULT_APNS_URL = "https://api.push.apple.com"
DEFAULT_GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
DEFAULT_GOOGLE_API_URL = "https://walletobjects.googleapis.com/walletobjects/v1"


@dataclass(frozen=True)
class AppleWalletConfig:
    pass_type_id: str
    team_id: str
    cert_path: Path
    key_path: Path
    cert_pem: bytes
    key_pem: bytes
    key_password: bytes | None
    wwdr_pem: bytes
    web_service_url: str | None  # where devices reach the PassKit web service; None: static
    secret: bytes  # derives the passes' authentication tokens
    apns_url: str = DEFAULT_APNS_URL

    @property
    def mount_path(self) -> str:
        """The path under which the web service's /v1/... routes live."""
        return urlparse(self.web_service_url or "").path.rstrip("/")


@dataclass(frozen=True)
class GoogleWalletConfig:
    issuer_id: str
    client_email: str
    private_key_pem: str
    token_url: str = DEFAULT_GOOGLE_TOKEN_URL
    api_url: str = DEFAULT_GOOGLE_API_URL
    logo_url: str | None = None  # a public image for the loyalty class (Google needs one)
    # The Mini App's public address: a café's own logo is served under it (`/logo/...`).
    web_app_url: str | None = None
    # The sites that may show the "Save to Google Wallet" link (the save link's `origins`).
    origins: tuple[str, ...] = ()


def _present(env: Mapping[str, str], names: tuple[str, ...], wallet: str) -> bool:
    given = [name for name in names if env.get(name)]
    if given and len(given) < len(names):
        missing = ", ".join(name for name in names if not env.get(name))
        raise ConfigError(f"{wallet} is partly configured: {missing} missing")
    return bool(given)


def _read(name: str, path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as problem:
        raise ConfigError(f"{name} cannot be read: {problem.strerror} ({path})") from None


def _url(name: str, value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("https", "http") or not parsed.netloc:
        raise ConfigError(f"{name} is malformed: expected an https URL, got {value!r}")
    return value.rstrip("/")


def apple_config(environ: Mapping[str, str] | None = None) -> AppleWalletConfig | None:
    """Apple Wallet settings, or None when Apple Wallet is not configured."""
    env = os.environ if environ is None else environ
    if not _present(env, APPLE_VARIABLES, "Apple Wallet"):
        return None
    names: tuple[str, ...] = (*APPLE_VARIABLES, "APPLE_PASS_KEY_PASSWORD", "WALLET_SECRET")
    names += ("WALLET_BASE_URL", "WEBHOOK_URL", "APPLE_APNS_URL")
    return _apple_config(tuple((name, env.get(name) or "") for name in names))


@cache
def _apple_config(values: tuple[tuple[str, str], ...]) -> AppleWalletConfig:
    env = dict(values)
    key_pem = _read("APPLE_PASS_KEY", env["APPLE_PASS_KEY"])
    base = env["WALLET_BASE_URL"]
    if base:
        web_service_url: str | None = _url("WALLET_BASE_URL", base)
    elif env["WEBHOOK_URL"]:
        webhook = urlparse(env["WEBHOOK_URL"])
        web_service_url = f"{webhook.scheme}://{webhook.netloc}{DEFAULT_WEB_SERVICE_PATH}"
    else:
        web_service_url = None  # polling without a web server: passes are issued, not updated
    secret = env["WALLET_SECRET"].encode() or hashlib.sha256(b"wallet\0" + key_pem).digest()
    return AppleWalletConfig(
        pass_type_id=env["APPLE_PASS_TYPE_ID"],
        team_id=env["APPLE_TEAM_ID"],
        cert_path=Path(env["APPLE_PASS_CERT"]),
        key_path=Path(env["APPLE_PASS_KEY"]),
        cert_pem=_read("APPLE_PASS_CERT", env["APPLE_PASS_CERT"]),
        key_pem=key_pem,
        key_password=env["APPLE_PASS_KEY_PASSWORD"].encode() or None,
        wwdr_pem=_read("APPLE_WWDR_CERT", env["APPLE_WWDR_CERT"]),
        web_service_url=web_service_url,
        secret=secret,
        apns_url=_url("APPLE_APNS_URL", env["APPLE_APNS_URL"] or DEFAULT_APNS_URL),
    )


def google_config(environ: Mapping[str, str] | None = None) -> GoogleWalletConfig | None:
    """Google Wallet settings, or None when Google Wallet is not configured."""
    env = os.environ if environ is None else environ
    if not _present(env, GOOGLE_VARIABLES, "Google Wallet"):
        return None
    names: tuple[str, ...] = (*GOOGLE_VARIABLES, "GOOGLE_WALLET_TOKEN_URL")
    names += ("GOOGLE_WALLET_API_URL", "GOOGLE_WALLET_LOGO_URL", "WEB_APP_URL", "WEBHOOK_URL")
    return _google_config(tuple((name, env.get(name) or "") for name in names))


@cache
def _google_config(values: tuple[tuple[str, str], ...]) -> GoogleWalletConfig:
    env = dict(values)
    raw = _read("GOOGLE_WALLET_KEY_FILE", env["GOOGLE_WALLET_KEY_FILE"])
    try:
        account = json.loads(raw)
        client_email, private_key = str(account["client_email"]), str(account["private_key"])
    except (ValueError, KeyError, TypeError):
        raise ConfigError(
            "GOOGLE_WALLET_KEY_FILE is malformed: expected a service account JSON key "
            "with client_email and private_key"
        ) from None
    issuer = env["GOOGLE_WALLET_ISSUER_ID"]
    if not issuer.isdigit():
        raise ConfigError("GOOGLE_WALLET_ISSUER_ID is malformed: expected the issuer's number")
    logo = env["GOOGLE_WALLET_LOGO_URL"]
    web_app_url = _url("WEB_APP_URL", env["WEB_APP_URL"]) if env["WEB_APP_URL"] else None
    return GoogleWalletConfig(
        issuer_id=issuer,
        client_email=client_email,
        private_key_pem=private_key,
        token_url=_url("GOOGLE_WALLET_TOKEN_URL", env["GOOGLE_WALLET_TOKEN_URL"])
        if env["GOOGLE_WALLET_TOKEN_URL"]
        else DEFAULT_GOOGLE_TOKEN_URL,
        api_url=_url("GOOGLE_WALLET_API_URL", env["GOOGLE_WALLET_API_URL"])
        if env["GOOGLE_WALLET_API_URL"]
        else DEFAULT_GOOGLE_API_URL,
        logo_url=_url("GOOGLE_WALLET_LOGO_URL", logo) if logo else None,
        web_app_url=web_app_url,
        origins=_origins(web_app_url, env["WEBHOOK_URL"]),
    )


def _origins(*addresses: str | None) -> tuple[str, ...]:
    """The sites the bot serves (the Mini App, the webhook app) as origins, each once: where a
    page may show the save link."""
    found = []
    for address in addresses:
        parsed = urlparse(address or "")
        if parsed.scheme in ("https", "http") and parsed.netloc:
            found.append(f"{parsed.scheme}://{parsed.netloc}")
    return tuple(dict.fromkeys(found))
