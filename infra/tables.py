"""Tables of the infrastructure, on the domain's metadata (one schema, one migration history)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.db.tables import Base
from domain.db.types import BigIntPK, UTCDateTime


class InboundUpdate(Base):
    """A Telegram update, stored before Telegram is told it arrived, until it has been handled.

    Polling confirms an update (the next offset) only once it is stored here, so a crash means
    re-delivery from this table, never loss; `processed_at` makes a re-delivered update a no-op.
    """

    __tablename__ = "inbound_updates"
    __table_args__ = (Index("ix_inbound_updates_pending", "processed_at", "bot_id", "update_id"),)

    # Update ids are counted per bot: (bot, update id) names an update (0 is the platform bot).
    bot_id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, server_default=text("0")
    )
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """An effect to deliver (a customer's notice, an owner's alert, a summary, a wallet refresh).

    Written in the transaction that caused it; `key` makes it once per cause. A dispatcher
    claims due rows for a lease, delivers them and marks them done.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index(
            "ix_outbox_due",
            "available_at",
            "id",
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
        Index(
            "ix_outbox_recipient_pending",
            "recipient_id",
            "id",
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(96), unique=True)
    recipient_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))


class PendingStep(Base):
    """A step of a conversation that waits for the person's next message or tap.

    Bound to what it is about (a card, an invite, a business name) and to the prompts that
    asked for it, so an answer is applied to that object only, by whichever worker receives it.
    Closed steps are kept for a day so that a late answer can be told what happened.
    """

    __tablename__ = "pending_steps"
    __table_args__ = (Index("ix_pending_steps_chat", "bot_id", "chat_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A person's chat with each bot is its own chat (its own message ids and prompts).
    bot_id: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[str | None] = mapped_column(String(256))
    prompt_ids: Mapped[str] = mapped_column(String(200), server_default=text("''"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_as: Mapped[str | None] = mapped_column(String(12))


class MessageGrant(Base):
    """One message some worker was allowed to send, at the database's clock: the bot-wide
    budget (infra/send_budget.py) counts these over the last second. Kept a few seconds."""

    __tablename__ = "message_grants"
    __table_args__ = (Index("ix_message_grants_bot", "bot_id", "granted_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    bot_id: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))  # each bot's budget
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SendPause(Base):
    """One row per bot: no worker sends through it before `until` (Telegram answered one of them
    with a 429; other bots go on). `id` is the bot's key (0 for the platform bot)."""

    __tablename__ = "send_pause"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    until: Mapped[datetime] = mapped_column(UTCDateTime)


class HostedBot(Base):
    """A café's own bot, created through the platform bot (Telegram's managed bots) and served
    by every worker. The platform bot itself comes from TELEGRAM_BOT_TOKEN and has no row.

    `token` is encrypted at rest (infra/bots.py, BOT_TOKEN_KEY). `version` grows with every
    change, so a worker that sees a newer version than the one it serves reloads that bot.
    """

    __tablename__ = "hosted_bots"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), unique=True)
    username: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    token: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12))  # active | paused | off
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The webhook URL Telegram was last given for this bot (None: not registered, or polling).
    webhook_url: Mapped[str | None] = mapped_column(String(400))
    # When its commands, names and descriptions were last set (None: still to do).
    profile_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BotUser(Base):
    """A person who has started a café's bot: from then on that bot may write to them (Telegram
    refuses a bot's first message to someone who never started it)."""

    __tablename__ = "bot_users"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiRequestWindow(Base):
    """One row per API key: the requests it made in its current window (a minute, in Unix
    seconds), counted by every worker with one upsert (infra/api_requests.py)."""

    __tablename__ = "api_request_windows"

    api_key_id: Mapped[int] = mapped_column(
        ForeignKey("api_keys.id"), primary_key=True, autoincrement=False
    )
    window_start: Mapped[int] = mapped_column(BigInteger)
    requests: Mapped[int] = mapped_column(Integer)
