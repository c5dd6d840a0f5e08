"""Offers, their audiences and their recipients (one row per copy, its outcome once tried)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.consent import near_reward_condition
from domain.db.dialect import Dialect
from domain.db.tables import Card, Offer, OfferConsent, OfferRecipient, Program, Reward, Store
from domain.offers import AudienceKind


class OfferRepository:
    """Reads and writes offers and their copies through one session."""

    def __init__(self, session: AsyncSession, dialect: Dialect) -> None:
        self.session = session
        self._lock_rows = dialect.locks_rows
        self._dialect = dialect

    async def add(self, offer: Offer) -> Offer:
        self.session.add(offer)
        await self.session.flush()
        return offer

    async def get(self, offer_id: int, *, lock: bool = False) -> Offer | None:
        return await self.session.get(Offer, offer_id, with_for_update=lock and self._lock_rows)

    async def store(self, store_id: int) -> Store | None:
        return await self.session.get(Store, store_id)

    async def sent_on(self, merchant_id: int, local_day: date) -> int:
        """How many offers the merchant sent on this local day."""
        query = select(func.count()).where(
            Offer.merchant_id == merchant_id,
            Offer.local_day == local_day,
            Offer.sent_at.is_not(None),
        )
        return int((await self.session.execute(query)).scalar_one())

    async def latest_sent(self, merchant_id: int, limit: int) -> list[int]:
        """The ids of the merchant's latest sent offers, newest first."""
        query = (
            select(Offer.id)
            .where(Offer.merchant_id == merchant_id, Offer.sent_at.is_not(None))
            .order_by(Offer.id.desc())
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())

    async def outcomes(self, offer_id: int) -> dict[str, int]:
        """Copies per outcome ("None" for the ones not finished)."""
        query = (
            select(OfferRecipient.outcome, func.count())
            .where(OfferRecipient.offer_id == offer_id)
            .group_by(OfferRecipient.outcome)
        )
        return {str(outcome): int(n) for outcome, n in await self.session.execute(query)}

    async def unsubscribed_since_sent(self, offer: Offer) -> int:
        """Recipients who turned the merchant's offers off since this one was sent."""
        query = (
            select(func.count())
            .select_from(OfferRecipient)
            .join(
                OfferConsent,
                and_(
                    OfferConsent.merchant_id == offer.merchant_id,
                    OfferConsent.customer_id == OfferRecipient.customer_id,
                ),
            )
            .where(
                OfferRecipient.offer_id == offer.id,
                OfferConsent.offers.is_(False),
                OfferConsent.offers_off_at >= offer.sent_at,
            )
        )
        return int((await self.session.execute(query)).scalar_one())

    async def audience_size(
        self,
        program: Program,
        audience: AudienceKind,
        arg: int | None,
        now: datetime,
        rungs: Sequence[Reward],
    ) -> int:
        audience_query = _audience(program, audience, arg, now, rungs).subquery()
        query = select(func.count()).select_from(audience_query)
        return int((await self.session.execute(query)).scalar_one())

    async def audience_after(
        self,
        program: Program,
        offer: Offer,
        rungs: Sequence[Reward],
        after: int,
        limit: int,
    ) -> list[int]:
        """The next `limit` customers of the offer's audience (as at its sending), by id."""
        assert offer.sent_at is not None
        audience = _audience(
            program,
            AudienceKind(offer.audience or AudienceKind.ALL),
            offer.audience_arg,
            offer.sent_at,
            rungs,
        ).subquery()
        query = (
            select(audience.c.customer_id)
            .where(audience.c.customer_id > after)
            .order_by(audience.c.customer_id)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())

    async def list_recipients(self, offer_id: int, customer_ids: Sequence[int]) -> None:
        """One row per copy; a customer listed already stays listed once."""
        await self.session.execute(
            self._dialect.insert(OfferRecipient)
            .values([{"offer_id": offer_id, "customer_id": c} for c in customer_ids])
            .on_conflict_do_nothing(index_elements=["offer_id", "customer_id"])
        )

    async def begin(self, offer_id: int, customer_ids: Sequence[int], now: datetime) -> set[int]:
        """Mark the copies never tried as tried now; the customers whose copy was marked."""
        rows = await self.session.execute(
            update(OfferRecipient)
            .where(
                OfferRecipient.offer_id == offer_id,
                OfferRecipient.customer_id.in_(customer_ids),
                OfferRecipient.attempted_at.is_(None),
                OfferRecipient.finished_at.is_(None),
            )
            .values(attempted_at=now)
            .returning(OfferRecipient.customer_id)
            .execution_options(synchronize_session=False)
        )
        return {int(c) for c in rows.scalars()}

    async def finish(
        self, offer_id: int, customer_ids: Sequence[int], outcome: str, now: datetime
    ) -> None:
        """The copies' outcome; a copy finished already keeps its own."""
        await self.session.execute(
            update(OfferRecipient)
            .where(
                OfferRecipient.offer_id == offer_id,
                OfferRecipient.customer_id.in_(customer_ids),
                OfferRecipient.finished_at.is_(None),
            )
            .values(finished_at=now, outcome=outcome)
            .execution_options(synchronize_session=False)
        )

    async def untry(self, offer_id: int, customer_id: int) -> None:
        """An unfinished copy may be tried again."""
        await self.session.execute(
            update(OfferRecipient)
            .where(
                OfferRecipient.offer_id == offer_id,
                OfferRecipient.customer_id == customer_id,
                OfferRecipient.finished_at.is_(None),
            )
            .values(attempted_at=None)
        )

    async def any_unfinished(self, offer_id: int) -> bool:
        query = (
            select(OfferRecipient.customer_id)
            .where(OfferRecipient.offer_id == offer_id, OfferRecipient.finished_at.is_(None))
            .limit(1)
        )
        return (await self.session.execute(query)).first() is not None


def _audience(
    program: Program,
    audience: AudienceKind,
    arg: int | None,
    now: datetime,
    rungs: Sequence[Reward] = (),
) -> Select[int]:
    """The customers (ids, each once) an offer of this audience goes to: they opted in and
    hold an active card of the merchant that fits."""
    query = (
        select(Card.customer_id)
        .join(
            OfferConsent,
            and_(
                OfferConsent.merchant_id == Card.merchant_id,
                OfferConsent.customer_id == Card.customer_id,
            ),
        )
        .where(Card.merchant_id == program.merchant_id, Card.active, OfferConsent.offers.is_(True))
    )
    if audience is AudienceKind.STORE:
        query = query.where(Card.store_id == arg)
    elif audience is AudienceKind.NEAR:
        query = query.where(near_reward_condition(program, rungs))
    elif audience is AudienceKind.LAPSED:
        cutoff = now - timedelta(days=arg or 0)
        seen = func.max(func.coalesce(Card.last_activity_at, Card.created_at))
        return query.group_by(Card.customer_id).having(seen <= cutoff)
    return query.distinct()
