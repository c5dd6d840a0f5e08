"""People and businesses: users, merchants, their look, programme, reward ladder and stores."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.db.tables.base import Base
from domain.db.types import ScaledDecimal, UTCDateTime


class User(Base):
    """A Telegram user the bot has met: customer, staff or owner (roles live elsewhere)."""

    __tablename__ = "users"
    # Today's birthdays are found from here: the daily cost follows them, not all the cards.
    __table_args__ = (Index("ix_users_birthday", "birth_month", "birth_day"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str | None] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(64))
    telegram_language: Mapped[str | None] = mapped_column(String(35))
    language: Mapped[str | None] = mapped_column(String(2))  # explicit /language choice
    reachable: Mapped[bool] = mapped_column(Boolean, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The customer's birthday (day and month, no year), for every merchant's birthday bonus.
    birth_day: Mapped[int | None] = mapped_column(Integer)
    birth_month: Mapped[int | None] = mapped_column(Integer)
    birthday_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Merchant(Base):
    __tablename__ = "merchants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    owner_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Brand(Base):
    """The café's look (domain/brand.py): a row only once the owner chose something. The logo
    is stored once, already resized to what images and pages use, never decoded per request."""

    __tablename__ = "brands"

    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), primary_key=True)
    colour: Mapped[str | None] = mapped_column(String(7))
    symbol: Mapped[str | None] = mapped_column(String(32))
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_version: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Program(Base):
    """The one loyalty program of a merchant; ranges are validated in domain.program. Its
    rewards, the first of each unit included, are its ladder's rungs (`rewards`)."""

    __tablename__ = "programs"
    __table_args__ = (
        CheckConstraint("cooldown_minutes BETWEEN 0 AND 1440", name="cooldown_range"),
        CheckConstraint("daily_limit BETWEEN 0 AND 100", name="daily_limit_range"),
        CheckConstraint("expiry_days BETWEEN 0 AND 3650", name="expiry_days_range"),
        CheckConstraint("welcome_bonus BETWEEN 0 AND 10000", name="welcome_bonus_range"),
        CheckConstraint("birthday_bonus BETWEEN 0 AND 10000", name="birthday_bonus_range"),
        CheckConstraint("referral_bonus BETWEEN 0 AND 10000", name="referral_bonus_range"),
        CheckConstraint("referral_cap BETWEEN 0 AND 100", name="referral_cap_range"),
        CheckConstraint("winback_days BETWEEN 0 AND 365", name="winback_days_range"),
        CheckConstraint("offers_per_day BETWEEN 0 AND 3", name="offers_per_day_range"),
    )

    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), primary_key=True)
    type: Mapped[str] = mapped_column(String(8))
    cooldown_minutes: Mapped[int] = mapped_column(Integer)
    daily_limit: Mapped[int] = mapped_column(Integer)
    points_per_euro: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    expiry_days: Mapped[int] = mapped_column(Integer)
    cross_location: Mapped[bool] = mapped_column(Boolean)
    timezone: Mapped[str] = mapped_column(String(64))
    summary_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM", None = off
    # A day without activity: one short line (True) or no summary at all.
    quiet_day_message: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # When the summary was last switched on (None: on since ever): missed days are caught up
    # from then, not from a time it was off.
    summary_on_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(String(2))
    # Staff may correct stamps (/correct) too, not only the owner.
    staff_corrections: Mapped[bool] = mapped_column(Boolean, server_default=false())
    welcome_bonus: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    birthday_bonus: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    referral_bonus: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    referral_cap: Mapped[int] = mapped_column(Integer, server_default=text("10"))
    happy_hour: Mapped[str | None] = mapped_column(String(200))  # None = off
    winback_days: Mapped[int] = mapped_column(Integer, server_default=text("30"))
    offers_per_day: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Raised by the database on every change of this row or of the merchant's rewards
    # (triggers): what the programme caches of every worker compare with (domain/db/programmes).
    version: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class Reward(Base):
    """One rung of a programme's reward ladder: what `cost` stamps or points buy.

    Removed rungs stay (removed_at set), so history and exports still name what was redeemed.
    The ladder is the one store of rewards: the settings stamps_target and reward
    (points_reward and points_reward_text) are each unit's cheapest current rung.
    """

    __tablename__ = "rewards"
    __table_args__ = (
        CheckConstraint("unit IN ('stamps', 'points')", name="unit_known"),
        CheckConstraint("cost >= 1", name="cost_positive"),
        Index(
            "uq_rewards_one_active_cost",
            "merchant_id",
            "unit",
            "cost",
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
            postgresql_where=text("removed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    unit: Mapped[str] = mapped_column(String(8))
    cost: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    # The owner's names for it in other languages ({"fr": "Café offert"}); a customer reads
    # theirs, else `name` (domain.model.Reward.name_in). Always replaced whole, never mutated
    # in place (a JSON column does not see changes inside it). Kept on the row, not in a table
    # of its own, so that a change raises the programme's version like any change of a rung.
    name_translations: Mapped[dict[str, str]] = mapped_column(JSON, server_default=text("'{}'"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Store(Base):
    __tablename__ = "stores"
    __table_args__ = (UniqueConstraint("merchant_id", "name", name="uq_stores_merchant_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(16), unique=True)  # public: printed on posters
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StoreOfDay(Base):
    """The store an all-stores staff member said they work at on one merchant-local day: their
    operations of that day are booked to it."""

    __tablename__ = "stores_of_day"

    membership_id: Mapped[int] = mapped_column(ForeignKey("staff_memberships.id"), primary_key=True)
    local_day: Mapped[date] = mapped_column(Date, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)
