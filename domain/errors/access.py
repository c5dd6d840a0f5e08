"""Refusals of who may do what, of look-ups that find nothing, and of staff and invites."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors.base import DomainError
from domain.store_of_day import StoreChoice


class NotStaff(DomainError):
    """The user has no active staff membership."""


class NotOwner(DomainError):
    """The user is not the owner of a merchant."""


class OwnCard(DomainError):
    """Nobody may stamp, credit or redeem their own card, owners included."""


@dataclass(eq=False)
class CardOfOtherStore(DomainError):
    """Cross-location is off and the card was enrolled at another store."""

    store_name: str


class CardInactive(DomainError):
    """The card was deactivated (its holder erased their data, or it was merged)."""


class CardNotFound(DomainError):
    """No active card of this merchant has that number or QR token."""


@dataclass(eq=False)
class CardNumberWrongLength(CardNotFound):
    """What was typed is a number, but not of a card's 12 digits (a digit left out or doubled)."""

    digits: int


@dataclass(eq=False)
class StoreNotFound(DomainError):
    """No store has that code (or name, for owners)."""

    reference: str


@dataclass(eq=False)
class OtherCafe(DomainError):
    """A café's own bot was asked to act for another café (its store code, its invite)."""

    merchant_name: str


class NoCard(DomainError):
    """The customer has no card yet."""


class EntryNotFound(DomainError):
    """The ledger entry does not exist or is not the caller's to dispute."""


@dataclass(eq=False)
class TooManyFailedLookups(DomainError):
    """Too many unknown card numbers in a short time: a guard against guessing."""

    retry_after_minutes: int


@dataclass(eq=False)
class MembershipSwitchRequired(DomainError):
    """The user is already staff elsewhere; switching needs their confirmation."""

    current_merchant_name: str


class OwnerCannotBecomeStaff(DomainError):
    """An owner cannot accept a staff invite (it would orphan their merchant)."""


class InviteNotFound(DomainError):
    """No invite has that token."""


class InviteUsed(DomainError):
    """The invite link was used already (invites are single-use)."""


class InviteExpired(DomainError):
    """The invite is older than its validity."""


@dataclass(eq=False)
class StaffMemberNotFound(DomainError):
    """`/revoke` with a number that is not in the staff list."""

    number: int


class CannotRevokeOwner(DomainError):
    """The owner's own membership cannot be revoked."""


@dataclass(eq=False)
class StoreOfDayRequired(DomainError):
    """A staff member of every store has not said which store they are at today: the
    operation waits for one tap on a store (it is booked there)."""

    stores: tuple[StoreChoice, ...]


class NotYourStore(DomainError):
    """The store named is not one the staff member may say they work at today."""
