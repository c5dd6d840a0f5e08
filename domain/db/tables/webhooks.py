"""The merchant's webhooks: endpoints, the events sent to them and each delivery."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.db.tables.base import Base
from domain.db.types import BigIntPK, UTCDateTime


class WebhookEndpoint(Base):
    """A URL the owner registered for events (PRODUCT.md §12), with its signing secret.

    The secret signs every request, so it is kept as given (a hash could not sign); it is shown
    to the owner once. `failing_since` is the first failed try since the last success: three
    days of it disable the endpoint.
    """

    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_merchant", "merchant_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    url: Mapped[str] = mapped_column(String(400))
    secret: Mapped[str] = mapped_column(String(64))
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookEvent(Base):
    """An event as it is sent: its body is fixed when the operation commits, so every try
    carries the same id and the same bytes."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    card_id: Mapped[int | None] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """One event for one endpoint: claimed by one worker at a time for a lease, tried until it
    is delivered or its endpoint is disabled. A card's deliveries to an endpoint go in order."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint_id"),
        Index(
            "ix_webhook_deliveries_due",
            "available_at",
            "id",
            sqlite_where=text("delivered_at IS NULL"),
            postgresql_where=text("delivered_at IS NULL"),
        ),
        Index(
            "ix_webhook_deliveries_card_pending",
            "endpoint_id",
            "card_id",
            "id",
            sqlite_where=text("delivered_at IS NULL"),
            postgresql_where=text("delivered_at IS NULL"),
        ),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_events.id"))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"))
    card_id: Mapped[int | None] = mapped_column(BigInteger)  # the event's, for the order
    available_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_tried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(200))
