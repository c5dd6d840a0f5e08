"""One exception class per refusal. Each carries the values its translated message needs.

The Telegram layer maps every class to exactly one message (bot/texts); the domain holds no prose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.store_of_day import StoreChoice


class DomainError(Exception):
    """A refusal: the request was understood and rejected; nothing changed."""

    def __str__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"


# --- who may do what -------------------------------------------------------------------------


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


class KeyUsedForAnotherCard(DomainError):
    """An idempotency key already answered an operation on another card: the request is not a
    repeat of that one, and is not carried out either (the caller reused a key)."""


class KeyUsedForAnotherRequest(DomainError):
    """An idempotency key already answered a request with other contents (an API caller reused
    a key for a new request): nothing is done."""


class CardInactive(DomainError):
    """The card was deactivated (its holder erased their data, or it was merged)."""


# --- look-ups --------------------------------------------------------------------------------


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


# --- stamping and points ---------------------------------------------------------------------


class StampsNotInProgram(DomainError):
    """The merchant's program collects points only."""


class PointsNotInProgram(DomainError):
    """The merchant's program collects stamps only."""


@dataclass(eq=False)
class CooldownActive(DomainError):
    """The card was stamped too recently."""

    minutes_left: int


@dataclass(eq=False)
class DailyLimitReached(DomainError):
    """The card has had as many stamps today as the program allows."""

    daily_limit: int
    remaining_today: int


@dataclass(eq=False)
class InvalidStampCount(DomainError):
    """Stamps are given 1 to 10 at a time."""

    minimum: int
    maximum: int


@dataclass(eq=False)
class NotEnoughStamps(DomainError):
    """The card has fewer stamps than a reward needs."""

    stamp_count: int
    stamps_target: int


@dataclass(eq=False)
class RewardReadyRedeemFirst(DomainError):
    """The card holds the top reward's stamps: it takes no more until it is redeemed."""

    stamp_count: int
    top_cost: int


# --- the reward ladder -----------------------------------------------------------------------


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


@dataclass(eq=False)
class InvalidAmount(DomainError):
    """A purchase amount outside the allowed range or with more than two decimals."""

    minimum: Decimal
    maximum: Decimal


@dataclass(eq=False)
class NoPointsForAmount(DomainError):
    """The amount is too small to earn a single point."""

    amount: Decimal
    points_per_euro: Decimal


@dataclass(eq=False)
class InvalidPoints(DomainError):
    """A points figure outside the allowed range."""

    minimum: int
    maximum: int


@dataclass(eq=False)
class NotEnoughPoints(DomainError):
    """The balance is below what the redemption needs."""

    points_balance: int
    points_needed: int


@dataclass(eq=False)
class LargePurchaseUnconfirmed(DomainError):
    """A purchase above `domain.model.LARGE_PURCHASE` waits for the cashier's confirmation
    (9999 typed for 99.99 would credit thousands of points): nothing was credited yet; the
    same call with `confirmed=True` credits it."""

    amount: Decimal
    card_number: str


@dataclass(eq=False)
class WholeBalanceVoidUnconfirmed(DomainError):
    """A void would take back the card's whole balance (99999 typed for 99 would empty it):
    nothing was taken yet; the same call with `confirmed=True` takes it."""

    points_balance: int
    card_number: str


# --- undo and disputes -----------------------------------------------------------------------


class NothingToUndo(DomainError):
    """The staff member has no operation of their own left to undo."""


@dataclass(eq=False)
class UndoWindowExpired(DomainError):
    """The last operation is older than the undo window."""

    window_minutes: int
    done_at: datetime
    stamps: bool = False  # the operation changed stamps (a correction can still fix it)


class CannotReverse(DomainError):
    """Reversing would make a balance negative: what was earned has been spent already."""


class AlreadyReversed(DomainError):
    """The entry has been reversed before."""


# --- corrections ------------------------------------------------------------------------------


class CorrectionNotAllowed(DomainError):
    """Staff may correct stamps only when the owner allows it (staff_corrections on)."""


@dataclass(eq=False)
class InvalidCorrection(DomainError):
    """A correction of 0 stamps, or of more than the maximum at a time."""

    maximum: int


@dataclass(eq=False)
class InvalidCorrectionReason(DomainError):
    """A correction needs a reason, of at most `max_length` characters."""

    max_length: int


@dataclass(eq=False)
class CorrectionExceedsBalance(DomainError):
    """A correction cannot take more stamps than the card has."""

    stamp_count: int
    requested: int


@dataclass(eq=False)
class CorrectionAboveTopReward(DomainError):
    """Stamps added back by a correction never take a card past its top reward's cost."""

    top: int
    stamp_count: int


@dataclass(eq=False)
class CorrectionNotJustified(DomainError):
    """Staff add back at most what corrections and undone stamps took off this card."""

    most: int


# --- birthdays and referrals ----------------------------------------------------------------


class InvalidBirthday(DomainError):
    """Not a day and month (31 April, 12/13, or text that reads as no date)."""


class ReferralNotFound(DomainError):
    """No card has that invitation code."""


# --- merchants, stores, program --------------------------------------------------------------


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


# --- staff -----------------------------------------------------------------------------------


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


# --- offers -----------------------------------------------------------------------------------


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


# --- the café's look -------------------------------------------------------------------------


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


# --- API keys ---------------------------------------------------------------------------------


class ApiKeyRefused(DomainError):
    """No key, an unknown one or a revoked one: the request is not anybody's."""


@dataclass(eq=False)
class ApiKeyScopeMissing(DomainError):
    """The key was not given the scope the request needs."""

    scope: str


@dataclass(eq=False)
class InvalidApiKeyName(DomainError):
    """A key's name: 1 to `max_length` letters, digits, '.', '_' or '-' (no spaces)."""

    max_length: int


@dataclass(eq=False)
class InvalidApiKeyScopes(DomainError):
    """A scope that does not exist."""

    allowed: tuple[str, ...]


@dataclass(eq=False)
class DuplicateApiKeyName(DomainError):
    """The merchant already has a key of that name (revoke it first)."""

    name: str


@dataclass(eq=False)
class ApiKeyNotFound(DomainError):
    """No key of the merchant has that name (or it was revoked)."""

    name: str


@dataclass(eq=False)
class ReceiptAlreadyUsed(DomainError):
    """The till's receipt id has already earned on a card of this merchant."""

    receipt: str


@dataclass(eq=False)
class ReceiptNotFound(DomainError):
    """No earning of this merchant (within the key's store) has that receipt id."""

    receipt: str


@dataclass(eq=False)
class ReceiptRefunded(DomainError):
    """The receipt's earning was refunded before: a receipt is refunded once."""

    receipt: str


@dataclass(eq=False)
class ReceiptOfOtherStore(DomainError):
    """A store's key refunds only what was earned at its store."""

    receipt: str
    store_name: str


@dataclass(eq=False)
class InvalidCursor(DomainError):
    """The `after` of an operations listing is not one the listing gave."""


# --- webhooks --------------------------------------------------------------------------------


class InvalidWebhookUrl(DomainError):
    """Not a URL an event could be posted to (no host, spaces, credentials, too long...)."""


class WebhookNeedsHttps(DomainError):
    """Events go out over HTTPS only (plain http only to this machine, when the operator
    allows it for tests)."""


@dataclass(eq=False)
class WebhookHostUnknown(DomainError):
    """The URL's host name resolves to no address."""

    host: str


@dataclass(eq=False)
class WebhookAddressRefused(DomainError):
    """The URL's host is on a private, loopback or link-local network: events are not sent
    inside the server's own network unless the operator allows it."""

    host: str


@dataclass(eq=False)
class TooManyWebhooks(DomainError):
    """The merchant has as many endpoints as allowed."""

    limit: int


@dataclass(eq=False)
class DuplicateWebhook(DomainError):
    """That URL is registered already."""

    url: str


@dataclass(eq=False)
class WebhookNotFound(DomainError):
    """No endpoint has that number in the owner's list."""

    number: int


@dataclass(eq=False)
class WebhookRemoved(DomainError):
    """A button names an endpoint the owner no longer has (removed since, or never theirs)."""


@dataclass(eq=False)
class WebhookNotDisabled(DomainError):
    """Re-enabling an endpoint that is working."""

    url: str
