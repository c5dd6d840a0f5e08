"""Wallet passes and the devices that hold them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.db.tables.base import Base
from domain.db.types import BigIntPK, UTCDateTime


class WalletPass(Base):
    """A card's wallet pass: when it last changed (its update tag for Apple Wallet devices)."""

    __tablename__ = "wallet_passes"

    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), primary_key=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WalletRegistration(Base):
    """A device that holds a card's Apple Wallet pass and wants a push when it changes."""

    __tablename__ = "wallet_registrations"
    __table_args__ = (
        UniqueConstraint(
            "device_library_identifier",
            "pass_type_identifier",
            "serial_number",
            name="uq_wallet_registrations_device_pass",
        ),
        Index("ix_wallet_registrations_pass", "pass_type_identifier", "serial_number"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    device_library_identifier: Mapped[str] = mapped_column(String(128))
    push_token: Mapped[str] = mapped_column(String(256))
    pass_type_identifier: Mapped[str] = mapped_column(String(255))
    serial_number: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
