"""Stores, enrolments, staff and who is talking to the bot, as the use cases return them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.model.cards import CardView
from domain.model.rewards import ProgramType

INVITE_VALIDITY = timedelta(hours=72)


class StaffRole(StrEnum):
    OWNER = "owner"
    STAFF = "staff"


@dataclass(frozen=True)
class StoreView:
    store_id: int
    merchant_id: int
    merchant_name: str
    name: str
    code: str


@dataclass(frozen=True)
class Enrolment:
    """The result of joining: the card, whether it is new, and where it works."""

    card: CardView
    created: bool
    joined_store: StoreView
    stores: tuple[StoreView, ...]  # every store where the card can be used
    referred: bool = False  # joined through a friend's ref_ link, recorded as their referral


@dataclass(frozen=True)
class Membership:
    """A user's active staff role."""

    user_id: int
    merchant_id: int
    merchant_name: str
    role: StaffRole
    store_id: int | None  # None: every store of the merchant
    store_name: str | None
    timezone: str
    merchant_language: str
    owner_user_id: int  # who to tell about the membership (a new cashier, say)
    staff_corrections: bool = False  # the owner lets staff correct stamps (/correct)
    program_type: ProgramType = ProgramType.HYBRID  # what the café's cards collect
    says_store_of_day: bool = False  # asked each day which store it works at (/store)

    @property
    def may_correct(self) -> bool:
        """May this person correct a card's stamps: the owner, or staff if the owner allows."""
        return self.role is StaffRole.OWNER or self.staff_corrections


@dataclass(frozen=True)
class Invite:
    token: str  # shown once; only its hash is stored
    merchant_id: int
    merchant_name: str
    store_name: str | None
    expires_at: datetime


@dataclass(frozen=True)
class StaffJoined:
    """A cashier accepted an invite: what their owner is told."""

    owner_user_id: int
    staff_name: str | None  # their first name; None when unknown or erased
    merchant_name: str
    store_name: str | None  # None: every store
    merchant_language: str


@dataclass(frozen=True)
class StaffListing:
    number: int  # the position in /staff, used by /revoke
    membership_id: int
    user_id: int
    display_name: str | None
    username: str | None
    role: StaffRole
    store_name: str | None
    since: datetime


@dataclass(frozen=True)
class UserProfile:
    """What Telegram tells us about a user; stored when they join, set up or accept an invite."""

    user_id: int
    first_name: str | None = None
    username: str | None = None
    telegram_language: str | None = None


@dataclass(frozen=True)
class Identity:
    """Who is talking to the bot: their language preferences and staff role, if any."""

    user_id: int
    language: str | None
    telegram_language: str | None
    membership: Membership | None
    known: bool  # False for a user the bot has never stored

    @property
    def is_staff(self) -> bool:
        return self.membership is not None

    @property
    def is_owner(self) -> bool:
        return self.membership is not None and self.membership.role is StaffRole.OWNER
