"""A person's data: everything stored about them, as /mydata gives it, and its erasure."""

from __future__ import annotations

from typing import Any

from domain.db.bonuses import BonusRepository
from domain.db.consent import ConsentRepository
from domain.db.directory import DirectoryRepository
from domain.db.stores_of_day import StoresOfDayRepository
from domain.db.tables import Card, Merchant, Program, User
from domain.db.wallet import WalletRepository
from domain.db.webhooks import record_card_forgotten
from domain.model import format_card_number
from domain.service.base import ServiceBase, ladder_of, make_card_view


class PersonalDataCases(ServiceBase):
    """The person's own data (part of CustomerService)."""

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


async def _card_json(directory: DirectoryRepository, card: Card) -> dict[str, Any]:
    merchant: Merchant = await directory.merchant(card.merchant_id)
    program: Program = await directory.program(card.merchant_id)
    store = await directory.store(card.store_id)
    view = make_card_view(card, program, merchant, store, await ladder_of(directory, program))
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
