"""Customers' use cases: join, cards and history, new QR, "not me", data export, erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain import errors
from domain.codes import (
    looks_like_store_code,
    new_card_number,
    new_qr_token,
    new_referral_code,
)
from domain.db.bonuses import BonusRepository
from domain.db.consent import ConsentRepository
from domain.db.directory import DirectoryRepository
from domain.db.ledger import LedgerRepository
from domain.db.rewards import RewardRepository
from domain.db.stores_of_day import StoresOfDayRepository
from domain.db.tables import (
    Card,
    LedgerEntry,
    Merchant,
    Program,
    Store,
    User,
)
from domain.db.wallet import WalletRepository
from domain.db.webhooks import record_card_created, record_card_forgotten
from domain.effects import AlertOwner, Effect, RefreshWallet
from domain.model import (
    CardView,
    Dispute,
    Enrolment,
    HistoryPage,
    LedgerKind,
    LedgerLine,
    StoreView,
    UserProfile,
    format_card_number,
)
from domain.program import LANGUAGES
from domain.service.base import (
    ServiceBase,
    card_view,
    ladder_of,
    make_card_view,
    operation_result,
    reverse_entry,
    store_view,
)
from domain.serving import serves

HISTORY_PAGE_SIZE = 10


async def upsert_user(directory: DirectoryRepository, profile: UserProfile, now: datetime) -> User:
    """Create or refresh the user's Telegram profile (and lock the row on PostgreSQL)."""
    user = await directory.ensure_user(profile.user_id, now)
    user.first_name = profile.first_name
    user.username = profile.username
    user.telegram_language = profile.telegram_language
    user.erased_at = None
    user.reachable = True
    await directory.flush()
    return user


async def enrol_at(
    ledger: LedgerRepository,
    directory: DirectoryRepository,
    profile: UserProfile,
    store: Store,
    now: datetime,
) -> Enrolment:
    """Join `store`'s programme (cross-location rules); an existing card is returned."""
    merchant = await directory.merchant(store.merchant_id)
    if not serves(merchant.id):
        raise errors.OtherCafe(merchant.name)
    await upsert_user(directory, profile, now)  # also serialises this user's enrolments
    program = await directory.program(store.merchant_id)
    existing = await ledger.active_cards_of_customer(profile.user_id, merchant.id)
    if not program.cross_location:
        existing = [card for card in existing if card.store_id == store.id]
    created = not existing
    card = existing[0] if existing else await _new_card(ledger, profile.user_id, store, now)
    home = store if card.store_id == store.id else await directory.store(card.store_id)
    stores = await directory.stores_of_merchant(merchant.id) if program.cross_location else [home]
    return Enrolment(
        card=make_card_view(card, program, merchant, home, await ladder_of(directory, program)),
        created=created,
        joined_store=store_view(store, merchant),
        stores=tuple(store_view(s, merchant) for s in stores),
    )


async def _new_card(
    ledger: LedgerRepository, customer_id: int, store: Store, now: datetime
) -> Card:
    number = new_card_number()
    while await ledger.number_taken(number):  # 10^12 numbers: a retry is rare, not impossible
        number = new_card_number()
    referral_code = new_referral_code()
    while await ledger.referral_code_taken(referral_code):
        referral_code = new_referral_code()
    card = Card(
        number=number,
        qr_token=new_qr_token(),
        customer_id=customer_id,
        merchant_id=store.merchant_id,
        store_id=store.id,
        stamp_count=0,
        lifetime_stamps=0,
        rewards_redeemed=0,
        points_balance=0,
        points_earned=0,
        points_redeemed=0,
        points_voided=0,
        points_expired=0,
        active=True,
        created_at=now,
        last_activity_at=now,
        referral_code=referral_code,
    )
    ledger.session.add(card)
    await ledger.session.flush()
    await record_card_created(ledger.session, card)
    return card


class CustomerService(ServiceBase):
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

    async def dispute_question(self, customer_id: int, entry_id: int) -> Dispute:
        """What a "not me" on the entry would be about, before the customer confirms it;
        refused as `dispute` would refuse someone else's entry."""
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            entry, _ = await _disputable(ledger, customer_id, entry_id, lock=False)
            return await _dispute_view(ledger, directory, entry)

    async def dispute(self, customer_id: int, entry_id: int) -> Dispute:
        """ "Not me": reverse an earning on the customer's card; a redemption alerts the owner.
        An operation staff had already undone changes nothing; the owner still hears of it."""
        now = self._clock.now()
        async with self._db.write() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            entry, card = await _disputable(ledger, customer_id, entry_id, lock=True)
            kind = LedgerKind(entry.kind)
            effects: list[Effect] = []
            reversed_before = await ledger.reversal_of(entry.id)
            if reversed_before is not None and reversed_before.kind == LedgerKind.NOT_ME.value:
                raise errors.AlreadyReversed()  # a second "not me" on the same notice
            if kind.is_earning and reversed_before is None:
                row = await reverse_entry(
                    ledger, entry, kind=LedgerKind.NOT_ME, staff_user_id=None, now=now
                )
                effects.append(RefreshWallet(card_id=card.id, cause=str(row.id)))
            dispute = await _dispute_view(ledger, directory, entry)
            effects.append(AlertOwner(entry_id=entry.id, owner_user_id=dispute.owner_user_id))
            await self._effects.record(session, effects)
            return dispute

    async def dispute_of(self, entry_id: int) -> Dispute:
        """A "not me" as the owner's alert shows it (for the outbox's dispatcher)."""
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            entry = await ledger.entry(entry_id)
            if entry is None:
                raise errors.EntryNotFound()
            return await _dispute_view(ledger, directory, entry)

    async def export_data(self, user_id: int) -> dict[str, Any]:
        """Everything stored about the user, as JSON-ready values (for /mydata)."""
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            user = await directory.user(user_id)
            cards = await ledger.active_cards_of_customer(user_id)
            entries = await ledger.entries_of_cards([card.id for card in cards])
            membership = await directory.active_membership(user_id)
            owned = await directory.merchant_of_owner(user_id)
            devices = await WalletRepository(session, self._dialect).registrations_of_passes(
                [card.number for card in cards]
            )
            return {
                "user": None if user is None else _user_json(user),
                "cards": [await _card_json(directory, card) for card in cards],
                "ledger": [
                    {
                        "card_number": next(c.number for c in cards if c.id == e.card_id),
                        "kind": e.kind,
                        "stamps_delta": e.stamps_delta,
                        "points_delta": e.points_delta,
                        "amount": None if e.amount is None else str(e.amount),
                        "reason": e.reason,
                        "created_at": e.created_at.isoformat(),
                    }
                    for e in entries
                ],
                "wallet_devices": [
                    {
                        "card_number": format_card_number(device.serial_number),
                        "device": device.device_library_identifier,
                        "registered_at": device.created_at.isoformat(),
                    }
                    for device in devices
                ],
                "staff_membership": None
                if membership is None
                else {
                    "merchant": (await directory.merchant(membership.merchant_id)).name,
                    "role": membership.role,
                    "since": membership.created_at.isoformat(),
                    # Where a staff member of every store said they worked, day by day.
                    "stores_of_day": [
                        {"day": day.isoformat(), "store": name}
                        for day, name in await StoresOfDayRepository(session, self._dialect).said(
                            membership.id
                        )
                    ],
                },
                "merchant_owned": None if owned is None else {"name": owned.name},
            }

    async def erase(self, user_id: int) -> int:
        """Forget the user's personal data and deactivate their cards; the ledger stays, without
        its free-text reasons, and the devices holding the cards' wallet passes are forgotten.
        Their answers about offers go too (joining again asks again), as do the offers listed
        for them and who invited whom (docs/operating.md lists every table).

        Returns the number of cards deactivated.
        """
        now = self._clock.now()
        async with self._db.write() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            user = await directory.user(user_id, lock=True)
            cards = await ledger.active_cards_of_customer(user_id, lock=True)
            for card in cards:
                card.active = False
            every_card = await ledger.all_cards_of_customer(user_id)
            await ledger.blank_reasons([card.id for card in every_card])
            await WalletRepository(session, self._dialect).forget_devices_of_passes(
                [card.number for card in every_card]
            )
            # Nothing left links the person to a café's offers or to another customer.
            await ConsentRepository(session, self._dialect).forget_customer(user_id)
            await BonusRepository(session, self._dialect).forget_referrals_of(user_id)
            for card in every_card:  # each café's tools hear it, of every card they know
                await record_card_forgotten(session, card, now)
            if user is not None:
                user.first_name = None
                user.username = None
                user.telegram_language = None
                user.language = None
                user.birth_day = None
                user.birth_month = None
                user.birthday_set_at = None
                user.erased_at = now
            await session.flush()
            return len(cards)

    async def _own_card(
        self, ledger: LedgerRepository, customer_id: int, card_id: int, *, lock: bool = False
    ) -> Card:
        card = await ledger.card_by_id(card_id, lock=lock)
        if card is None or card.customer_id != customer_id or not card.active:
            raise errors.NoCard()
        if not serves(card.merchant_id):
            raise errors.NoCard()
        return card


def _user_json(user: User) -> dict[str, Any]:
    return {
        "telegram_id": user.id,
        "first_name": user.first_name,
        "username": user.username,
        "telegram_language": user.telegram_language,
        "language": user.language,
        "birthday": None
        if user.birth_day is None or user.birth_month is None
        else {
            "day": user.birth_day,
            "month": user.birth_month,
            "set_at": None if user.birthday_set_at is None else user.birthday_set_at.isoformat(),
        },
        "created_at": user.created_at.isoformat(),
    }


async def _disputable(
    ledger: LedgerRepository, customer_id: int, entry_id: int, *, lock: bool
) -> tuple[LedgerEntry, Card]:
    """The customer's earning or redemption and its card, or EntryNotFound."""
    entry = await ledger.entry(entry_id)
    card = None if entry is None else await ledger.card_by_id(entry.card_id, lock=lock)
    if entry is None or card is None or card.customer_id != customer_id:
        raise errors.EntryNotFound()
    kind = LedgerKind(entry.kind)
    if not (kind.is_earning or kind.is_redemption):
        raise errors.EntryNotFound()
    return entry, card


async def _dispute_view(
    ledger: LedgerRepository, directory: DirectoryRepository, entry: LedgerEntry
) -> Dispute:
    card = await ledger.card_by_id(entry.card_id)
    assert card is not None  # a ledger row always has its card
    reversal = await ledger.reversal_of(entry.id)
    merchant = await directory.merchant(card.merchant_id)
    staff = None if entry.staff_user_id is None else await directory.user(entry.staff_user_id)
    return Dispute(
        disputed_kind=LedgerKind(entry.kind),
        reversal=(
            None if reversal is None else await operation_result(ledger, directory, reversal)
        ),
        owner_user_id=merchant.owner_user_id,
        card=await card_view(directory, card),
        store_name=(await directory.store(entry.store_id)).name,
        staff_user_id=entry.staff_user_id,
        staff_name=None if staff is None else staff.first_name,
        entry_created_at=entry.created_at,
    )


async def _card_json(directory: DirectoryRepository, card: Card) -> dict[str, Any]:
    merchant: Merchant = await directory.merchant(card.merchant_id)
    program: Program = await directory.program(card.merchant_id)
    view = make_card_view(card, program, merchant, await directory.store(card.store_id))
    return {
        "merchant": view.merchant_name,
        "store": view.store_name,
        "number": view.display_number,
        "stamps": view.stamp_count,
        "lifetime_stamps": view.lifetime_stamps,
        "rewards_redeemed": view.rewards_redeemed,
        "points_balance": view.points_balance,
        "points_earned": view.points_earned,
        "points_redeemed": view.points_redeemed,
        "referral_code": view.referral_code,
        "created_at": view.created_at.isoformat(),
    }
