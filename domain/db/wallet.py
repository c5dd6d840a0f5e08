"""Wallet passes: each card's pass version, and the devices that registered for its updates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.dialect import Dialect
from domain.db.tables import Card, WalletPass, WalletRegistration


class WalletRepository:
    """Reads and writes pass versions and device registrations through one session."""

    def __init__(self, session: AsyncSession, dialect: Dialect) -> None:
        self.session = session
        self._dialect = dialect

    async def card_by_number(self, number: str) -> Card | None:
        query = select(Card).where(Card.number == number)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def pass_of(self, card_id: int) -> WalletPass | None:
        return await self.session.get(WalletPass, card_id)

    async def locked_pass(self, card: Card) -> WalletPass:
        """The card's pass row, locked; a missing row means "unchanged since the card was made"
        and is inserted as such (racing inserts are both fine)."""
        values = {"card_id": card.id, "updated_at": card.created_at}
        await self.session.execute(
            self._dialect.insert(WalletPass).values(values).on_conflict_do_nothing()
        )
        query = select(WalletPass).where(WalletPass.card_id == card.id)
        if self._dialect.locks_rows:
            query = query.with_for_update()
        result = await self.session.execute(query.execution_options(populate_existing=True))
        return result.scalar_one()

    async def touch(self, row: WalletPass, updated_at: datetime) -> None:
        row.updated_at = updated_at
        await self.session.flush()

    async def latest_of_merchant(self, merchant_id: int) -> datetime | None:
        """The latest version of any pass of the café's cards."""
        query = select(func.max(WalletPass.updated_at)).where(
            WalletPass.card_id.in_(_cards_of(merchant_id))
        )
        return await self.session.scalar(query)

    async def move_merchant_passes(self, merchant_id: int, moved: datetime) -> None:
        """Every pass of the café's cards to `moved`, but for those already past it (changed
        meanwhile: they keep their later tag)."""
        await self.session.execute(
            update(WalletPass)
            .where(WalletPass.card_id.in_(_cards_of(merchant_id)), WalletPass.updated_at < moved)
            .values(updated_at=moved)
        )

    # --- devices -----------------------------------------------------------------------------

    async def registration(
        self, device: str, pass_type: str, serial_number: str
    ) -> WalletRegistration | None:
        query = select(WalletRegistration).where(
            WalletRegistration.device_library_identifier == device,
            WalletRegistration.pass_type_identifier == pass_type,
            WalletRegistration.serial_number == serial_number,
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def device_count(self, pass_type: str, serial_number: str) -> int:
        query = select(func.count()).where(
            WalletRegistration.pass_type_identifier == pass_type,
            WalletRegistration.serial_number == serial_number,
        )
        return int((await self.session.execute(query)).scalar_one())

    def register(self, registration: WalletRegistration) -> None:
        self.session.add(registration)

    async def unregister(self, device: str, pass_type: str, serial_number: str) -> None:
        await self.session.execute(
            delete(WalletRegistration).where(
                WalletRegistration.device_library_identifier == device,
                WalletRegistration.pass_type_identifier == pass_type,
                WalletRegistration.serial_number == serial_number,
            )
        )

    async def forget_push_tokens(self, pass_type: str, tokens: Sequence[str]) -> None:
        await self.session.execute(
            delete(WalletRegistration).where(
                WalletRegistration.pass_type_identifier == pass_type,
                WalletRegistration.push_token.in_(tokens),
            )
        )

    async def updated_passes(
        self, device: str, pass_type: str, after: datetime | None
    ) -> list[tuple[str, datetime]]:
        """(serial number, version) of the device's passes changed after `after` (all without)."""
        query = (
            select(WalletRegistration.serial_number, WalletPass.updated_at)
            .join(Card, Card.number == WalletRegistration.serial_number)
            .join(WalletPass, WalletPass.card_id == Card.id)
            .where(
                WalletRegistration.device_library_identifier == device,
                WalletRegistration.pass_type_identifier == pass_type,
            )
        )
        if after is not None:
            query = query.where(WalletPass.updated_at > after)
        rows = await self.session.execute(query.order_by(WalletRegistration.serial_number))
        return [(serial, updated) for serial, updated in rows]

    async def push_tokens(self, pass_type: str, serial_number: str, limit: int) -> list[str]:
        """The push tokens of the devices holding the pass, newest registration first."""
        query = (
            select(WalletRegistration.push_token)
            .where(
                WalletRegistration.pass_type_identifier == pass_type,
                WalletRegistration.serial_number == serial_number,
            )
            .order_by(WalletRegistration.created_at.desc(), WalletRegistration.id.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def push_tokens_of_merchant(self, merchant_id: int, pass_type: str) -> list[str]:
        """The push tokens of the devices holding a pass of the café's active cards."""
        query = (
            select(WalletRegistration.push_token)
            .join(Card, Card.number == WalletRegistration.serial_number)
            .where(
                Card.merchant_id == merchant_id,
                Card.active,
                WalletRegistration.pass_type_identifier == pass_type,
            )
            .order_by(WalletRegistration.id)
        )
        return list(await self.session.scalars(query))

    async def registrations_of_passes(
        self, serial_numbers: Sequence[str]
    ) -> list[WalletRegistration]:
        """The devices holding these passes (serial numbers are card numbers), oldest first."""
        query = (
            select(WalletRegistration)
            .where(WalletRegistration.serial_number.in_(serial_numbers))
            .order_by(WalletRegistration.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def forget_devices_of_passes(self, serial_numbers: Sequence[str]) -> None:
        """Erasure: device identifiers and push tokens of these passes go."""
        await self.session.execute(
            delete(WalletRegistration).where(WalletRegistration.serial_number.in_(serial_numbers))
        )


def _cards_of(merchant_id: int) -> Select[int]:
    return select(Card.id).where(Card.merchant_id == merchant_id)
