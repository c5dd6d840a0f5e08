"""What each Mini App call may carry, as typed models (pydantic): a body that does not fit is
refused with 400 before any handler runs, whatever it holds (deep nesting, huge integers, NaN,
wrong types), and nothing is changed. The models are strict: a number where text is expected
(or "true" where true is) is not coerced. Fields a call does not read are ignored, so the page
may send its idempotency key with every press.

One module for every body, so that a coming API for tills can share the field types.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, Base64Bytes, BaseModel, ConfigDict, Field, StringConstraints

from bot.look import LOGO_INPUT_MAX_BYTES
from domain.program import SETTING_KEYS
from webapp.requests import MAX_BODY

MAX_ID = 2**53  # what JavaScript's numbers hold exactly

Id = Annotated[int, Field(gt=0, lt=MAX_ID)]
Reference = Annotated[str, StringConstraints(min_length=1, max_length=512)]
Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,40}$")]
Name = Annotated[str, StringConstraints(max_length=400)]  # the use case trims and checks it
TypedNumber = (
    Annotated[str, StringConstraints(max_length=32)] | Annotated[int, Field(ge=0, lt=MAX_ID)]
)


class Body(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")
    # The most bytes such a body may have: a larger one is refused (400) before it is read on.
    max_bytes: ClassVar[int] = MAX_BODY


class Empty(Body):
    pass


class CardBody(Body):
    card: Id


class HistoryBody(Body):
    card: Id
    before: Id | None = None


class LanguageBody(Body):
    language: Annotated[str, StringConstraints(min_length=1, max_length=8)]


class LookupBody(Body):
    reference: Reference


class KeyedBody(Body):
    """A press at the counter: the card and the press's own idempotency key."""

    reference: Reference
    key: Key


class StampBody(KeyedBody):
    n: Annotated[int, Field(gt=0, le=100)]


class RedeemBody(KeyedBody):
    reward: Annotated[str, StringConstraints(min_length=1, max_length=16)]


class PointsBody(KeyedBody):
    amount: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    confirmed: bool = False


class UndoBody(Body):
    pass


class StoreBody(Body):
    """The store a cashier of every store says they are at today."""

    store: Id


class SummaryBody(Body):
    period: Annotated[str, StringConstraints(min_length=1, max_length=16)]


def _setting_key(key: str) -> str:
    if key not in SETTING_KEYS:
        raise ValueError("not a setting")
    return key


class SettingBody(Body):
    """One setting changed in the owner's form: its key, the value as chosen or typed (read
    as the chat reads it), and the confirmations the owner has given."""

    key: Annotated[str, AfterValidator(_setting_key)]
    value: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    confirm_merge: bool = False
    confirm_hidden: bool = False
    confirm_past_midnight: bool = False  # a happy-hour window that crosses midnight


class PosterBody(Body):
    store: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class InviteBody(Body):
    store: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


class RevokeBody(Body):
    number: Id
    membership: Id


class ApiKeyCreateBody(Body):
    """A key for a till (the /apikeys use cases): its name as typed, the store it is for (its
    code; none: every store) and at least one scope."""

    name: Name  # the use case trims and checks it, and says why in the owner's words
    store: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    scopes: Annotated[list[Literal["read", "earn", "redeem"]], Field(max_length=3)]


class ApiKeyRevokeBody(Body):
    name: Name


class ExportBody(Body):
    days: Annotated[int, Field(ge=-(10**6), le=10**6)] = 30  # the use case says which days
    format: Literal["csv", "xlsx"] = "csv"


class RewardAddBody(Body):
    cost: TypedNumber  # as typed: the handler answers "not a number" in the owner's words
    name: Name
    unit: Literal["stamps", "points"] | None = None


class RewardRenameBody(Body):
    reward: Id
    name: Name


class RewardNameInBody(Body):
    """A reward's name in one language; an empty or missing name takes that name away."""

    reward: Id
    language: Annotated[str, StringConstraints(min_length=1, max_length=8)]  # the use case checks
    name: Name | None = None


class RewardCostBody(Body):
    reward: Id
    cost: TypedNumber


class RewardBody(Body):
    reward: Id


class OfferPreviewBody(Body):
    text: Annotated[str, StringConstraints(max_length=4000)]
    audience: Literal["all", "store", "lapsed", "near"]
    arg: TypedNumber | None = None


class OfferSendBody(Body):
    offer: Id


class LogoBody(Body):
    """The owner's logo as a file they picked, base64 in JSON. The body holds a picture up to
    twice the logo's limit, so that one somewhat too large is refused in words (BadLogo) rather
    than cut off; the page does not send larger ones."""

    max_bytes: ClassVar[int] = (2 * LOGO_INPUT_MAX_BYTES + 2) // 3 * 4 + MAX_BODY
    logo: Base64Bytes


class ColourBody(Body):
    """A brand colour: a swatch's code, or a code as typed (the domain reads it, and refuses
    in the owner's words what is no colour)."""

    colour: Annotated[str, StringConstraints(min_length=1, max_length=32)]


class SymbolBody(Body):
    """A stamp symbol: a drawn icon's name, or an emoji (the domain reads it)."""

    symbol: Annotated[str, StringConstraints(min_length=1, max_length=32)]


class LookDefaultBody(Body):
    """The part of the café's look to set back to the product's default."""

    part: Literal["colour", "symbol"]
