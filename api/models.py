"""What the API reads and answers, as typed models (pydantic v2): the same models validate the
bodies, shape the answers and write the OpenAPI document, so the three cannot drift apart.

Bodies are strict (no coercion: "3" is not 3) and closed (an unknown field is refused, so a
till that sends a field we do not read yet hears so instead of having it ignored).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from domain.model import CardView, Operation, ProgramType, RewardUnit
from domain.operations_feed import FEED_PAGE_MAX, FeedEntry, FeedPage
from domain.refund import Refund

MAX_ID = 2**53  # what JavaScript's numbers hold exactly
Amount = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,7}(\.[0-9]{1,2})?$"),
    Field(description='The purchase in the café\'s currency, as a string: "12.50".'),
]
Receipt = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Field(description="The till's receipt id: it earns once per café."),
]


class Body(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")


class EarnBody(Body):
    """Stamps, or the amount of a purchase that earns points; exactly one of the two."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"amount": "12.50", "receipt": "R-2026-000123"}]}
    )

    stamps: Annotated[int, Field(gt=0, lt=MAX_ID)] | None = None
    amount: Amount | None = None
    receipt: Receipt | None = None

    @model_validator(mode="after")
    def one_of_stamps_or_amount(self) -> Self:
        if (self.stamps is None) == (self.amount is None):
            raise ValueError("give either stamps or amount")
        return self

    @property
    def purchase(self) -> Decimal | None:
        return None if self.amount is None else Decimal(self.amount)


class RedeemBody(Body):
    """One reward of the card's `rewards` by its `id`, or a number of points; exactly one."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"reward": 41}]})

    reward: (
        Annotated[
            int,
            Field(ge=0, lt=MAX_ID, description="The reward's id (0: the programme's single one)."),
        ]
        | None
    ) = None
    unit: Literal["stamps", "points"] = Field(
        default="stamps", description="With reward 0 only: which single reward (as listed)."
    )
    points: Annotated[int, Field(gt=0, lt=MAX_ID, description="Points to spend.")] | None = None

    @model_validator(mode="after")
    def one_of_reward_or_points(self) -> Self:
        if (self.reward is None) == (self.points is None):
            raise ValueError("give either reward or points")
        return self


class RefundBody(Body):
    """The receipt whose earning is refunded."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"receipt": "R-2026-000123"}]})

    receipt: Receipt


class OperationsQuery(BaseModel):
    """The operations list's query: where to go on from, and how many at most. Query strings
    are text, so numbers are read from it (not strict); an unknown parameter is refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    after: (
        Annotated[
            str,
            StringConstraints(min_length=1, max_length=64),
            Field(description="The `next` of the previous page; none: from the start."),
        ]
        | None
    ) = None
    limit: Annotated[int, Field(ge=1, le=FEED_PAGE_MAX, description="At most this many.")] = 100


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)


class RewardOut(Answer):
    id: int = Field(description="The reward's id (0: the programme's single reward).")
    name: str
    unit: RewardUnit
    cost: int
    ready: bool
    to_go: int = Field(description="Stamps or points still missing; 0 when ready.")


class ValidAt(Answer):
    cafe: str
    store: str | None = Field(description="The one store where the card is valid; null: all.")


class CardOut(Answer):
    """A card as a till sees it: no name, no Telegram id."""

    number: str = Field(description="The card's 12 digits as printed: 1234-5678-9012.")
    programme: ProgramType
    stamps: int | None = Field(description="null when the programme collects no stamps.")
    points: int | None = Field(description="null when the programme collects no points.")
    rewards: list[RewardOut]
    valid_at: ValidAt

    @classmethod
    def of(cls, card: CardView, language: str | None = None) -> CardOut:
        """The card, its rewards named in `language` where the owner named them in it."""
        kind = card.program_type
        return cls(
            number=card.display_number,
            programme=kind,
            stamps=card.stamp_count if kind.has_stamps else None,
            points=card.points_balance if kind.has_points else None,
            rewards=[
                RewardOut(
                    id=r.reward_id,
                    name=r.name_in(language),
                    unit=r.unit,
                    cost=r.cost,
                    ready=card.to_go(r) == 0,
                    to_go=card.to_go(r),
                )
                for r in card.rewards
            ],
            valid_at=ValidAt(
                cafe=card.merchant_name, store=None if card.cross_location else card.store_name
            ),
        )


class BonusOut(Answer):
    kind: str
    stamps: int
    points: int


class OperationOut(Answer):
    id: int = Field(description="The ledger entry's id.")
    kind: str
    stamps: int = Field(description="Stamps added (or taken, negative).")
    points: int = Field(description="Points added (or taken, negative).")
    amount: str | None
    happy_hour_extra: int = Field(description="Of stamps or points, what a happy hour added.")
    bonuses: list[BonusOut] = Field(description="Bonuses paid on the card with this operation.")
    store: str
    created_at: datetime

    @classmethod
    def of(cls, op: Operation) -> OperationOut:
        return cls(
            id=op.entry_id,
            kind=op.kind.value,
            stamps=op.stamps_delta,
            points=op.points_delta,
            amount=None if op.amount is None else f"{op.amount:.2f}",
            happy_hour_extra=op.happy_hour_extra,
            bonuses=[
                BonusOut(kind=b.kind.value, stamps=b.stamps, points=b.points) for b in op.bonuses
            ],
            store=op.store_name,
            created_at=op.created_at,
        )


class CardAnswer(Answer):
    card: CardOut


class EarnAnswer(Answer):
    operation: OperationOut
    card: CardOut = Field(description="The card right after the operation.")
    replayed: bool = Field(description="true: the Idempotency-Key had answered this before.")


class RedeemAnswer(EarnAnswer):
    """The redemption, and the card right after it."""


class RefundOut(Answer):
    receipt: str
    operations: list[OperationOut] = Field(
        description="The compensating operations (kind refund): the earning's, then those of "
        "the bonuses it paid on the card."
    )
    stamps_kept: int = Field(
        description="Of what the receipt earned, stamps the card no longer "
        "held (spent on a reward before the refund): not taken back."
    )
    points_kept: int = Field(description="Likewise, points already spent: not taken back.")

    @classmethod
    def of(cls, refund: Refund) -> RefundOut:
        return cls(
            receipt=refund.receipt,
            operations=[OperationOut.of(op) for op in refund.reversals],
            stamps_kept=refund.stamps_kept,
            points_kept=refund.points_kept,
        )


class RefundAnswer(Answer):
    refund: RefundOut
    card: CardOut = Field(description="The card right after the refund.")
    replayed: bool = Field(description="true: the Idempotency-Key had answered this before.")

    @classmethod
    def of(cls, refund: Refund) -> RefundAnswer:
        return cls(
            refund=RefundOut.of(refund), card=CardOut.of(refund.card), replayed=refund.replayed
        )


class LedgerEntryOut(Answer):
    """One entry of the café's ledger: the card by its number, never its holder."""

    id: int = Field(description="The ledger entry's id (as in an operation's answer).")
    kind: str
    card: str = Field(description="The card's number: 1234-5678-9012.")
    stamps: int = Field(description="Stamps added (or taken, negative).")
    points: int = Field(description="Points added (or taken, negative).")
    stamps_after: int
    points_after: int
    amount: str | None = Field(description="The purchase, for an earning by amount.")
    receipt: str | None = Field(description="The till's receipt id that earned, if any.")
    reverses: int | None = Field(
        description="The id of the entry this one reverses (undo, not me, refund)."
    )
    reward: int | None = Field(description="The reward's id, for a redemption.")
    store: str
    created_at: datetime

    @classmethod
    def of(cls, entry: FeedEntry) -> LedgerEntryOut:
        return cls(
            id=entry.entry_id,
            kind=entry.kind.value,
            card=entry.card_number,
            stamps=entry.stamps_delta,
            points=entry.points_delta,
            stamps_after=entry.stamp_balance_after,
            points_after=entry.points_balance_after,
            amount=None if entry.amount is None else f"{entry.amount:.2f}",
            receipt=entry.receipt,
            reverses=entry.reverses_entry_id,
            reward=entry.reward_id,
            store=entry.store_name,
            created_at=entry.created_at,
        )


class OperationsAnswer(Answer):
    operations: list[LedgerEntryOut] = Field(description="In the order they became final.")
    next: str = Field(
        description="Pass as `after` for the next page (opaque; the same as "
        "`after` when there was nothing new)."
    )
    more: bool = Field(description="true: the page is full, ask again at once.")

    @classmethod
    def of(cls, page: FeedPage) -> OperationsAnswer:
        return cls(
            operations=[LedgerEntryOut.of(e) for e in page.entries],
            next=page.after.cursor(),
            more=page.more,
        )


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")  # the refusal's figures (minutes_left, …)

    code: str
    message: str


class ErrorAnswer(BaseModel):
    error: ErrorDetail


class OpenApiDocument(BaseModel):
    """This document."""

    model_config = ConfigDict(extra="allow")

    openapi: Literal["3.1.0"]
