"""A card's .pkpass: complete pass.json, a manifest that matches every file, and a detached
PKCS#7 signature that OpenSSL verifies against the issuing CA, and rejects after any change."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from bot.wallet import scan_link
from bot.wallet.apple import ApplePassBuilder
from bot.wallet.config import AppleWalletConfig
from domain.service import LoyaltyService, WalletCard
from infra.passkit import pass_token
from tests.support.wallet import (
    BOT_USERNAME,
    PASS_TYPE_ID,
    TEAM_ID,
    WEB_SERVICE_URL,
    Holder,
    Pki,
    make_pki,
    new_holder,
)

REQUIRED_KEYS = {
    "formatVersion",
    "passTypeIdentifier",
    "serialNumber",
    "teamIdentifier",
    "organizationName",
    "description",
    "storeCard",
    "barcodes",
    "webServiceURL",
    "authenticationToken",
}


def unzip(pkpass: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(pkpass)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def openssl_verifies(files: dict[str, bytes], ca: Path, directory: Path) -> bool:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "signature").write_bytes(files["signature"])
    (directory / "manifest.json").write_bytes(files["manifest.json"])
    result = subprocess.run(
        [
            "openssl", "smime", "-verify", "-binary", "-inform", "DER",
            "-in", "signature", "-content", "manifest.json",
            "-CAfile", str(ca), "-purpose", "any", "-out", "/dev/null",
        ],
        cwd=directory,
        capture_output=True,
    )  # fmt: skip
    return result.returncode == 0


def openssl(*arguments: str) -> str:
    return subprocess.run(
        ["openssl", *arguments], capture_output=True, text=True, check=True
    ).stdout


def manifest_matches(files: dict[str, bytes]) -> bool:
    try:
        listed = json.loads(files["manifest.json"])
    except ValueError:
        return False
    contents = {
        name: data for name, data in files.items() if name not in ("manifest.json", "signature")
    }
    return set(listed) == set(contents) and all(
        hashlib.sha1(data).hexdigest() == listed[name] for name, data in contents.items()
    )


def pass_verifies(files: dict[str, bytes], ca: Path, directory: Path) -> bool:
    """What Wallet checks: every file hashed in the manifest, the manifest signed by the chain."""
    return manifest_matches(files) and openssl_verifies(files, ca, directory)


async def build(
    service: LoyaltyService, apple: AppleWalletConfig, holder: Holder
) -> tuple[WalletCard, bytes]:
    wallet_card = await service.wallet.issue(holder.card.card_id)
    link = scan_link(BOT_USERNAME, holder.card.qr_token)
    return wallet_card, ApplePassBuilder(apple).build(wallet_card, link)


async def test_the_pass_verifies_and_fails_after_any_change(
    service: LoyaltyService, apple: AppleWalletConfig, holder: Holder, pki: Pki, tmp_path: Path
) -> None:
    _, pkpass = await build(service, apple, holder)
    files = unzip(pkpass)
    assert {
        "pass.json",
        "manifest.json",
        "signature",
        "icon.png",
        "icon@2x.png",
        "logo.png",
    } <= set(files)
    assert manifest_matches(files)
    assert openssl_verifies(files, pki.ca, tmp_path / "intact")

    for number, (name, data) in enumerate(files.items()):
        for position in (len(data) // 2, len(data) - 1):  # a byte inside, and the last one
            changed = bytearray(data)
            changed[position] ^= 0x01
            tampered = {**files, name: bytes(changed)}
            where = tmp_path / f"tampered-{number}-{position}"
            assert not pass_verifies(tampered, pki.ca, where), (name, position)
    # A file added without being listed, or removed while listed, is refused as well.
    assert not manifest_matches({**files, "strip.png": b"\x89PNG"})
    assert not manifest_matches({k: v for k, v in files.items() if k != "icon.png"})


async def test_a_pass_signed_by_another_chain_does_not_verify(
    service: LoyaltyService, apple: AppleWalletConfig, holder: Holder, tmp_path: Path
) -> None:
    _, pkpass = await build(service, apple, holder)
    stranger = make_pki(tmp_path / "other-pki", label="Stranger")
    assert not openssl_verifies(unzip(pkpass), stranger.ca, tmp_path / "check")


async def test_the_signature_is_detached_der_with_the_wwdr_certificate_and_no_capabilities(
    service: LoyaltyService, apple: AppleWalletConfig, holder: Holder, pki: Pki, tmp_path: Path
) -> None:
    _, pkpass = await build(service, apple, holder)
    files = unzip(pkpass)
    signature = tmp_path / "signature"
    signature.write_bytes(files["signature"])
    certificates = openssl("pkcs7", "-inform", "DER", "-in", str(signature), "-print_certs")
    assert "WWDR Intermediate" in certificates
    assert f"Pass Type ID: {PASS_TYPE_ID}" in certificates
    structure = openssl("asn1parse", "-inform", "DER", "-in", str(signature))
    assert "signingTime" in structure
    assert "S/MIME Capabilities" not in structure
    assert files["manifest.json"] not in files["signature"]  # detached: the content is not in it


async def test_pass_json_has_every_required_key_and_the_card(
    service: LoyaltyService, apple: AppleWalletConfig, holder: Holder
) -> None:
    await service.counter.stamp(holder.cashier_id, holder.card.number, 3)
    wallet_card, pkpass = await build(service, apple, holder)
    content = json.loads(unzip(pkpass)["pass.json"])
    assert set(content) >= REQUIRED_KEYS
    assert content["formatVersion"] == 1
    assert content["passTypeIdentifier"] == PASS_TYPE_ID
    assert content["teamIdentifier"] == TEAM_ID
    assert content["serialNumber"] == holder.card.number == wallet_card.serial_number
    assert content["organizationName"] == "Café Lux"
    assert content["webServiceURL"] == WEB_SERVICE_URL
    token = content["authenticationToken"]
    assert len(token) >= 16
    assert token == pass_token(apple.secret, holder.card.card_id)
    assert content["backgroundColor"].startswith("rgb(")
    (barcode,) = content["barcodes"]
    assert barcode["format"] == "PKBarcodeFormatQR"
    assert barcode["message"] == (f"https://t.me/{BOT_USERNAME}?start=card_{holder.card.qr_token}")
    fields = {
        field["key"]: field["value"] for group in content["storeCard"].values() for field in group
    }
    assert fields["stamps"] == "3/10"
    assert fields["number"] == holder.card.display_number
    assert fields["reward"] == "Free coffee"


@pytest.mark.parametrize(
    ("program", "expected"),
    [("points", {"points": 25}), ("hybrid", {"stamps": "0/10", "points": 25})],
)
async def test_points_programs_show_the_balance(
    service: LoyaltyService, apple: AppleWalletConfig, program: str, expected: dict[str, object]
) -> None:
    holder = await new_holder(service, type=program, points_per_euro="1")
    await service.counter.earn_points(holder.cashier_id, holder.card.number, Decimal("25"))
    _, pkpass = await build(service, apple, holder)
    store_card = json.loads(unzip(pkpass)["pass.json"])["storeCard"]
    fields = {field["key"]: field["value"] for group in store_card.values() for field in group}
    assert {key: fields.get(key) for key in expected} == expected
    assert ("stamps" in fields) == (program == "hybrid")


async def test_labels_are_translated_for_the_device(
    service: LoyaltyService, apple: AppleWalletConfig, holder: Holder
) -> None:
    _, pkpass = await build(service, apple, holder)
    files = unzip(pkpass)
    strings = files["fr.lproj/pass.strings"].decode("utf-16")
    assert '"Stamps" = ' in strings
    labels = {
        field["label"]
        for group in json.loads(files["pass.json"])["storeCard"].values()
        for field in group
    }
    assert all(f'"{label}" = ' in strings for label in labels)
