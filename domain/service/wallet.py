"""Wallet passes as the card domain sees them: what a pass says of its card, and when it changed.

A pass is its card's snapshot with the pass's own version: each change of the card (or of the
café's look) moves that version forward by at least a second, so its `Last-Modified` date
(whole seconds, as HTTP has them) changes with every version too. Speaking to the devices
that hold passes (registrations, update tags, authentication tokens, pushes) is Apple's
PassKit protocol, in infra/passkit.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from domain import errors
from domain.brand import Brand, logo_version_shown
from domain.db.brand import BrandRepository
from domain.db.tables import Brand as BrandRow
from domain.db.tables import Card
from domain.db.uow import Session
from domain.db.wallet import WalletRepository
from domain.model import CardView, normalise_card_number
from domain.service.base import ServiceBase, card_view

TAG_STEP = timedelta(seconds=1)


@dataclass(frozen=True)
class WalletCard:
    """What a pass shows of a card, with the pass's own identity and version."""

    card: CardView
    serial_number: str
    updated_at: datetime  # UTC
    holder_name: str | None  # the customer's first name, as Telegram gave it
    # the café's colour and logo version (not the logo's bytes: only what draws reads them)
    brand: Brand = field(default_factory=Brand)

    @property
    def last_modified(self) -> datetime:
        """The version as HTTP dates have it: whole seconds (a change moves it by at least 1 s)."""
        return self.updated_at.astimezone(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class BrandedPassesChange:
    """A café whose passes were all marked changed (its look changed)."""

    merchant_id: int
    merchant_name: str
    brand: Brand


class WalletService(ServiceBase):
    """Use cases of pass issuing and of passes changing with their card."""

    async def issue(self, card_id: int) -> WalletCard:
        """The pass contents of a card (the caller has already checked whose card it is)."""
        async with self._db.read() as session:
            card = await self._ledger(session).card_by_id(card_id)
            if card is None:
                raise errors.CardNotFound()
            return await self._wallet_card(session, card)

    async def issue_by_number(self, card_number: str) -> WalletCard:
        """The pass contents of a card given by its number (operators' command line)."""
        number = normalise_card_number(card_number)
        async with self._db.read() as session:
            card = None if number is None else await self._wallet(session).card_by_number(number)
            if card is None:
                raise errors.CardNotFound()
            return await self._wallet_card(session, card)

    async def logo(self, merchant_id: int) -> tuple[int, bytes] | None:
        """The café's stored logo and its version, or None (for tools that draw a pass)."""
        async with self._db.read() as session:
            row = await BrandRepository(session, self._dialect).get(merchant_id)
            if row is None or row.logo_png is None:
                return None
            return row.logo_version, row.logo_png

    async def mark_changed(self, card_id: int) -> WalletCard:
        """Move the pass's version forward (its card changed); returns the pass as it is now."""
        now = self._clock.now()
        async with self._db.write() as session:
            card = await self._ledger(session).card_by_id(card_id)
            if card is None:
                raise errors.CardNotFound()
            passes = self._wallet(session)
            row = await passes.locked_pass(card)
            await passes.touch(row, max(now, row.updated_at + TAG_STEP))
            return await self._wallet_card(session, card)

    async def mark_merchant_changed(self, merchant_id: int) -> BrandedPassesChange:
        """Move the version of every pass of the café's cards forward (its look changed): one
        UPDATE to one new time, past each pass's own version, so every device holding one
        fetches it again."""
        now = self._clock.now()
        async with self._db.write() as session:
            merchant = await self._directory(session).merchant(merchant_id)
            passes = self._wallet(session)
            latest = await passes.latest_of_merchant(merchant_id)
            if latest is not None:
                await passes.move_merchant_passes(merchant_id, max(now, latest + TAG_STEP))
            row = await BrandRepository(session, self._dialect).get(merchant_id)
            return BrandedPassesChange(
                merchant_id=merchant_id, merchant_name=merchant.name, brand=_brand(row)
            )

    def _wallet(self, session: Session) -> WalletRepository:
        return WalletRepository(session, self._dialect)

    async def _wallet_card(self, session: Session, card: Card) -> WalletCard:
        directory, passes = self._directory(session), self._wallet(session)
        view = await card_view(directory, card)
        holder = await directory.user(card.customer_id)
        row = await passes.pass_of(card.id)
        updated_at = card.created_at if row is None else row.updated_at
        return WalletCard(
            card=view,
            serial_number=card.number,
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
