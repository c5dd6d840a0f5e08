"""The schema, as typed SQLAlchemy models, one module per concept. Migrations under migrations/
must match it exactly.

Importing the package registers every table on `Base.metadata` (what Alembic compares), and
re-exports the models, which the repositories and tools import from here.
"""

from __future__ import annotations

from domain.db.tables.access import (
    ApiKey,
    ApiKeyLookupFailure,
    LookupFailure,
    StaffInvite,
    StaffMembership,
)
from domain.db.tables.base import NAMING_CONVENTION, Base
from domain.db.tables.cards import BonusAward, Card, LedgerEntry, Referral
from domain.db.tables.merchants import Brand, Merchant, Program, Reward, Store, StoreOfDay, User
from domain.db.tables.messages import Offer, OfferConsent, OfferRecipient, SummaryDelivery
from domain.db.tables.wallet import WalletPass, WalletRegistration
from domain.db.tables.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "NAMING_CONVENTION",
    "ApiKey",
    "ApiKeyLookupFailure",
    "Base",
    "BonusAward",
    "Brand",
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
    "StoreOfDay",
    "SummaryDelivery",
    "User",
    "WalletPass",
    "WalletRegistration",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
