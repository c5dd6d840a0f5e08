"""Apple Wallet passes: a storeCard `pass.json`, its images and translations, a manifest of SHA-1
hashes and a detached PKCS#7 signature by the pass certificate, zipped as a `.pkpass`.

Labels are English in `pass.json` and translated on the device from `<lang>.lproj/pass.strings`;
the reward's value is its name given, translated there too into the owner's name in each language.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from io import BytesIO
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7

from bot.i18n import LANGUAGES
from bot.wallet import artwork
from bot.wallet.config import AppleWalletConfig
from bot.wallet.labels import pass_labels
from domain.model import CardView, Reward, RewardUnit
from domain.service import WalletCard
from infra.passkit import pass_token

if TYPE_CHECKING:
    from PIL.Image import Image

MIME_TYPE = "application/vnd.apple.pkpass"
SIGN_OPTIONS = [
    pkcs7.PKCS7Options.DetachedSignature,
    pkcs7.PKCS7Options.NoCapabilities,
    pkcs7.PKCS7Options.Binary,
]


def pass_strings(language: str, card: CardView | None = None) -> bytes:
    """A `.strings` file (UTF-16 with a byte-order mark, as Apple's tools write them): the
    labels, and the name of the card's reward in `language` keyed by its name given (a device
    in a language the pass has no file for shows the name given)."""
    strings = pass_labels(language)
    reward = None if card is None else _shown_reward(card)
    if reward is not None and reward.name not in strings:  # a label's translation stays
        strings[reward.name] = reward.name_in(language)
    lines = [f'"{_quote(key)}" = "{_quote(value)}";' for key, value in strings.items()]
    return ("\n".join(lines) + "\n").encode("utf-16")


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class PassSigner:
    """Signs manifests with the pass certificate; Apple's WWDR intermediate goes along."""

    def __init__(
        self, cert_pem: bytes, key_pem: bytes, wwdr_pem: bytes, password: bytes | None = None
    ) -> None:
        self.certificate = x509.load_pem_x509_certificate(cert_pem)
        self.wwdr = x509.load_pem_x509_certificate(wwdr_pem)
        key = serialization.load_pem_private_key(key_pem, password=password)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError("the pass key must be an RSA or EC private key")
        self.key = key

    @classmethod
    def from_config(cls, config: AppleWalletConfig) -> PassSigner:
        return cls(config.cert_pem, config.key_pem, config.wwdr_pem, config.key_password)

    def sign(self, manifest: bytes) -> bytes:
        """A detached PKCS#7 signature in DER: what Wallet expects in the `signature` file."""
        return (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(manifest)
            .add_signer(self.certificate, self.key, hashes.SHA256())
            .add_certificate(self.wwdr)
            .sign(serialization.Encoding.DER, SIGN_OPTIONS)
        )


def pass_json(config: AppleWalletConfig, wallet_card: WalletCard, scan_link: str) -> dict[str, Any]:
    card = wallet_card.card
    background, text, label = artwork.pass_colours(wallet_card.brand)
    content: dict[str, Any] = {
        "formatVersion": 1,
        "passTypeIdentifier": config.pass_type_id,
        "serialNumber": wallet_card.serial_number,
        "teamIdentifier": config.team_id,
        "organizationName": card.merchant_name,
        "description": "Loyalty card",
        "logoText": card.merchant_name,
        "backgroundColor": artwork.css(background),  # the café's brand colour
        "foregroundColor": artwork.css(text),  # white or ink, whichever reads on it
        "labelColor": artwork.css(label),
        "sharingProhibited": True,  # the QR code is the customer's card
        "barcodes": [
            {
                "format": "PKBarcodeFormatQR",
                "message": scan_link,
                "messageEncoding": "iso-8859-1",
                "altText": card.display_number,
            }
        ],
        "storeCard": _store_card(card),
    }
    if config.web_service_url is not None:
        content["webServiceURL"] = config.web_service_url
        content["authenticationToken"] = pass_token(config.secret, card.card_id)
    if not card.active:
        content["voided"] = True
    return content


def _store_card(card: CardView) -> dict[str, list[dict[str, Any]]]:
    stamps = {
        "key": "stamps",
        "label": "Stamps",
        "value": f"{card.stamp_count}/{card.stamps_target}",
        "changeMessage": "Stamps: %@",
    }
    points = {
        "key": "points",
        "label": "Points",
        "value": card.points_balance,
        "numberStyle": "PKNumberStyleDecimal",
        "changeMessage": "Points: %@",
    }
    reward = _shown_reward(card).name  # translated by pass.strings
    primary = [stamps] if card.program_type.has_stamps else [points]
    secondary: list[dict[str, Any]] = [{"key": "reward", "label": "Reward", "value": reward}]
    if card.program_type.has_stamps and card.program_type.has_points:
        secondary.insert(0, points)
    return {
        "primaryFields": primary,
        "secondaryFields": secondary,
        "auxiliaryFields": [
            {"key": "number", "label": "Card number", "value": card.display_number}
        ],
        "backFields": [{"key": "store", "label": "Store", "value": card.store_name}],
    }


def _shown_reward(card: CardView) -> Reward:
    """The reward the pass names: the first of the unit the card collects."""
    unit = RewardUnit.STAMPS if card.program_type.has_stamps else RewardUnit.POINTS
    return card.first_reward(unit)


def pass_files(
    config: AppleWalletConfig,
    wallet_card: WalletCard,
    scan_link: str,
    logo: Image | None = None,
) -> dict[str, bytes]:
    """Every file of the pass except the manifest and the signature. `logo`: the café's logo
    (of the version `wallet_card.brand` names), else a letter logo in the brand colour."""
    card, brand = wallet_card.card, wallet_card.brand
    fill, ink, _ = artwork.pass_colours(brand)
    if logo is not None and brand.logo_version:
        images = artwork.logo_images((card.merchant_id, brand.logo_version, fill), logo, fill)
    else:
        images = artwork.letter_images(card.merchant_name, fill, ink)
    files = {
        "pass.json": json.dumps(
            pass_json(config, wallet_card, scan_link), ensure_ascii=False, indent=1
        ).encode(),
        **images,
    }
    for language in LANGUAGES:
        files[f"{language}.lproj/pass.strings"] = pass_strings(language, card)
    return files


def manifest(files: dict[str, bytes]) -> bytes:
    return json.dumps(
        {name: hashlib.sha1(data).hexdigest() for name, data in sorted(files.items())},
        separators=(",", ":"),
    ).encode()


def package(files: dict[str, bytes], signer: PassSigner) -> bytes:
    """The `.pkpass`: the files, `manifest.json` and its `signature`, zipped."""
    listing = manifest(files)
    everything = {**files, "manifest.json": listing, "signature": signer.sign(listing)}
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in everything.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class ApplePassBuilder:
    """Builds signed passes for one pass type."""

    def __init__(self, config: AppleWalletConfig, signer: PassSigner | None = None) -> None:
        self.config = config
        self.signer = signer or PassSigner.from_config(config)

    def build(self, wallet_card: WalletCard, scan_link: str, logo: Image | None = None) -> bytes:
        return package(pass_files(self.config, wallet_card, scan_link, logo), self.signer)
