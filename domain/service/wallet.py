"""Wallet passes: which devices hold a card's pass, when the pass last changed, who may fetch it.

A pass is identified by its card's number (the pass's serial number) and authenticated by a
token derived from a server secret and the card's id, so no token is stored. Update tags are
microseconds since the epoch. Each change moves a pass's time forward by at least a second, so
its `Last-Modified` date (whole seconds, as HTTP has them) changes with every version too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from domain import errors
from domain.brand import Brand, logo_version_shown
from domain.db.brand import BrandRepository
from domain.db.tables import Brand as BrandRow
from domain.db.tables import Card, WalletRegistration
from domain.db.uow import Session
from domain.db.wallet import WalletRepository
from domain.model import CardView, normalise_card_number
from domain.service.base import ServiceBase, card_view

TAG_STEP = timedelta(seconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
DEVICE_MAX, PUSH_TOKEN_MAX = 128, 256  # the columns' sizes
# A person's phones and watches: more devices on one pass is someone filling the table (and,
# for passes registered before the cap, only the newest this many get a push).
MAX_DEVICES_PER_PASS = 20
# Apple issues both as hex strings; a more generous printable shape still keeps control
# characters (a NUL byte makes PostgreSQL fail the query) and other junk out of the database.
_DEVICE_ID = re.compile(rf"[A-Za-z0-9._-]{{1,{DEVICE_MAX}}}")
_PUSH_TOKEN = re.compile(rf"[A-Za-z0-9._-]{{1,{PUSH_TOKEN_MAX}}}")


class WalletError(Exception):
    """A wallet web-service request refused; answered with an HTTP status, never in chat."""


class PassNotAuthorised(WalletError):
    """Unknown serial number, or the authentication token does not match it."""


class BadUpdateTag(WalletError):
    """`passesUpdatedSince` is not a tag this service issued."""


class BadRegistration(WalletError):
    """A device identifier or push token of a shape Apple never issues."""


class TooManyDevices(WalletError):
    """The pass is registered on as many devices as one pass may be."""


@dataclass(frozen=True)
class WalletCard:
    """What a pass shows of a card, with the pass's own identity and version."""

    card: CardView
    serial_number: str
    authentication_token: str | None  # None when issued without a secret (no web service)
    updated_at: datetime  # UTC
    holder_name: str | None  # the customer's first name, as Telegram gave it
    # the café's colour and logo version (not the logo's bytes: only what draws reads them)
    brand: Brand = field(default_factory=Brand)

    @property
    def last_modified(self) -> datetime:
        """The version as HTTP dates have it: whole seconds (a change moves it by at least 1 s)."""
        return self.updated_at.astimezone(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class UpdatedPasses:
    serial_numbers: tuple[str, ...]
    last_updated: str  # the tag the device sends back next time


@dataclass(frozen=True)
class PassChange:
    """A card whose pass was marked changed, and the push tokens of the devices holding it."""

    wallet_card: WalletCard
    push_tokens: tuple[str, ...]


@dataclass(frozen=True)
class BrandedPassesChange:
    """A café whose passes were all marked changed (its look changed), and the push tokens of
    the devices holding any of them."""

    merchant_id: int
    merchant_name: str
    brand: Brand
    push_tokens: tuple[str, ...]


def pass_token(secret: bytes, card_id: int) -> str:
    """The pass's authentication token: HMAC-SHA256(secret, card id), 43 URL-safe characters."""
    digest = hmac.new(secret, f"wallet-pass:{card_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def looks_like_device_id(value: str) -> bool:
    return _DEVICE_ID.fullmatch(value) is not None


def looks_like_push_token(value: str) -> bool:
    return _PUSH_TOKEN.fullmatch(value) is not None


def to_tag(moment: datetime) -> str:
    return str((moment - EPOCH) // MICROSECOND)


def from_tag(tag: str) -> datetime:
    if not (tag.isascii() and tag.isdigit() and len(tag) <= 18):
        raise BadUpdateTag()
    return EPOCH + int(tag) * MICROSECOND


class WalletService(ServiceBase):
    """Use cases of the wallet web services and of pass issuing."""

    async def issue(self, card_id: int, secret: bytes | None) -> WalletCard:
        """The pass contents of a card (the caller has already checked whose card it is)."""
        async with self._db.read() as session:
            card = await self._ledger(session).card_by_id(card_id)
            if card is None:
                raise errors.CardNotFound()
            return await self._wallet_card(session, card, secret)

    async def issue_by_number(self, card_number: str, secret: bytes) -> WalletCard:
        """The pass contents of a card given by its number (operators' command line)."""
        number = normalise_card_number(card_number)
        async with self._db.read() as session:
            card = None if number is None else await self._wallet(session).card_by_number(number)
            if card is None:
                raise errors.CardNotFound()
            return await self._wallet_card(session, card, secret)

    async def logo(self, merchant_id: int) -> tuple[int, bytes] | None:
        """The café's stored logo and its version, or None (for tools that draw a pass)."""
        async with self._db.read() as session:
            row = await BrandRepository(session, self._dialect).get(merchant_id)
            if row is None or row.logo_png is None:
                return None
            return row.logo_version, row.logo_png

    async def latest(self, serial_number: str, token: str, secret: bytes) -> WalletCard:
        """The current pass for a device that proves it holds it."""
        async with self._db.read() as session:
            card = await _authenticated_card(self._wallet(session), serial_number, token, secret)
            return await self._wallet_card(session, card, secret)

    async def register(
        self,
        *,
        device: str,
        push_token: str,
        pass_type: str,
        serial_number: str,
        token: str,
        secret: bytes,
    ) -> bool:
        """Remember that a device holds a pass; True if new, False if it was registered already."""
        if not (looks_like_device_id(device) and looks_like_push_token(push_token)):
            raise BadRegistration()
        now = self._clock.now()
        async with self._db.write() as session:
            passes = self._wallet(session)
            card = await _authenticated_card(passes, serial_number, token, secret)
            await passes.locked_pass(card)  # locked: registrations queue here
            existing = await passes.registration(device, pass_type, serial_number)
            if existing is not None:
                existing.push_token = push_token  # a device may renew its token
                return False
            if await passes.device_count(pass_type, serial_number) >= MAX_DEVICES_PER_PASS:
                raise TooManyDevices()
            passes.register(
                WalletRegistration(
                    device_library_identifier=device,
                    push_token=push_token,
                    pass_type_identifier=pass_type,
                    serial_number=serial_number,
                    created_at=now,
                )
            )
            return True

    async def unregister(
        self, *, device: str, pass_type: str, serial_number: str, token: str, secret: bytes
    ) -> None:
        """Forget that a device holds a pass (the pass was removed from the wallet)."""
        async with self._db.write() as session:
            passes = self._wallet(session)
            await _authenticated_card(passes, serial_number, token, secret)
            await passes.unregister(device, pass_type, serial_number)

    async def forget_push_tokens(self, pass_type: str, push_tokens: Iterable[str]) -> None:
        """Drop the registrations of devices whose push tokens APNs says will never work again
        (they would otherwise hold a device place on their passes for ever)."""
        tokens = list(push_tokens)
        async with self._db.write() as session:
            await self._wallet(session).forget_push_tokens(pass_type, tokens)

    async def updated_serials(
        self, device: str, pass_type: str, since: str | None
    ) -> UpdatedPasses | None:
        """The device's passes changed after the tag `since` (all of them without one)."""
        after = None if since is None else from_tag(since)
        async with self._db.read() as session:
            rows = await self._wallet(session).updated_passes(device, pass_type, after)
        if not rows:
            return None
        return UpdatedPasses(
            serial_numbers=tuple(serial for serial, _ in rows),
            last_updated=to_tag(max(updated for _, updated in rows)),
        )

    async def mark_changed(
        self, card_id: int, pass_type: str | None, secret: bytes | None
    ) -> PassChange:
        """Move the card's update tag forward; returns the push tokens of its devices."""
        now = self._clock.now()
        async with self._db.write() as session:
            card = await self._ledger(session).card_by_id(card_id)
            if card is None:
                raise errors.CardNotFound()
            passes = self._wallet(session)
            row = await passes.locked_pass(card)
            await passes.touch(row, max(now, row.updated_at + TAG_STEP))
            tokens: tuple[str, ...] = ()
            if pass_type is not None:
                found = await passes.push_tokens(pass_type, card.number, MAX_DEVICES_PER_PASS)
                tokens = tuple(dict.fromkeys(found))  # newest first, once
            wallet_card = await self._wallet_card(session, card, secret)
            return PassChange(wallet_card=wallet_card, push_tokens=tokens)

    async def mark_merchant_changed(
        self, merchant_id: int, pass_type: str | None
    ) -> BrandedPassesChange:
        """Move the update tag of every pass of the café's cards forward (its look changed):
        one UPDATE to one new time, past each pass's own tag, so every device holding one
        fetches it again; returns the push tokens of those devices."""
        now = self._clock.now()
        async with self._db.write() as session:
            merchant = await self._directory(session).merchant(merchant_id)
            passes = self._wallet(session)
            latest = await passes.latest_of_merchant(merchant_id)
            if latest is not None:
                await passes.move_merchant_passes(merchant_id, max(now, latest + TAG_STEP))
            tokens: tuple[str, ...] = ()
            if pass_type is not None and latest is not None:
                found = await passes.push_tokens_of_merchant(merchant_id, pass_type)
                tokens = tuple(dict.fromkeys(found))
            row = await BrandRepository(session, self._dialect).get(merchant_id)
            return BrandedPassesChange(
                merchant_id=merchant_id,
                merchant_name=merchant.name,
                brand=_brand(row),
                push_tokens=tokens,
            )

    def _wallet(self, session: Session) -> WalletRepository:
        return WalletRepository(session, self._dialect)

    async def _wallet_card(self, session: Session, card: Card, secret: bytes | None) -> WalletCard:
        directory, passes = self._directory(session), self._wallet(session)
        view = await card_view(directory, card)
        holder = await directory.user(card.customer_id)
        row = await passes.pass_of(card.id)
        updated_at = card.created_at if row is None else row.updated_at
        return WalletCard(
            card=view,
            serial_number=card.number,
            authentication_token=None if secret is None else pass_token(secret, card.id),
            updated_at=updated_at,
            holder_name=None if holder is None else holder.first_name,
            brand=_brand(await BrandRepository(session, self._dialect).get(card.merchant_id)),
        )


def _brand(row: BrandRow | None) -> Brand:
    """What a pass shows of the café's look (one primary-key read; the logo stays in the row)."""
    if row is None:
        return Brand()
    return Brand(
        colour=row.colour, symbol=row.symbol, logo_version=logo_version_shown(row.logo_version)
    )


async def _authenticated_card(
    passes: WalletRepository, serial_number: str, token: str, secret: bytes
) -> Card:
    """The active card whose pass has this serial number, if the token is its pass's token.

    A deactivated card (its customer erased, or merged into another card) has no pass any more.
    """
    card = await passes.card_by_number(serial_number)
    expected = pass_token(secret, card.id if card is not None else -1)
    # Constant time, and the same work for an unknown serial: no oracle for either.
    if not hmac.compare_digest(expected.encode(), token.encode()) or card is None:
        raise PassNotAuthorised()
    if not card.active:
        raise PassNotAuthorised()
    return card
