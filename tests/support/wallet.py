"""Wallet fixtures: a private PKI (root CA → "WWDR" intermediate → pass certificate), a Google
service account key, wallet settings built from them, a card to put in a wallet, and the PassKit
web service on loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette
from starlette.routing import Mount

from bot.wallet.apple import ApplePassBuilder
from bot.wallet.apple_web import web_service_routes
from bot.wallet.config import AppleWalletConfig, GoogleWalletConfig, apple_config, google_config
from domain.model import CardView
from domain.service import LoyaltyService
from tests.support.scenario import Shop, new_profile, open_shop
from tests.support.servers import serving

PASS_TYPE_ID = "pass.lu.example.loyalty"
TEAM_ID = "TEAM123456"
BOT_USERNAME = "loyalty_test_bot"
WEB_SERVICE_URL = "https://wallet.example.com/passkit"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(
    subject: str,
    key: rsa.RSAPrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: rsa.RSAPrivateKey,
    *,
    ca: bool,
) -> x509.Certificate:
    now = datetime.now(UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name if issuer is None else issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class Pki:
    directory: Path
    ca: Path
    wwdr: Path
    pass_cert: Path
    pass_key: Path
    pass_certificate: x509.Certificate


def make_pki(directory: Path, label: str = "Test") -> Pki:
    root_key, wwdr_key, pass_key = _key(), _key(), _key()
    root = _certificate(f"{label} Root CA", root_key, None, root_key, ca=True)
    wwdr = _certificate(f"{label} WWDR Intermediate", wwdr_key, root, root_key, ca=True)
    certificate = _certificate(f"Pass Type ID: {PASS_TYPE_ID}", pass_key, wwdr, wwdr_key, ca=False)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / f"{name}.pem" for name in ("ca", "wwdr", "pass", "pass-key")}
    paths["ca"].write_bytes(_pem(root))
    paths["wwdr"].write_bytes(_pem(wwdr))
    paths["pass"].write_bytes(_pem(certificate))
    paths["pass-key"].write_bytes(
        pass_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Pki(directory, paths["ca"], paths["wwdr"], paths["pass"], paths["pass-key"], certificate)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def apple_environment(pki: Pki) -> dict[str, str]:
    return {
        "APPLE_PASS_TYPE_ID": PASS_TYPE_ID,
        "APPLE_TEAM_ID": TEAM_ID,
        "APPLE_PASS_CERT": str(pki.pass_cert),
        "APPLE_PASS_KEY": str(pki.pass_key),
        "APPLE_WWDR_CERT": str(pki.wwdr),
        "WALLET_BASE_URL": WEB_SERVICE_URL,
        "WALLET_SECRET": "test-wallet-secret",
    }


@pytest.fixture
def apple(pki: Pki) -> AppleWalletConfig:
    config = apple_config(apple_environment(pki))
    assert config is not None
    return config


@dataclass(frozen=True)
class ServiceAccount:
    key_file: Path
    client_email: str
    private_key: rsa.RSAPrivateKey

    @property
    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


@pytest.fixture(scope="session")
def service_account(tmp_path_factory: pytest.TempPathFactory) -> ServiceAccount:
    key = _key()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    email = "wallet@loyalty-test.iam.gserviceaccount.com"
    path = tmp_path_factory.mktemp("google") / "service-account.json"
    path.write_text(
        json.dumps({"type": "service_account", "client_email": email, "private_key": pem})
    )
    return ServiceAccount(path, email, key)


ISSUER_ID = "3388000000022222222"
DEFAULT_LOGO_URL = "https://loyalty.example.com/wallet-logo.png"


def google_environment(account: ServiceAccount, **overrides: str) -> dict[str, str]:
    return {
        "GOOGLE_WALLET_ISSUER_ID": ISSUER_ID,
        "GOOGLE_WALLET_KEY_FILE": str(account.key_file),
        "GOOGLE_WALLET_LOGO_URL": DEFAULT_LOGO_URL,  # Google needs a logo on every class
        **overrides,
    }


@pytest.fixture
def google(service_account: ServiceAccount) -> GoogleWalletConfig:
    config = google_config(google_environment(service_account))
    assert config is not None
    return config


@dataclass
class Holder:
    """A customer with one card at a shop, and a cashier of that shop."""

    shop: Shop
    card: CardView
    cashier_id: int


async def new_holder(service: LoyaltyService, **settings: str) -> Holder:
    shop = await open_shop(service, "Café Lux", **settings)
    cashier = await shop.hire("Anna")
    enrolment = await service.customers.enrol(new_profile("Marie"), shop.first_store.code)
    return Holder(shop=shop, card=enrolment.card, cashier_id=cashier.user_id)


@pytest.fixture
async def holder(service: LoyaltyService) -> Holder:
    return await new_holder(service)


@pytest.fixture
async def web(
    service: LoyaltyService, apple: AppleWalletConfig
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the PassKit web service, served by uvicorn on 127.0.0.1."""
    routes = web_service_routes(
        lambda: service, ApplePassBuilder(apple), lambda _merchant_id: BOT_USERNAME
    )
    app = Starlette(routes=[Mount(apple.mount_path, routes=routes)])
    async with serving(app) as url, httpx.AsyncClient(base_url=f"{url}/passkit") as client:
        yield client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"ApplePass {token}"}


@dataclass
class RecordingPushSender:
    """Stands in for APNs: remembers which devices would have been woken."""

    pushes: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    async def push(self, pass_type_id: str, push_tokens: Sequence[str]) -> frozenset[str]:
        self.pushes.append((pass_type_id, tuple(push_tokens)))
        return frozenset()
