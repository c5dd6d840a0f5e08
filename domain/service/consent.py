"""What customers agreed to hear from a merchant, and the messages that bring them back.

Offers are off until the customer says yes (asked once, after their first staff-confirmed
operation at the merchant, or with /offers on). The win-back and "almost there" messages are on
until they stop them ("Stop these messages", or /offers off, which stops everything).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain import errors
from domain.db.dialect import Dialect
from domain.db.rewards import RewardRepository
from domain.db.tables import Card, Merchant, OfferConsent, Program, Reward
from domain.effects import AskForOffers, BringBack, Effect
from domain.model import CardView, ProgramType, Recipient
from domain.offers import ALMOST_THERE_IDLE, near_points_floor
from domain.service.base import ServiceBase, card_view, recipient

WINBACK = "winback"
ALMOST = "almost"


@dataclass(frozen=True)
class MerchantChoice:
    """A customer's choice about one merchant's messages."""

    merchant_id: int
    merchant_name: str
    offers: bool
    nudges: bool


@dataclass(frozen=True)
class ConsentQuestion:
    merchant_id: int
    merchant_name: str
    merchant_language: str
    customer: Recipient


@dataclass(frozen=True)
class BringBackMessage:
    reason: str  # WINBACK or ALMOST
    card: CardView
    customer: Recipient
    wanted: bool  # False when the customer stopped these messages since it was queued


async def ask_after_first_visit(
    session: AsyncSession,
    dialect: Dialect,
    merchant_id: int,
    customer_id: int,
    now: datetime,
    card_id: int = 0,
) -> list[Effect]:
    """In the operation's transaction: the consent question, the first time only (the row
    written here is the marker)."""
    inserted = await session.execute(
        dialect.insert(OfferConsent)
        .values(
            merchant_id=merchant_id,
            customer_id=customer_id,
            offers=False,
            nudges=True,
            asked_at=now,
            changed_at=now,
        )
        .on_conflict_do_nothing(index_elements=["merchant_id", "customer_id"])
    )
    if not inserted.rowcount:  # type: ignore[attr-defined]
        return []
    return [AskForOffers(merchant_id=merchant_id, customer_id=customer_id, card_id=card_id)]


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


async def ladder_rows(session: AsyncSession, merchant_id: int) -> list[Reward]:
    return await RewardRepository(session).rungs(merchant_id)


def _nudges_wanted() -> ColumnElement[bool]:
    stopped = exists().where(
        OfferConsent.merchant_id == Card.merchant_id,
        OfferConsent.customer_id == Card.customer_id,
        OfferConsent.nudges.is_(False),
    )
    return ~stopped


class ConsentService(ServiceBase):
    """Customers' choices, and the win-back and "almost there" messages."""

    async def choices(self, customer_id: int) -> list[MerchantChoice]:
        """Each merchant the customer holds an active card of, with their choice there."""
        async with self._db.read() as session:
            rows = await session.execute(
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
            return [
                MerchantChoice(int(r[0]), str(r[1]), bool(r[2]), r[3] is None or bool(r[3]))
                for r in rows
            ]

    async def set_offers(
        self, customer_id: int, merchant_id: int | None, wanted: bool, *, everything: bool = True
    ) -> list[MerchantChoice]:
        """Offers on or off, at one merchant or (None) at all of the customer's merchants.
        With `everything` (/offers on|off) the messages that bring them back follow; without
        (an offer's Unsubscribe, the consent question) only offers change."""
        mine = await self.choices(customer_id)
        chosen = [c for c in mine if merchant_id is None or c.merchant_id == merchant_id]
        if not chosen:
            raise errors.NoMerchantOfCustomer()
        async with self._db.write() as session:
            for choice in chosen:
                await self._save(
                    session,
                    choice.merchant_id,
                    customer_id,
                    offers=wanted,
                    nudges=wanted if everything else None,
                )
        return [c for c in await self.choices(customer_id) if _same(c, chosen)]

    async def stop_nudges(self, customer_id: int, merchant_id: int) -> MerchantChoice:
        """ "Stop these messages": no more win-back or "almost there" from this merchant."""
        mine = {c.merchant_id: c for c in await self.choices(customer_id)}
        if merchant_id not in mine:
            raise errors.NoMerchantOfCustomer()
        async with self._db.write() as session:
            await self._save(session, merchant_id, customer_id, nudges=False)
        return MerchantChoice(
            merchant_id, mine[merchant_id].merchant_name, mine[merchant_id].offers, False
        )

    async def consent_question_of(self, merchant_id: int, customer_id: int) -> ConsentQuestion:
        """The question as it is asked (for the outbox's dispatcher)."""
        async with self._db.read() as session:
            directory = self._directory(session)
            merchant = await directory.merchant(merchant_id)
            program = await directory.program(merchant_id)
            return ConsentQuestion(
                merchant_id=merchant.id,
                merchant_name=merchant.name,
                merchant_language=program.language,
                customer=recipient(await directory.user(customer_id), customer_id),
            )

    async def _save(
        self,
        session: AsyncSession,
        merchant_id: int,
        customer_id: int,
        *,
        offers: bool | None = None,
        nudges: bool | None = None,
    ) -> None:
        now = self._clock.now()
        await session.execute(
            self._dialect.insert(OfferConsent)
            .values(
                merchant_id=merchant_id,
                customer_id=customer_id,
                offers=False,
                nudges=True,
                changed_at=now,
            )
            .on_conflict_do_nothing(index_elements=["merchant_id", "customer_id"])
        )
        row = await session.get(
            OfferConsent, (merchant_id, customer_id), with_for_update=self._dialect.locks_rows
        )
        assert row is not None
        if offers is not None:
            if row.offers and not offers:
                row.offers_off_at = now
            row.offers = offers
        if nudges is not None:
            row.nudges = nudges
        row.changed_at = now

    # --- the messages that bring customers back -----------------------------------------------

    async def queue_bring_back_messages(self) -> int:
        """Queue every win-back and "almost there" message due now; how many were queued."""
        now = self._clock.now()
        queued = 0
        async with self._db.read() as session:
            programs = list((await session.execute(select(Program))).scalars())
        for program in programs:
            candidates: list[tuple[str, int]] = []
            async with self._db.read() as session:
                if program.winback_days > 0:
                    cutoff = now - timedelta(days=program.winback_days)
                    rows = await session.execute(
                        select(Card.id).where(
                            *self._lapsed(program.merchant_id, cutoff, Card.winback_sent_at)
                        )
                    )
                    candidates += [(WINBACK, card_id) for card_id in rows.scalars()]
                cutoff = now - ALMOST_THERE_IDLE
                rows = await session.execute(
                    select(Card.id).where(
                        *self._lapsed(program.merchant_id, cutoff, Card.almost_sent_at),
                        near_reward_condition(
                            program, await ladder_rows(session, program.merchant_id)
                        ),
                    )
                )
                candidates += [(ALMOST, card_id) for card_id in rows.scalars()]
            for reason, card_id in candidates:
                queued += await self._queue(reason, card_id, now)
        return queued

    @staticmethod
    def _lapsed(merchant_id: int, cutoff: datetime, sent_at: object) -> list[ColumnElement[bool]]:
        marker = sent_at  # Card.winback_sent_at or Card.almost_sent_at
        return [
            Card.merchant_id == merchant_id,
            Card.active.is_(True),
            Card.last_activity_at.is_not(None),
            Card.last_activity_at <= cutoff,
            or_(marker.is_(None), marker < Card.last_activity_at),  # type: ignore[attr-defined]
            _nudges_wanted(),
        ]

    async def _queue(self, reason: str, card_id: int, now: datetime) -> int:
        """Mark the card and queue its message together, re-checked under the card's lock."""
        async with self._db.write() as session:
            card = await self._ledger(session).card_by_id(card_id, lock=True)
            if card is None or not card.active or card.last_activity_at is None:
                return 0
            sent_at = card.winback_sent_at if reason == WINBACK else card.almost_sent_at
            if sent_at is not None and sent_at >= card.last_activity_at:
                return 0
            if reason == WINBACK:
                card.winback_sent_at = now
            else:
                card.almost_sent_at = now
            effect = BringBack(
                card_id=card.id,
                customer_id=card.customer_id,
                reason=reason,
                lapse=int(card.last_activity_at.timestamp()),
            )
            await self._effects.record(session, [effect])
            return 1

    async def bring_back_message_of(self, card_id: int, reason: str) -> BringBackMessage:
        """A queued message as it is shown (for the outbox's dispatcher)."""
        async with self._db.read() as session:
            directory = self._directory(session)
            card = await self._ledger(session).card_by_id(card_id)
            if card is None:
                raise errors.CardNotFound()
            consent = await session.get(OfferConsent, (card.merchant_id, card.customer_id))
            return BringBackMessage(
                reason=reason,
                card=await card_view(directory, card),
                customer=recipient(await directory.user(card.customer_id), card.customer_id),
                wanted=card.active and (consent is None or consent.nudges),
            )


def _same(choice: MerchantChoice, chosen: list[MerchantChoice]) -> bool:
    return any(c.merchant_id == choice.merchant_id for c in chosen)
