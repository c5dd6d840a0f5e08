"""Refusals of the owner's set-up: the business, its stores and programme, the reward ladder,
bonuses, offers and the café's look."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.errors.base import DomainError


@dataclass(eq=False)
class InvalidRewardCost(DomainError):
    """A reward's cost outside its unit's range (stamps 1–50, points 1–1,000,000)."""

    unit: str
    minimum: int
    maximum: int


@dataclass(eq=False)
class InvalidRewardName(DomainError):
    """A reward's name that is empty, too long or not printable."""

    max_length: int


@dataclass(eq=False)
class LadderFull(DomainError):
    """The programme already has the most rewards of this unit."""

    unit: str
    maximum: int


@dataclass(eq=False)
class DuplicateRewardCost(DomainError):
    """Another reward of this unit already costs this much."""

    unit: str
    cost: int
    name: str


@dataclass(eq=False)
class LastRewardKept(DomainError):
    """The only reward of a unit cannot be removed: a programme always has one."""

    unit: str


@dataclass(eq=False)
class RewardNotFound(DomainError):
    """No reward at this position in /rewards (or no longer: removed, or of another unit)."""

    number: int | None = None


@dataclass(eq=False)
class FirstRewardMustStayFirst(DomainError):
    """/program set changed the cheapest reward's cost past the next reward's: the ladder's
    order is changed in /rewards."""

    key: str
    next_cost: int


class InvalidBirthday(DomainError):
    """Not a day and month (31 April, 12/13, or text that reads as no date)."""


class ReferralNotFound(DomainError):
    """No card has that invitation code."""


@dataclass(eq=False)
class InvalidName(DomainError):
    """A business or store name that is empty or too long."""

    max_length: int


@dataclass(eq=False)
class AlreadyOwner(DomainError):
    """The user already owns a merchant (one merchant per owner)."""

    merchant_name: str


@dataclass(eq=False)
class DuplicateStoreName(DomainError):
    """The merchant already has a store of that name."""

    store_name: str


@dataclass(eq=False)
class UnknownSetting(DomainError):
    """`/program set` with a key that does not exist."""

    key: str
    allowed_keys: tuple[str, ...]
    near: str | None = None  # the key it was probably meant to be (`cooldwn` → `cooldown`)


@dataclass(eq=False)
class InvalidSettingValue(DomainError):
    """A program setting value outside what the key allows.

    Exactly the fields that describe the key's domain are set: `choices` for enumerations,
    `minimum`/`maximum` for numbers, `max_length` for texts, `example` for formats.
    """

    key: str
    value: str
    choices: tuple[str, ...] = ()
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    max_length: int | None = None
    example: str | None = None
    unit: str | None = None  # a bonus's range is in the programme's unit: "stamps" or "points"


@dataclass(eq=False)
class BonusTooLargeForType(DomainError):
    """A programme type whose unit makes a bonus too large (500 points would be 500 stamps):
    the owner lowers the bonus first."""

    key: str
    value: int
    maximum: int


@dataclass(eq=False)
class MergeConfirmationRequired(DomainError):
    """Turning cross-location on would merge duplicate cards; the owner must confirm."""

    customers: int
    cards: int


@dataclass(eq=False)
class HappyHourPastMidnight(DomainError):
    """A happy-hour window ends at or before its start, so it runs into the next day
    (`tue 11:00-09:00 x3` is 22 hours): often a typo; the owner must confirm."""

    window: str  # the first such window, as `/program set` shows it
    minutes: int  # how long it lasts


@dataclass(eq=False)
class TypeChangeHidesBalances(DomainError):
    """The new programme type does not show what some cards hold (stamps or points): the
    balances are kept and come back with a type that shows them; the owner must confirm."""

    cards: int
    hidden: str  # "stamps" or "points"


@dataclass(eq=False)
class OfferLimitReached(DomainError):
    """The merchant already sent its `offers_per_day` offers today (0: offers are off)."""

    limit: int


@dataclass(eq=False)
class InvalidOfferText(DomainError):
    """An offer needs a text of 1 to `max_length` printable characters."""

    max_length: int


class OfferNotFound(DomainError):
    """The draft is gone, already sent, or not this owner's."""


@dataclass(eq=False)
class InvalidAudienceDays(DomainError):
    """Lapsed customers are those not seen for `minimum` to `maximum` days."""

    minimum: int
    maximum: int


class NoMerchantOfCustomer(DomainError):
    """The customer has no card of any merchant whose offers they could choose."""


@dataclass(eq=False)
class BadBrandColour(DomainError):
    """Neither a swatch's name nor a #RRGGBB colour."""

    given: str


@dataclass(eq=False)
class BadBrandSymbol(DomainError):
    """Neither a drawn icon's name nor one emoji."""

    given: str


@dataclass(eq=False)
class BadLogo(DomainError):
    """The logo is not a picture we can read, or is larger than `max_megabytes`."""

    max_megabytes: int
