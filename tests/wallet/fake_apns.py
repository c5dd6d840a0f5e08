"""A stand-in for the Apple Push Notification service: HTTP/2 over TLS on loopback (hypercorn),
that, like APNs, only talks to clients presenting a certificate of the pass type's issuer.

Its server certificate is made here, for 127.0.0.1, by a CA of its own. APNs' answers are
chosen by push token: see `ANSWERS` (https://developer.apple.com/documentation/
usernotifications/handling-notification-responses-from-apns).
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypercorn.asyncio import serve
from hypercorn.config import Config
from starlette.types import Receive, Scope, Send

from tests.support.servers import free_port

LOOPBACK = IPv4Address("127.0.0.1")
GONE_TOKEN = "a0" * 32  # the device no longer has the app's pass: 410 Unregistered
BAD_TOKEN = "b0" * 32  # not a token of this environment: 400 BadDeviceToken
BUSY_TOKEN = "c0" * 32  # APNs is overwhelmed: 429 TooManyRequests, try again later
ANSWERS = {
    GONE_TOKEN: (410, "Unregistered"),
    BAD_TOKEN: (400, "BadDeviceToken"),
    BUSY_TOKEN: (429, "TooManyRequests"),
}


@dataclass(frozen=True)
class Push:
    http_version: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeApns:
    url: str
    server_ca: Path  # what a client must trust to reach it
    pushes: list[Push] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # lifespan: nothing to set up
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {name.decode(): value.decode() for name, value in scope["headers"]}
        path = scope["path"]
        self.pushes.append(Push(scope["http_version"], scope["method"], path, headers, body))
        status, reason = ANSWERS.get(path.rpartition("/")[2], (200, None))
        content = b"" if reason is None else json.dumps({"reason": reason}).encode()
        response_headers = [(b"apns-id", b"00000000-0000-0000-0000-000000000001")]
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": content})


def _server_certificate(directory: Path) -> tuple[Path, Path, Path]:
    """A CA and, signed by it, a certificate for 127.0.0.1: (ca, certificate, key) files."""
    now = datetime.now(UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fake APNs CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = directory / "apns-ca.pem", directory / "apns.pem", directory / "apns-key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@asynccontextmanager
async def fake_apns(directory: Path, client_issuers: list[Path]) -> AsyncIterator[FakeApns]:
    """Serve the fake APNs; only clients with a certificate issued by `client_issuers` get in."""
    ca, certificate, key = _server_certificate(directory)
    trusted = directory / "apns-client-issuers.pem"
    trusted.write_bytes(b"".join(path.read_bytes() for path in client_issuers))
    port = free_port()
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.certfile, config.keyfile = str(certificate), str(key)
    config.ca_certs, config.verify_mode = str(trusted), ssl.CERT_REQUIRED
    config.alpn_protocols = ["h2"]  # APNs speaks HTTP/2 only
    app = FakeApns(url=f"https://127.0.0.1:{port}", server_ca=ca)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, config, shutdown_trigger=stop.wait))
    while True:  # until it listens
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
            continue
        writer.close()
        await writer.wait_closed()
        break
    try:
        yield app
    finally:
        stop.set()
        await task
