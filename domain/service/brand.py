"""The owner's brand use cases: choose a colour, a stamp symbol, a logo; take any of them back.

Reads are one primary-key lookup (a card image or a page asks for the café's look); the logo's
bytes are read only by what draws it, by version, so a picture is fetched once per change. A new
colour or logo also reaches the wallet passes already saved (RefreshBrandedPasses), and a new
logo the café's own bot's photo (RefreshBotProfile).
"""

from __future__ import annotations

import enum

from domain import brand as rules
from domain import errors
from domain.brand import Brand, logo_version_shown, next_logo_version, removed_logo_version
from domain.db.brand import BrandRepository
from domain.db.tables import Brand as BrandRow
from domain.db.uow import Session
from domain.effects import RefreshBotProfile, RefreshBrandedPasses
from domain.service.base import ServiceBase, require_owner

LOGO_MAX_BYTES = 512 * 1024  # the stored, already resized logo: a few dozen KB in practice


class BrandPart(enum.StrEnum):
    COLOUR = "colour"
    SYMBOL = "symbol"
    LOGO = "logo"
    ALL = "all"


def brand_of_row(row: BrandRow | None) -> Brand:
    """What the café chose, from its stored row (None: nothing yet)."""
    if row is None:
        return Brand()
    return Brand(
        colour=row.colour, symbol=row.symbol, logo_version=logo_version_shown(row.logo_version)
    )


class BrandService(ServiceBase):
    async def of_merchant(self, merchant_id: int) -> Brand:
        async with self._db.read() as session:
            return brand_of_row(await self._brands(session).get(merchant_id))

    async def logo(self, merchant_id: int) -> tuple[int, bytes] | None:
        """The stored logo and its version, or None."""
        async with self._db.read() as session:
            row = await self._brands(session).get(merchant_id)
            if row is None or row.logo_png is None:
                return None
            return row.logo_version, row.logo_png

    async def mine(self, owner_id: int) -> Brand:
        async with self._db.read() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            return brand_of_row(await self._brands(session).get(merchant.id))

    async def set_colour(self, owner_id: int, text: str) -> Brand:
        colour = rules.read_colour(text)
        return await self._change(owner_id, colour=colour)

    async def set_symbol(self, owner_id: int, text: str) -> Brand:
        symbol = rules.read_symbol(text)
        return await self._change(owner_id, symbol=symbol)

    async def set_logo(self, owner_id: int, png: bytes) -> Brand:
        """`png`: the logo as the Telegram layer prepared it (decoded, resized, re-encoded)."""
        if not png or len(png) > LOGO_MAX_BYTES:
            raise errors.BadLogo(max_megabytes=LOGO_MAX_BYTES // (1024 * 1024) or 1)
        return await self._change(owner_id, logo=png)

    async def clear(self, owner_id: int, part: BrandPart) -> Brand:
        async with self._db.write() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            row = await self._brands(session).get(merchant.id, lock=True)
            if row is None:
                return Brand()
            on_passes = False  # the colour and the logo are on the wallet passes, not the symbol
            logo_gone = False
            if part in (BrandPart.COLOUR, BrandPart.ALL):
                on_passes = row.colour is not None
                row.colour = None
            if part in (BrandPart.SYMBOL, BrandPart.ALL):
                row.symbol = None
            if part in (BrandPart.LOGO, BrandPart.ALL) and row.logo_png is not None:
                row.logo_png = None
                row.logo_version = removed_logo_version(row.logo_version)
                on_passes = logo_gone = True
            row.updated_at = self._clock.now()
            if on_passes:
                await self._refresh_passes(session, row, logo_changed=logo_gone)
            return brand_of_row(row)

    async def _change(
        self,
        owner_id: int,
        *,
        colour: str | None = None,
        symbol: str | None = None,
        logo: bytes | None = None,
    ) -> Brand:
        async with self._db.write() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            row = await self._brands(session).locked(merchant.id, self._clock.now())
            if colour is not None:
                row.colour = colour
            if symbol is not None:
                row.symbol = symbol
            if logo is not None:
                row.logo_png = logo
                row.logo_version = next_logo_version(row.logo_version)
            row.updated_at = self._clock.now()
            if colour is not None or logo is not None:
                await self._refresh_passes(session, row, logo_changed=logo is not None)
            return brand_of_row(row)

    async def _refresh_passes(self, session: Session, row: BrandRow, *, logo_changed: bool) -> None:
        """The passes follow a new colour or logo; the café's own bot a new logo (its photo)."""
        # the change's time, colour and logo: two changes within one clock tick stay two
        when = row.updated_at.strftime("%Y%m%dT%H%M%S%f")
        version = f"{when}.{row.colour or '-'}.{row.logo_version}"
        effects: list[RefreshBrandedPasses | RefreshBotProfile] = [
            RefreshBrandedPasses(merchant_id=row.merchant_id, version=version)
        ]
        if logo_changed:
            effects.append(RefreshBotProfile(merchant_id=row.merchant_id, version=version))
        await self._effects.record(session, effects)

    def _brands(self, session: Session) -> BrandRepository:
        return BrandRepository(session, self._dialect)
