"""The PassKit web service's side of the wallet passes: Apple's protocol, not a rule of the card.

Devices holding a pass register for its updates, ask which of their passes changed since an
update tag, and fetch the latest version; the server wakes them with a push to their push
tokens. A pass is named by its card's number (the pass's serial number) and authenticated by a
token derived from a server secret and the card's id, so no token is stored. Update tags are
microseconds since the epoch. What a pass says, and when it changed, is the domain's
(domain/service/wallet.py); this module only speaks the protocol around it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.clock import Clock
from domain.db.tables import Card, WalletRegistration
from domain.db.uow import Database, Session
from domain.db.wallet import WalletRepository

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
class UpdatedPasses:
    serial_numbers: tuple[str, ...]
    last_updated: str  # the tag the device sends back next time


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


class PassKit:
    """The web service's requests over the passes' registrations, one transaction each."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def authenticated(self, serial_number: str, token: str, secret: bytes) -> int:
        """The id of the card whose pass a device proves it holds (PassNotAuthorised else)."""
        async with self._db.read() as session:
            card = await _authenticated_card(self._passes(session), serial_number, token, secret)
            return card.id

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
            passes = self._passes(session)
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
            passes = self._passes(session)
            await _authenticated_card(passes, serial_number, token, secret)
            await passes.unregister(device, pass_type, serial_number)

    async def forget_push_tokens(self, pass_type: str, push_tokens: Iterable[str]) -> None:
        """Drop the registrations of devices whose push tokens APNs says will never work again
        (they would otherwise hold a device place on their passes for ever)."""
        tokens = list(push_tokens)
        async with self._db.write() as session:
            await self._passes(session).forget_push_tokens(pass_type, tokens)

    async def updated_serials(
        self, device: str, pass_type: str, since: str | None
    ) -> UpdatedPasses | None:
        """The device's passes changed after the tag `since` (all of them without one)."""
        after = None if since is None else from_tag(since)
        async with self._db.read() as session:
            rows = await self._passes(session).updated_passes(device, pass_type, after)
        if not rows:
            return None
        return UpdatedPasses(
            serial_numbers=tuple(serial for serial, _ in rows),
            last_updated=to_tag(max(updated for _, updated in rows)),
        )

    async def push_tokens(self, pass_type: str, serial_number: str) -> tuple[str, ...]:
        """The push tokens of the devices holding a pass, newest first, each once: read after the
        pass changed, so a device registered meanwhile is woken too."""
        async with self._db.read() as session:
            found = await self._passes(session).push_tokens(
                pass_type, serial_number, MAX_DEVICES_PER_PASS
            )
        return tuple(dict.fromkeys(found))

    async def push_tokens_of_merchant(self, merchant_id: int, pass_type: str) -> tuple[str, ...]:
        """The push tokens of the devices holding any pass of the café's cards, each once."""
        async with self._db.read() as session:
            found = await self._passes(session).push_tokens_of_merchant(merchant_id, pass_type)
        return tuple(dict.fromkeys(found))

    def _passes(self, session: Session) -> WalletRepository:
        return WalletRepository(session, self._db.dialect)


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
