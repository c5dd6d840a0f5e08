"""Cards and their append-only ledger, with the bonuses and referrals paid on them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.db.tables.base import Base
from domain.db.types import BigIntPK, ScaledDecimal, UTCDateTime


class Card(Base):
    """A customer's card at a merchant (or at one store when cross-location is off)."""

    __tablename__ = "cards"
    __table_args__ = (
        CheckConstraint("stamp_count >= 0", name="stamp_count_not_negative"),
        CheckConstraint("points_balance >= 0", name="points_balance_not_negative"),
        CheckConstraint("lifetime_stamps >= 0", name="lifetime_stamps_not_negative"),
        CheckConstraint("rewards_redeemed >= 0", name="rewards_redeemed_not_negative"),
        # One active card per customer and store in every mode; per merchant is the service's job
        # because it depends on the cross-location setting, which can change.
        Index(
            "uq_cards_one_active_per_customer_store",
            "customer_id",
            "store_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
        # A merchant's cards by customer, with every column the Insights page reads of them
        # (new customers, lapsed members, rewards ready, win-backs): those reads walk the index
        # alone, not table pages scattered among other merchants' cards.
        Index(
            "ix_cards_merchant_members",
            "merchant_id",
            "customer_id",
            "active",
            "first_visit_at",
            "last_activity_at",
            "stamp_count",
            "points_balance",
            "winback_sent_at",
        ),
        Index("ix_cards_merchant_activity", "merchant_id", "last_activity_at"),
        Index("ix_cards_merchant_created", "merchant_id", "created_at"),
        Index("uq_cards_referral_code", "referral_code", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(12), unique=True)
    qr_token: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))  # where it was enrolled
    stamp_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    lifetime_stamps: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    rewards_redeemed: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    points_balance: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    points_earned: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    points_redeemed: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    points_voided: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    points_expired: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    last_stamp_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_points_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_redemption_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expiry_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the "we miss you" and "almost there" messages went out: once per lapse, that is
    # until the next operation (last_activity_at) moves past them.
    winback_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    almost_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    merged_into_card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The holder's invitation code, for their ref_ link (random, stable).
    referral_code: Mapped[str | None] = mapped_column(String(16))
    # The first staff-confirmed earning: welcome and referral bonuses are paid with it.
    first_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LedgerEntry(Base):
    """One balance change. Append-only: corrections are compensating rows, never edits."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_entries_card_id_id", "card_id", "id"),
        Index("ix_ledger_entries_merchant_created", "merchant_id", "created_at"),
        Index("ix_ledger_entries_staff_id", "staff_user_id", "id"),
        # The operations feed reads a merchant's entries in (transaction, id) order.
        Index("ix_ledger_entries_merchant_feed", "merchant_id", "transaction_id", "id"),
        # A till's receipt earns once per merchant (its refund finds the earning by it).
        Index(
            "uq_ledger_entries_merchant_receipt",
            "merchant_id",
            "receipt",
            unique=True,
            sqlite_where=text("receipt IS NOT NULL"),
            postgresql_where=text("receipt IS NOT NULL"),
        ),
        CheckConstraint("stamp_balance_after >= 0", name="stamp_balance_after_not_negative"),
        CheckConstraint("points_balance_after >= 0", name="points_balance_after_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    stamps_delta: Mapped[int] = mapped_column(Integer)
    points_delta: Mapped[int] = mapped_column(BigInteger)
    stamp_balance_after: Mapped[int] = mapped_column(Integer)
    points_balance_after: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[Decimal | None] = mapped_column(ScaledDecimal(2))  # purchase, in currency
    reason: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The ladder's reward a `redeem_reward` row (and its reversal) is about.
    reward_id: Mapped[int | None] = mapped_column(ForeignKey("rewards.id"))
    # A compensating row (undo, not me) points at the row it reverses; unique, so at most once.
    reverses_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_entries.id"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Of the deltas of an earning, what a happy hour added (negated on its reversal).
    happy_hour_extra: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    # An API request's fingerprint, kept with its idempotency key: the same key with another
    # request is refused, not answered with this row.
    request_hash: Mapped[str | None] = mapped_column(String(64))
    receipt: Mapped[str | None] = mapped_column(String(64))  # the till's receipt id
    # The writing transaction's id on PostgreSQL (its default there is pg_current_xact_id(),
    # set by the migration): the operations feed pages by it (domain/db/operations_feed.py).
    # Always 0 on SQLite, whose single writer commits in id order.
    transaction_id: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class BonusAward(Base):
    """A bonus paid: its unique key makes each one once per customer, merchant and occasion
    ("welcome", "birthday:2026", "referral:7:referrer"), under re-delivery and concurrency."""

    __tablename__ = "bonus_awards"
    __table_args__ = (
        UniqueConstraint(
            "merchant_id", "customer_id", "occasion", name="uq_bonus_awards_customer_occasion"
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    occasion: Mapped[str] = mapped_column(String(40))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Referral(Base):
    """A customer who joined through another's ref_ link; converted at their first visit."""

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint(
            "merchant_id", "referred_customer_id", name="uq_referrals_merchant_referred"
        ),
        Index(
            "ix_referrals_referrer_converted", "merchant_id", "referrer_customer_id", "converted_at"
        ),
        Index("ix_referrals_merchant_converted", "merchant_id", "converted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    referrer_customer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    referrer_card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    referred_customer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    referred_card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    referrer_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    referred_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
