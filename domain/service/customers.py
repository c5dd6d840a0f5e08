"""Customers' use cases: join, cards and history, new QR, language; with their "not me"
(domain/service/disputes.py) and their data (domain/service/personal_data.py)."""

from __future__ import annotations

from domain import errors
from domain.codes import looks_like_store_code, new_qr_token
from domain.db.ledger import LedgerRepository
from domain.db.rewards import RewardRepository
from domain.db.tables import Card
from domain.effects import RefreshWallet
from domain.model import (
    CardView,
    Enrolment,
    HistoryPage,
    LedgerKind,
    LedgerLine,
    StoreView,
    UserProfile,
)
from domain.program import LANGUAGES
from domain.service.base import card_view, store_view
from domain.service.disputes import DisputeCases
from domain.service.enrolment import enrol_at
from domain.service.personal_data import PersonalDataCases
from domain.serving import serves

HISTORY_PAGE_SIZE = 10


class CustomerService(DisputeCases, PersonalDataCases):
    """What a customer does with their own cards."""

    async def enrol(self, profile: UserProfile, store_code: str) -> Enrolment:
        """Join a store's program; with cross-location on, an existing card is returned."""
        now = self._clock.now()
        async with self._db.write() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            code = store_code.strip().lower()
            store = await directory.store_by_code(code) if looks_like_store_code(code) else None
            if store is None:
                raise errors.StoreNotFound(reference=store_code)
            return await enrol_at(ledger, directory, profile, store, now)

    async def cards(self, customer_id: int) -> list[CardView]:
        """The customer's active cards, oldest first."""
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            return [
                await card_view(directory, card)
                for card in await ledger.active_cards_of_customer(customer_id)
                if serves(card.merchant_id)  # a café's own bot shows that café's cards only
            ]

    async def own_card_by_qr(self, customer_id: int, qr_token: str) -> CardView:
        """The holder's own card, from its QR link (opened in the café's bot, say); anyone
        else's card is NoCard: a QR code tells nothing about a card but to staff."""
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            card = await ledger.card_by_qr_token(qr_token)
            if card is None:
                raise errors.NoCard()
            return await card_view(directory, await self._own_card(ledger, customer_id, card.id))

    async def card(self, customer_id: int, card_id: int) -> CardView:
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            return await card_view(directory, await self._own_card(ledger, customer_id, card_id))

    async def history(
        self, customer_id: int, card_id: int, *, before_id: int | None = None
    ) -> HistoryPage:
        """Ten ledger lines of the card, newest first, from before `before_id` if given."""
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            await self._own_card(ledger, customer_id, card_id)
            rows = await ledger.page(card_id, before_id=before_id, limit=HISTORY_PAGE_SIZE + 1)
            shown = rows[:HISTORY_PAGE_SIZE]
            stores = await directory.stores_by_id({row.store_id for row in shown})
            rewards = await RewardRepository(session).by_id(row.reward_id for row in shown)
            lines = tuple(
                LedgerLine(
                    entry_id=row.id,
                    kind=LedgerKind(row.kind),
                    stamps_delta=row.stamps_delta,
                    points_delta=row.points_delta,
                    stamp_balance_after=row.stamp_balance_after,
                    points_balance_after=row.points_balance_after,
                    amount=row.amount,
                    reason=row.reason,
                    store_name=stores[row.store_id].name,
                    created_at=row.created_at,
                    reward=None if row.reward_id is None else rewards.get(row.reward_id),
                )
                for row in shown
            )
            older = shown[-1].id if len(rows) > HISTORY_PAGE_SIZE else None
            return HistoryPage(lines=lines, older_cursor=older)

    async def stores_of_card(self, customer_id: int, card_id: int) -> tuple[StoreView, ...]:
        """Where the card can be used: every store, or only its own with cross-location off."""
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            card = await self._own_card(ledger, customer_id, card_id)
            merchant = await directory.merchant(card.merchant_id)
            program = await directory.program(card.merchant_id)
            if program.cross_location:
                stores = await directory.stores_of_merchant(merchant.id)
            else:
                stores = [await directory.store(card.store_id)]
            return tuple(store_view(store, merchant) for store in stores)

    async def regenerate_qr(self, customer_id: int, card_id: int) -> CardView:
        """A new QR token; the old one stops working in the same transaction."""
        async with self._db.write() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            card = await self._own_card(ledger, customer_id, card_id, lock=True)
            card.qr_token = new_qr_token()
            await session.flush()
            # The passes carry the QR code too; the token's start names this change.
            await self._effects.record(
                session, [RefreshWallet(card_id=card.id, cause=f"qr-{card.qr_token[:8]}")]
            )
            return await card_view(directory, card)

    async def set_language(self, profile: UserProfile, language: str) -> None:
        """Remember the user's language choice (one of en, fr, de, lb)."""
        if language not in LANGUAGES:
            raise errors.InvalidSettingValue(key="language", value=language, choices=LANGUAGES)
        async with self._db.write() as session:
            directory = self._directory(session)
            user = await directory.ensure_user(profile.user_id, self._clock.now())
            user.language = language

    async def _own_card(
        self, ledger: LedgerRepository, customer_id: int, card_id: int, *, lock: bool = False
    ) -> Card:
        card = await ledger.card_by_id(card_id, lock=lock)
        if card is None or card.customer_id != customer_id or not card.active:
            raise errors.NoCard()
        if not serves(card.merchant_id):
            raise errors.NoCard()
        return card
