"""Bonuses paid (one per customer, merchant and occasion) and referrals between customers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.dialect import Dialect
from domain.db.tables import BonusAward, Card, Program, Referral, User

# A first visit's two look-ups, built once (building a statement costs more CPU than running
# it); the values are bound at the call.
_VISITED_BEFORE = select(
    exists().where(
        Card.customer_id == bindparam("customer_id"),
        Card.merchant_id == bindparam("merchant_id"),
        Card.id != bindparam("card_id"),
        Card.first_visit_at.is_not(None),
    )
)
_REFERRAL_OF = select(Referral).where(
    Referral.merchant_id == bindparam("merchant_id"),
    Referral.referred_customer_id == bindparam("customer_id"),
)


class BonusRepository:
    """Reads and writes bonus awards and referrals through one session."""

    def __init__(self, session: AsyncSession, dialect: Dialect) -> None:
        self.session = session
        self._dialect = dialect
        self._lock_rows = dialect.locks_rows

    async def claim(
        self, *, merchant_id: int, customer_id: int, occasion: str, card_id: int, now: datetime
    ) -> bool:
        """Take the occasion's one bonus; False if it was taken (now or concurrently).

        INSERT … ON CONFLICT DO NOTHING on the unique key: a concurrent claimer waits for the
        first one's transaction and then finds the key taken, without failing its own.
        """
        statement = (
            self._dialect.insert(BonusAward)
            .values(
                merchant_id=merchant_id,
                customer_id=customer_id,
                occasion=occasion,
                card_id=card_id,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["merchant_id", "customer_id", "occasion"])
            .returning(BonusAward.id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def visited_before(self, customer_id: int, merchant_id: int, except_card: int) -> bool:
        """Whether another card of the customer at this merchant had a staff-confirmed visit."""
        parameters = {
            "customer_id": customer_id,
            "merchant_id": merchant_id,
            "card_id": except_card,
        }
        return bool((await self.session.execute(_VISITED_BEFORE, parameters)).scalar())

    async def card_by_referral_code(self, code: str) -> Card | None:
        query = select(Card).where(Card.referral_code == code)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def record_referral(
        self,
        *,
        merchant_id: int,
        referrer: Card,
        referred_customer_id: int,
        referred_card_id: int,
        now: datetime,
    ) -> bool:
        """Record who referred the customer; False if someone already had (once per merchant)."""
        statement = (
            self._dialect.insert(Referral)
            .values(
                merchant_id=merchant_id,
                referrer_customer_id=referrer.customer_id,
                referrer_card_id=referrer.id,
                referred_customer_id=referred_customer_id,
                referred_card_id=referred_card_id,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["merchant_id", "referred_customer_id"])
            .returning(Referral.id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def referral_of(self, merchant_id: int, referred_customer_id: int) -> Referral | None:
        parameters = {"merchant_id": merchant_id, "customer_id": referred_customer_id}
        return (await self.session.execute(_REFERRAL_OF, parameters)).scalar_one_or_none()

    async def convert(self, referral_id: int, now: datetime) -> bool:
        """Mark the referral converted; False if it already was (a conditional UPDATE, so two
        concurrent first visits convert it once)."""
        statement = (
            update(Referral)
            .where(Referral.id == referral_id, Referral.converted_at.is_(None))
            .values(converted_at=now)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def set_entries(
        self, referral_id: int, *, referrer_entry_id: int | None, referred_entry_id: int | None
    ) -> None:
        values: dict[str, int] = {}
        if referrer_entry_id is not None:
            values["referrer_entry_id"] = referrer_entry_id
        if referred_entry_id is not None:
            values["referred_entry_id"] = referred_entry_id
        if values:
            await self.session.execute(
                update(Referral)
                .where(Referral.id == referral_id)
                .values(values)
                .execution_options(synchronize_session=False)
            )

    async def referrer_bonuses_between(
        self, merchant_id: int, referrer_customer_id: int, start: datetime, end: datetime
    ) -> int:
        """Referral bonuses the referrer earned for conversions in [start, end)."""
        query = select(func.count()).where(
            Referral.merchant_id == merchant_id,
            Referral.referrer_customer_id == referrer_customer_id,
            Referral.converted_at >= start,
            Referral.converted_at < end,
            Referral.referrer_entry_id.is_not(None),
        )
        return int((await self.session.execute(query)).scalar_one())

    async def referral_side(self, entry_id: int) -> str | None:
        """Which side of a referral a bonus entry paid: "referrer", "referred" or None."""
        query = select(Referral.referrer_entry_id, Referral.referred_entry_id).where(
            (Referral.referrer_entry_id == entry_id) | (Referral.referred_entry_id == entry_id)
        )
        row = (await self.session.execute(query)).first()
        if row is None:
            return None
        return "referrer" if row[0] == entry_id else "referred"

    async def forget_referrals_of(self, customer_id: int) -> None:
        """Erasure: nothing links the person to another customer any more."""
        await self.session.execute(
            delete(Referral).where(
                or_(
                    Referral.referrer_customer_id == customer_id,
                    Referral.referred_customer_id == customer_id,
                )
            )
        )

    # --- birthdays ------------------------------------------------------------------------------

    async def birthday_programmes(self) -> list[tuple[int, str]]:
        """(merchant id, timezone) of the programmes that pay a birthday bonus."""
        query = select(Program.merchant_id, Program.timezone).where(Program.birthday_bonus > 0)
        return [(row[0], row[1]) for row in await self.session.execute(query)]

    async def birthday_cards(
        self, merchant_id: int, days: list[tuple[int, int]]
    ) -> list[tuple[int, int, int | None, int | None, datetime | None]]:
        """(card, customer, birth day, birth month, birthday set at) of the merchant's active
        cards whose holder (not erased, birthday given) was born on one of the (month, day)
        `days`, oldest card first."""
        query = (
            select(
                Card.id,
                Card.customer_id,
                User.birth_day,
                User.birth_month,
                User.birthday_set_at,
            )
            .select_from(User)  # from today's birthdays (ix_users_birthday) to their cards
            .join(Card, Card.customer_id == User.id)
            .where(
                Card.merchant_id == merchant_id,
                Card.active,
                User.erased_at.is_(None),
                User.birthday_set_at.is_not(None),
                or_(*(and_(User.birth_month == m, User.birth_day == d) for m, d in days)),
            )
            .order_by(Card.created_at, Card.id)
        )
        return [(r[0], r[1], r[2], r[3], r[4]) for r in await self.session.execute(query)]


async def referrals_converted(
    session: AsyncSession, merchant_id: int, start: datetime, end: datetime
) -> int:
    """Referred customers of the merchant whose first visit fell in [start, end)."""
    query = select(func.count()).where(
        Referral.merchant_id == merchant_id,
        Referral.converted_at >= start,
        Referral.converted_at < end,
    )
    return int((await session.execute(query)).scalar_one())
