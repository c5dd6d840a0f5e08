"""What the bot sends of its own accord: daily summaries, and offers with the consent they need."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.db.tables.base import Base
from domain.db.types import UTCDateTime


class SummaryDelivery(Base):
    """A merchant's summary for one local day was sent (or is being sent): never twice."""

    __tablename__ = "summary_deliveries"

    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), primary_key=True)
    local_day: Mapped[date] = mapped_column(Date, primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OfferConsent(Base):
    """A customer's choice about a merchant's messages: offers (off until they opt in) and the
    messages that bring them back (on until they stop them). The row exists once they were
    asked, so the question after the first visit is asked once."""

    __tablename__ = "offer_consents"

    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    offers: Mapped[bool] = mapped_column(Boolean, server_default=false())
    nudges: Mapped[bool] = mapped_column(Boolean, server_default=true())
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When offers were last turned off (for "unsubscribed since" in the offers' reports).
    offers_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Offer(Base):
    """A broadcast an owner wrote: a draft until sent, then its recipients are listed in
    batches (`expanded_until` is the last customer listed) and each is sent to once."""

    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_merchant_day", "merchant_id", "local_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    text: Mapped[str] = mapped_column(String(1000))
    photo_file_id: Mapped[str | None] = mapped_column(String(255))
    audience: Mapped[str | None] = mapped_column(String(8))  # all, store, lapsed, near
    audience_arg: Mapped[int | None] = mapped_column(Integer)  # the store id, or the days
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: a draft
    local_day: Mapped[date | None] = mapped_column(Date)
    expanded_until: Mapped[int | None] = mapped_column(BigInteger)
    expanded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # every recipient listed
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # every recipient done


class OfferRecipient(Base):
    """One customer an offer goes to; the primary key makes it once per offer and customer.
    `attempted_at` is set before the send, so a send cut short by a crash is never repeated."""

    __tablename__ = "offer_recipients"
    __table_args__ = (
        Index(
            "ix_offer_recipients_pending",
            "offer_id",
            sqlite_where=text("finished_at IS NULL"),
            postgresql_where=text("finished_at IS NULL"),
        ),
    )

    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(12))  # delivered, blocked, failed, unsure
