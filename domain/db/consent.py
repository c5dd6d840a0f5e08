"""What customers agreed to hear from a merchant, and the cards the messages that bring them
back are due for."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BindParameter, Table, and_, bindparam, delete, exists, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from domain.db.dialect import Dialect
from domain.db.tables import Card, Merchant, OfferConsent, OfferRecipient, Program, Reward
from domain.model import ProgramType
from domain.offers import near_points_floor

# (merchant id, merchant name, offers (None: never asked), nudges (None: never asked))
ChoiceRow = tuple[int, str, bool | None, bool | None]


def near_reward_condition(program: Program, rungs: Sequence[Reward]) -> ColumnElement[bool]:
    """SQL for "one stamp, or a tenth of the points, from a reward" on this programme: any
    rung of its ladder counts, so a card between two rewards is near the next one."""
    kind = ProgramType(program.type)
    conditions: list[ColumnElement[bool]] = []
    for rung in rungs:
        if rung.unit == "stamps" and kind.has_stamps:
            conditions.append(Card.stamp_count == rung.cost - 1)
        elif rung.unit == "points" and kind.has_points:
            conditions.append(
                and_(
                    Card.points_balance >= near_points_floor(rung.cost),
                    Card.points_balance < rung.cost,
                )
            )
    return or_(false(), *conditions)


class ConsentRepository:
    """Reads and writes customers' choices (offer_consents) through one session."""

    def __init__(self, session: AsyncSession, dialect: Dialect) -> None:
        self.session = session
        self._dialect = dialect

    async def ask_once(self, merchant_id: int, customer_id: int, now: datetime) -> bool:
        """Write the customer's row as asked (offers off, nudges on); False if it existed."""
        parameters = {"merchant_id": merchant_id, "customer_id": customer_id, "now": now}
        inserted = await self.session.execute(
            _insert_missing(self._dialect, asked=True), parameters
        )
        return bool(inserted.rowcount)  # type: ignore[attr-defined]

    async def choices(self, customer_id: int) -> list[ChoiceRow]:
        """Each merchant the customer holds an active card of, with their row there if any."""
        query = (
            select(Merchant.id, Merchant.name, OfferConsent.offers, OfferConsent.nudges)
            .join(Card, Card.merchant_id == Merchant.id)
            .outerjoin(
                OfferConsent,
                and_(
                    OfferConsent.merchant_id == Merchant.id,
                    OfferConsent.customer_id == customer_id,
                ),
            )
            .where(Card.customer_id == customer_id, Card.active)
            .distinct()
            .order_by(Merchant.name, Merchant.id)
        )
        return [(int(r[0]), str(r[1]), r[2], r[3]) for r in await self.session.execute(query)]

    async def locked(self, merchant_id: int, customer_id: int, now: datetime) -> OfferConsent:
        """The customer's row at the merchant, made if missing (offers off, nudges on), locked."""
        parameters = {"merchant_id": merchant_id, "customer_id": customer_id, "now": now}
        await self.session.execute(_insert_missing(self._dialect, asked=False), parameters)
        row = await self.session.get(
            OfferConsent, (merchant_id, customer_id), with_for_update=self._dialect.locks_rows
        )
        assert row is not None
        return row

    async def get(self, merchant_id: int, customer_id: int) -> OfferConsent | None:
        return await self.session.get(OfferConsent, (merchant_id, customer_id))

    async def opted_in(self, merchant_id: int, customer_ids: Sequence[int]) -> set[int]:
        """Those of the customers who want the merchant's offers now."""
        query = select(OfferConsent.customer_id).where(
            OfferConsent.merchant_id == merchant_id,
            OfferConsent.customer_id.in_(customer_ids),
            OfferConsent.offers.is_(True),
        )
        return set((await self.session.execute(query)).scalars())

    async def forget_customer(self, customer_id: int) -> None:
        """Erasure: the person's choices and the offers they were sent go."""
        await self.session.execute(
            delete(OfferConsent).where(OfferConsent.customer_id == customer_id)
        )
        await self.session.execute(
            delete(OfferRecipient).where(OfferRecipient.customer_id == customer_id)
        )

    # --- the messages that bring customers back -----------------------------------------------

    async def programmes(self) -> list[Program]:
        return list((await self.session.execute(select(Program))).scalars())

    async def lapsed_cards(
        self,
        merchant_id: int,
        cutoff: datetime,
        sent_at: InstrumentedAttribute[datetime | None],
        near: ColumnElement[bool] | None = None,
    ) -> list[int]:
        """Active cards idle since `cutoff`, whose message (marked in `sent_at`) was not sent
        since their last visit, whose holder did not stop these messages; with `near`, only
        cards that meet it."""
        query = select(Card.id).where(
            Card.merchant_id == merchant_id,
            Card.active.is_(True),
            Card.last_activity_at.is_not(None),
            Card.last_activity_at <= cutoff,
            or_(sent_at.is_(None), sent_at < Card.last_activity_at),
            _nudges_wanted(),
        )
        if near is not None:
            query = query.where(near)
        return list((await self.session.execute(query)).scalars())


@functools.cache
def _insert_missing(dialect: Dialect, *, asked: bool) -> Any:
    """The customer's row at a merchant as a first choice would make it (offers off, nudges
    on), unless they have one; with `asked`, marked as asked about offers. Built once per
    engine (every first visit runs it), the values bound at the call."""
    now: BindParameter[datetime] = bindparam("now")
    values: dict[str, object] = {
        "merchant_id": bindparam("merchant_id"),
        "customer_id": bindparam("customer_id"),
        "offers": False,
        "nudges": True,
        "changed_at": now,
    }
    if asked:
        values["asked_at"] = now
    return (
        # On the table: given parameters, an INSERT on the mapped class would be the ORM's bulk
        # insert, whose result has no rowcount.
        dialect.insert(cast(Table, OfferConsent.__table__))
        .values(**values)
        .on_conflict_do_nothing(index_elements=["merchant_id", "customer_id"])
    )


def _nudges_wanted() -> ColumnElement[bool]:
    stopped = exists().where(
        OfferConsent.merchant_id == Card.merchant_id,
        OfferConsent.customer_id == Card.customer_id,
        OfferConsent.nudges.is_(False),
    )
    return ~stopped
