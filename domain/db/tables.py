"""The schema, as typed SQLAlchemy models. Migrations under migrations/ must match it exactly."""

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
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from domain.db.types import BigIntPK, ScaledDecimal, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


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
    """The one loyalty program of a merchant; ranges are validated in domain.program."""

    __tablename__ = "programs"
    __table_args__ = (
        CheckConstraint("stamps_target BETWEEN 1 AND 50", name="stamps_target_range"),
        CheckConstraint("cooldown_minutes BETWEEN 0 AND 1440", name="cooldown_range"),
        CheckConstraint("daily_limit BETWEEN 0 AND 100", name="daily_limit_range"),
        CheckConstraint("points_reward >= 1", name="points_reward_positive"),
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
    stamps_target: Mapped[int] = mapped_column(Integer)
    reward: Mapped[str] = mapped_column(String(100))
    cooldown_minutes: Mapped[int] = mapped_column(Integer)
    daily_limit: Mapped[int] = mapped_column(Integer)
    points_per_euro: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    points_reward: Mapped[int] = mapped_column(Integer)
    points_reward_text: Mapped[str] = mapped_column(String(100))
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
    The programme row keeps a copy of each unit's cheapest rung (stamps_target/reward,
    points_reward/points_reward_text), written only by the ladder's repository.
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


class StoreOfDay(Base):
    """The store an all-stores staff member said they work at on one merchant-local day: their
    operations of that day are booked to it."""

    __tablename__ = "stores_of_day"

    membership_id: Mapped[int] = mapped_column(ForeignKey("staff_memberships.id"), primary_key=True)
    local_day: Mapped[date] = mapped_column(Date, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)


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
        Index("ix_cards_merchant_customer", "merchant_id", "customer_id"),
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


class SummaryDelivery(Base):
    """A merchant's summary for one local day was sent (or is being sent): never twice."""

    __tablename__ = "summary_deliveries"

    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), primary_key=True)
    local_day: Mapped[date] = mapped_column(Date, primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)


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


__all__ = [
    "Base",
    "BonusAward",
    "Card",
    "LedgerEntry",
    "LookupFailure",
    "Merchant",
    "Offer",
    "OfferConsent",
    "OfferRecipient",
    "Program",
    "Referral",
    "Reward",
    "StaffInvite",
    "StaffMembership",
    "Store",
    "SummaryDelivery",
    "User",
    "WalletPass",
    "WalletRegistration",
]


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
