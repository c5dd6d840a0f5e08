"""What customers agreed to hear from a merchant, and the messages that bring them back.

Offers are off until the customer says yes (asked once, after their first staff-confirmed
operation at the merchant, or with /offers on). The win-back and "almost there" messages are on
until they stop them ("Stop these messages", or /offers off, which stops everything).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain import errors
from domain.db.consent import ConsentRepository, near_reward_condition
from domain.db.dialect import Dialect
from domain.db.rewards import RewardRepository
from domain.db.tables import Card, Reward
from domain.db.uow import Session
from domain.effects import AskForOffers, BringBack, Effect
from domain.model import CardView, Recipient
from domain.offers import ALMOST_THERE_IDLE
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
    session: Session,
    dialect: Dialect,
    merchant_id: int,
    customer_id: int,
    now: datetime,
    card_id: int = 0,
) -> list[Effect]:
    """In the operation's transaction: the consent question, the first time only (the row
    written here is the marker)."""
    if not await ConsentRepository(session, dialect).ask_once(merchant_id, customer_id, now):
        return []
    return [AskForOffers(merchant_id=merchant_id, customer_id=customer_id, card_id=card_id)]


async def ladder_rows(session: Session, merchant_id: int) -> list[Reward]:
    return await RewardRepository(session).rungs(merchant_id)


class ConsentService(ServiceBase):
    """Customers' choices, and the win-back and "almost there" messages."""

    async def choices(self, customer_id: int) -> list[MerchantChoice]:
        """Each merchant the customer holds an active card of, with their choice there."""
        async with self._db.read() as session:
            rows = await self._consent(session).choices(customer_id)
            return [
                MerchantChoice(merchant_id, name, bool(offers), nudges is None or nudges)
                for merchant_id, name, offers, nudges in rows
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
        session: Session,
        merchant_id: int,
        customer_id: int,
        *,
        offers: bool | None = None,
        nudges: bool | None = None,
    ) -> None:
        now = self._clock.now()
        row = await self._consent(session).locked(merchant_id, customer_id, now)
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
            programs = await self._consent(session).programmes()
        for program in programs:
            candidates: list[tuple[str, int]] = []
            async with self._db.read() as session:
                consent = self._consent(session)
                if program.winback_days > 0:
                    cutoff = now - timedelta(days=program.winback_days)
                    lapsed = await consent.lapsed_cards(
                        program.merchant_id, cutoff, Card.winback_sent_at
                    )
                    candidates += [(WINBACK, card_id) for card_id in lapsed]
                near = near_reward_condition(
                    program, await ladder_rows(session, program.merchant_id)
                )
                almost = await consent.lapsed_cards(
                    program.merchant_id, now - ALMOST_THERE_IDLE, Card.almost_sent_at, near
                )
                candidates += [(ALMOST, card_id) for card_id in almost]
            for reason, card_id in candidates:
                queued += await self._queue(reason, card_id, now)
        return queued

    def _consent(self, session: Session) -> ConsentRepository:
        return ConsentRepository(session, self._dialect)

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
            consent = await self._consent(session).get(card.merchant_id, card.customer_id)
            return BringBackMessage(
                reason=reason,
                card=await card_view(directory, card),
                customer=recipient(await directory.user(card.customer_id), card.customer_id),
                wanted=card.active and (consent is None or consent.nudges),
            )


def _same(choice: MerchantChoice, chosen: list[MerchantChoice]) -> bool:
    return any(c.merchant_id == choice.merchant_id for c in chosen)
