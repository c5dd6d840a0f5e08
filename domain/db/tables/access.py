"""Who may act for a merchant: staff memberships, invites, API keys, and failed look-ups counted
against them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.db.tables.base import Base
from domain.db.types import BigIntPK, UTCDateTime


class StaffMembership(Base):
    """A user's role at a merchant; store_id None means every store. One active per user."""

    __tablename__ = "staff_memberships"
    __table_args__ = (
        Index(
            "uq_staff_memberships_one_active_per_user",
            "user_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
        Index("ix_staff_memberships_merchant_active", "merchant_id", "active"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    role: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StaffInvite(Base):
    """A one-time invite link; only the SHA-256 of its token is stored."""

    __tablename__ = "staff_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ApiKey(Base):
    """A till's or tool's key to the API, for the merchant or one store. Only the SHA-256 of
    its secret is stored (domain/apikeys.py says why that is enough); a revoked key stays, so
    its name and operations can still be told apart."""

    __tablename__ = "api_keys"
    __table_args__ = (
        # One key of a name per merchant among the keys in use: `/apikeys revoke NAME` is exact.
        Index(
            "uq_api_keys_merchant_name_in_use",
            "merchant_id",
            "name",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    name: Mapped[str] = mapped_column(String(32))
    scopes: Mapped[str] = mapped_column(String(32))  # "read,earn,redeem"
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LookupFailure(Base):
    """A staff member's look-up of a card number or QR token that matched nothing.

    Counted over a sliding window to stop anyone from guessing card numbers.
    """

    __tablename__ = "lookup_failures"
    __table_args__ = (Index("ix_lookup_failures_staff_time", "staff_user_id", "failed_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiKeyLookupFailure(Base):
    """An API key's look-up of a card reference that matched nothing: the same guard against
    guessing card numbers as a staff member's (LookupFailure), counted per key."""

    __tablename__ = "api_key_lookup_failures"
    __table_args__ = (Index("ix_api_key_lookup_failures_key_time", "api_key_id", "failed_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
