"""Offers (broadcasts): an owner's draft, its audience, sending it, and the figures.

Sending writes nothing per recipient in the owner's transaction: it queues one effect that the
dispatcher carries out in batches (each batch lists some recipients, each becoming an outbox
row of its own), so 2,000 customers never make one giant transaction. A recipient is listed
once (the primary key of offer_recipients, the outbox's key) and tried once: the try is marked
before the message leaves, so a send cut short by a crash is counted as unsure, never repeated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain import errors
from domain.db.consent import ConsentRepository
from domain.db.offers import OfferRepository
from domain.db.tables import Merchant, Offer, Program
from domain.db.uow import Session
from domain.effects import ListOfferRecipients, ReportOffer, SendOffer
from domain.model import Recipient
from domain.offers import (
    RECENT_OFFERS,
    AudienceKind,
    OfferOutcome,
    check_lapsed_days,
    clean_offer_text,
)
from domain.service.base import ServiceBase, recipient, require_owner
from domain.service.consent import ladder_rows
from domain.store_of_day import StoreChoice

LIST_BATCH = 500


@dataclass(frozen=True)
class OfferDraft:
    offer_id: int
    merchant_name: str
    text: str
    photo_file_id: str | None
    stores: tuple[StoreChoice, ...]


@dataclass(frozen=True)
class OfferPreview:
    draft: OfferDraft
    audience: AudienceKind
    audience_arg: int | None
    store_name: str | None  # for a store's audience
    audience_size: int


@dataclass(frozen=True)
class OfferFigures:
    offer_id: int
    owner_user_id: int
    merchant_name: str
    merchant_language: str
    timezone: str
    text: str
    audience: AudienceKind
    audience_arg: int | None
    store_name: str | None
    sent_at: datetime
    listed: int  # recipients listed so far (the audience, once every one is listed)
    delivered: int
    blocked: int
    not_delivered: int  # refused, unsure after a crash, or unsubscribed before their turn
    unsubscribed: int  # recipients who turned offers off since it was sent
    finished: bool


@dataclass(frozen=True)
class OfferCopy:
    """One customer's copy, as it is sent."""

    offer_id: int
    merchant_id: int
    merchant_name: str
    text: str
    photo_file_id: str | None
    customer: Recipient
    wanted: bool  # still opted in


class OfferService(ServiceBase):
    """The owner's offers and their delivery, one recipient at a time."""

    # --- the owner's flow ---------------------------------------------------------------------

    async def check_allowance(self, owner_id: int) -> None:
        """Refuse before the owner writes anything if today's offers are used up."""
        async with self._db.read() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            program = await self._directory(session).program(merchant.id)
            await self._check_today(session, program)

    async def draft(self, owner_id: int, text: str, photo_file_id: str | None = None) -> OfferDraft:
        """A new draft with its text (and photo); nothing is sent yet."""
        cleaned = clean_offer_text(text)
        async with self._db.write() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            offer = await self._offers(session).add(
                Offer(
                    merchant_id=merchant.id,
                    text=cleaned,
                    photo_file_id=photo_file_id,
                    created_at=self._clock.now(),
                )
            )
            return await self._draft_view(session, merchant, offer)

    async def draft_of(self, owner_id: int, offer_id: int) -> OfferDraft:
        async with self._db.read() as session:
            merchant, offer = await self._own_draft(session, owner_id, offer_id)
            return await self._draft_view(session, merchant, offer)

    async def choose_audience(
        self, owner_id: int, offer_id: int, audience: AudienceKind, arg: int | None = None
    ) -> OfferPreview:
        """Who the draft goes to, and how many they are now."""
        async with self._db.write() as session:
            merchant, offer = await self._own_draft(session, owner_id, offer_id, lock=True)
            store_name = None
            if audience is AudienceKind.STORE:
                store = await self._offers(session).store(arg or 0)
                if store is None or store.merchant_id != merchant.id:
                    raise errors.StoreNotFound(reference=str(arg))
                store_name = store.name
            elif audience is AudienceKind.LAPSED:
                check_lapsed_days(arg or 0)
            else:
                arg = None
            offer.audience, offer.audience_arg = audience.value, arg
            program = await self._directory(session).program(merchant.id)
            size = await self._count(session, program, audience, arg, self._clock.now())
            return OfferPreview(
                await self._draft_view(session, merchant, offer), audience, arg, store_name, size
            )

    async def send(self, owner_id: int, offer_id: int) -> OfferPreview:
        """Send the draft to its audience: within today's allowance, in the background."""
        now = self._clock.now()
        async with self._db.write() as session:
            directory = self._directory(session)
            merchant = await require_owner(directory, owner_id)
            # The programme's row lock makes two Send taps at once count against one allowance.
            program = await directory.program(merchant.id, lock=True)
            merchant, offer = await self._own_draft(session, owner_id, offer_id, lock=True)
            if offer.audience is None:
                raise errors.OfferNotFound()
            await self._check_today(session, program)
            offer.sent_at = now
            offer.local_day = _local_day(now, program.timezone)
            audience = AudienceKind(offer.audience)
            size = await self._count(session, program, audience, offer.audience_arg, now)
            await self._effects.record(session, [ListOfferRecipients(offer_id=offer.id)])
            store_name = None
            if audience is AudienceKind.STORE and offer.audience_arg is not None:
                store_name = (await directory.store(offer.audience_arg)).name
            return OfferPreview(
                await self._draft_view(session, merchant, offer),
                audience,
                offer.audience_arg,
                store_name,
                size,
            )

    async def recent(self, owner_id: int) -> list[OfferFigures]:
        """The merchant's latest offers, newest first, with their figures."""
        async with self._db.read() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            ids = await self._offers(session).latest_sent(merchant.id, RECENT_OFFERS)
        return [await self.figures(offer_id) for offer_id in ids]

    async def figures(self, offer_id: int) -> OfferFigures:
        """Audience, delivered, blocked and unsubscribed since, as they stand now."""
        async with self._db.read() as session:
            offers = self._offers(session)
            offer = await offers.get(offer_id)
            if offer is None or offer.sent_at is None:
                raise errors.OfferNotFound()
            directory = self._directory(session)
            merchant = await directory.merchant(offer.merchant_id)
            program = await directory.program(offer.merchant_id)
            counts = await offers.outcomes(offer_id)
            unsubscribed = await offers.unsubscribed_since_sent(offer)
            store_name = None
            if offer.audience == AudienceKind.STORE and offer.audience_arg is not None:
                store_name = (await directory.store(offer.audience_arg)).name
            delivered = counts.get(OfferOutcome.DELIVERED, 0)
            blocked = counts.get(OfferOutcome.BLOCKED, 0)
            listed = sum(counts.values())
            pending = counts.get("None", 0)
            return OfferFigures(
                offer_id=offer.id,
                owner_user_id=merchant.owner_user_id,
                merchant_name=merchant.name,
                merchant_language=program.language,
                timezone=program.timezone,
                text=offer.text,
                audience=AudienceKind(offer.audience or AudienceKind.ALL),
                audience_arg=offer.audience_arg,
                store_name=store_name,
                sent_at=offer.sent_at,
                listed=listed,
                delivered=delivered,
                blocked=blocked,
                not_delivered=listed - pending - delivered - blocked,
                unsubscribed=unsubscribed,
                finished=offer.finished_at is not None,
            )

    # --- delivery (for the outbox's dispatcher) -----------------------------------------------

    async def list_recipients(self, offer_id: int, batch: int = LIST_BATCH) -> bool:
        """List the next batch of the offer's audience, one transaction; True once all are."""
        async with self._db.write() as session:
            offers = self._offers(session)
            offer = await offers.get(offer_id, lock=True)
            if offer is None or offer.sent_at is None or offer.expanded_at is not None:
                return True
            program = await self._directory(session).program(offer.merchant_id)
            rungs = await ladder_rows(session, program.merchant_id)
            after = offer.expanded_until if offer.expanded_until is not None else -1
            ids = await offers.audience_after(program, offer, rungs, after, batch)
            if ids:
                await offers.list_recipients(offer.id, ids)
                copies = [SendOffer(offer_id=offer.id, customer_id=c) for c in ids]
                await self._effects.record(session, copies)
                offer.expanded_until = ids[-1]
            if len(ids) < batch:
                offer.expanded_at = self._clock.now()
                await self._finish_if_done(session, offer)
                return True
            return False

    async def copies_of(
        self, copies: Sequence[tuple[int, int]]
    ) -> dict[tuple[int, int], OfferCopy]:
        """(offer, customer) pairs as they are sent, read together."""
        found: dict[tuple[int, int], OfferCopy] = {}
        async with self._db.read() as session:
            directory = self._directory(session)
            for offer_id, customer_ids in _by_offer(copies).items():
                offer = await self._offers(session).get(offer_id)
                if offer is None:
                    continue
                merchant = await directory.merchant(offer.merchant_id)
                users = await directory.users(customer_ids)
                consent = ConsentRepository(session, self._dialect)
                opted_in = await consent.opted_in(offer.merchant_id, customer_ids)
                for customer_id in customer_ids:
                    found[(offer_id, customer_id)] = OfferCopy(
                        offer_id=offer.id,
                        merchant_id=merchant.id,
                        merchant_name=merchant.name,
                        text=offer.text,
                        photo_file_id=offer.photo_file_id,
                        customer=recipient(users.get(customer_id), customer_id),
                        wanted=customer_id in opted_in,
                    )
        return found

    async def begin_copies(self, copies: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
        """Mark these copies as being sent, in one transaction; the ones returned may go. A copy
        tried before (by a worker that died with it) is not returned: never sent twice."""
        now = self._clock.now()
        started: set[tuple[int, int]] = set()
        async with self._db.write() as session:
            for offer_id, customer_ids in _by_offer(copies).items():
                begun = await self._offers(session).begin(offer_id, customer_ids, now)
                started |= {(offer_id, c) for c in begun}
        return started

    async def end_copies(self, outcomes: Mapping[tuple[int, int], OfferOutcome]) -> None:
        """The copies' outcomes, in one transaction (an outcome already recorded stays); the
        owner's report is queued with the offer's last one."""
        now = self._clock.now()
        async with self._db.write() as session:
            for offer_id in sorted({offer_id for offer_id, _ in outcomes}):
                # The offer's row lock: of two last copies finishing at once, one sees the other.
                offer = await self._offers(session).get(offer_id, lock=True)
                if offer is None:
                    continue
                for outcome in set(outcomes.values()):
                    customer_ids = [
                        c for (o, c), v in outcomes.items() if o == offer_id and v is outcome
                    ]
                    if not customer_ids:
                        continue
                    await self._offers(session).finish(offer_id, customer_ids, outcome.value, now)
                await self._finish_if_done(session, offer)

    async def copy_blocked(self, offer_id: int, customer_id: int) -> None:
        """Telegram answered 403 (the customer blocked the bot): the person is unreachable and
        the copy is blocked, both recorded at once. Left for the batch's end_copies, the outcome
        would die with a worker killed meanwhile, and the copy would count as unsure though the
        answer had come back."""
        async with self._db.write() as session:
            offers = self._offers(session)
            offer = await offers.get(offer_id, lock=True)  # end_copies' order: offer, then rows
            await self._directory(session).mark_unreachable(customer_id)
            if offer is not None:
                now = self._clock.now()
                await offers.finish(offer_id, [customer_id], OfferOutcome.BLOCKED.value, now)
                await self._finish_if_done(session, offer)

    async def copy_of(self, offer_id: int, customer_id: int) -> OfferCopy:
        found = await self.copies_of([(offer_id, customer_id)])
        if (offer_id, customer_id) not in found:
            raise errors.OfferNotFound()
        return found[(offer_id, customer_id)]

    async def begin_copy(self, offer_id: int, customer_id: int) -> bool:
        """One copy's begin_copies; a copy tried before is finished here as unsure."""
        if (offer_id, customer_id) in await self.begin_copies([(offer_id, customer_id)]):
            return True
        await self.end_copy(offer_id, customer_id, OfferOutcome.UNSURE)
        return False

    async def end_copy(self, offer_id: int, customer_id: int, outcome: OfferOutcome) -> None:
        await self.end_copies({(offer_id, customer_id): outcome})

    async def retry_copy(self, offer_id: int, customer_id: int) -> None:
        """The send surely did not reach Telegram (a refusal before it): it may be tried again."""
        async with self._db.write() as session:
            await self._offers(session).untry(offer_id, customer_id)

    # --- helpers ------------------------------------------------------------------------------

    async def _finish_if_done(self, session: Session, offer: Offer) -> None:
        if offer.expanded_at is None or offer.finished_at is not None:
            return
        if await self._offers(session).any_unfinished(offer.id):
            return
        offer.finished_at = self._clock.now()
        merchant = await self._directory(session).merchant(offer.merchant_id)
        await self._effects.record(
            session, [ReportOffer(offer_id=offer.id, owner_user_id=merchant.owner_user_id)]
        )

    async def _check_today(self, session: Session, program: Program) -> None:
        today = _local_day(self._clock.now(), program.timezone)
        sent = await self._offers(session).sent_on(program.merchant_id, today)
        if sent >= program.offers_per_day:
            raise errors.OfferLimitReached(limit=program.offers_per_day)

    async def _own_draft(
        self, session: Session, owner_id: int, offer_id: int, *, lock: bool = False
    ) -> tuple[Merchant, Offer]:
        merchant = await require_owner(self._directory(session), owner_id)
        offer = await self._offers(session).get(offer_id, lock=lock)
        if offer is None or offer.merchant_id != merchant.id or offer.sent_at is not None:
            raise errors.OfferNotFound()
        return merchant, offer

    async def _draft_view(self, session: Session, merchant: Merchant, offer: Offer) -> OfferDraft:
        stores = await self._directory(session).stores_of_merchant(merchant.id)
        return OfferDraft(
            offer_id=offer.id,
            merchant_name=merchant.name,
            text=offer.text,
            photo_file_id=offer.photo_file_id,
            stores=tuple(StoreChoice(s.id, s.name) for s in stores),
        )

    async def _count(
        self,
        session: Session,
        program: Program,
        audience: AudienceKind,
        arg: int | None,
        now: datetime,
    ) -> int:
        rungs = await ladder_rows(session, program.merchant_id)
        return await self._offers(session).audience_size(program, audience, arg, now, rungs)

    def _offers(self, session: Session) -> OfferRepository:
        return OfferRepository(session, self._dialect)


def _by_offer(copies: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = {}
    for offer_id, customer_id in copies:
        grouped.setdefault(offer_id, []).append(customer_id)
    return grouped


def _local_day(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()
