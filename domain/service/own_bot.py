"""The café's own bot, as the domain sees it: who is told about it, and what they are told.

Which bot serves which café is hosting (infra/bots.py); what the domain decides is that each of
the café's customers and cashiers hears of the new bot once, and the owner hears what became of
it (ready, paused, serving again). Cards, balances, history, consent and roles never change.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.brand import Brand
from domain.db.brand import BrandRepository
from domain.effects import MeetOwnBot, OwnBotNews, RefreshBotProfile
from domain.model import Recipient
from domain.service.base import ServiceBase, recipient
from domain.service.brand import brand_of_row


@dataclass(frozen=True)
class OwnBotGreeting:
    """What one person is told about the café's new bot."""

    merchant_id: int
    merchant_name: str
    merchant_language: str
    person: Recipient
    qr_token: str | None  # their card at this café, opened in the new bot; None for cashiers
    is_staff: bool


@dataclass(frozen=True)
class OwnBotOwner:
    merchant_id: int
    merchant_name: str
    merchant_language: str
    owner: Recipient


@dataclass(frozen=True)
class OwnBotProfile:
    """What the café's bot shows of the café: its name, and its logo as the bot's photo."""

    merchant_name: str
    brand: Brand
    logo_png: bytes | None  # the stored logo; None without one
    logo_removed: bool  # the café took its logo back: the photo set from it goes too


class OwnBotService(ServiceBase):
    async def announce(self, merchant_id: int, bot_id: int) -> int:
        """Each customer with an active card here and each cashier hears of the bot once (the
        owner made it and is told apart). How many were queued (0 on a repeat)."""
        async with self._db.write() as session:
            directory = self._directory(session)
            merchant = await directory.merchant(merchant_id)
            people = await self._ledger(session).holders_of_active_cards(merchant_id)
            people.update(
                seat.user_id for seat in await directory.active_memberships_of_merchant(merchant_id)
            )
            people.discard(merchant.owner_user_id)
            await self._effects.record(
                session, [MeetOwnBot(merchant_id, user_id, bot_id) for user_id in sorted(people)]
            )
            return len(people)

    async def tell_owner(self, merchant_id: int, bot_id: int, version: int, state: str) -> None:
        """The owner hears that the bot is ready (or serving again), or paused; once per
        version of the bot's record."""
        async with self._db.write() as session:
            merchant = await self._directory(session).merchant(merchant_id)
            news = OwnBotNews(merchant_id, merchant.owner_user_id, bot_id, version, state)
            await self._effects.record(session, [news])

    async def refresh_profile(self, merchant_id: int, version: str) -> None:
        """Queue the bot's profile to be set from the café as it is when it is sent (its first
        serving, a new name or logo): the outbox retries it until Telegram took it."""
        async with self._db.write() as session:
            await self._effects.record(session, [RefreshBotProfile(merchant_id, version)])

    async def profile(self, merchant_id: int) -> OwnBotProfile:
        async with self._db.read() as session:
            merchant = await self._directory(session).merchant(merchant_id)
            row = await BrandRepository(session, self._dialect).get(merchant_id)
            return OwnBotProfile(
                merchant_name=merchant.name,
                brand=brand_of_row(row),
                logo_png=None if row is None else row.logo_png,
                logo_removed=row is not None and row.logo_png is None and row.logo_version < 0,
            )

    async def greeting(self, merchant_id: int, user_id: int) -> OwnBotGreeting:
        async with self._db.read() as session:
            directory, ledger = self._directory(session), self._ledger(session)
            merchant = await directory.merchant(merchant_id)
            program = await directory.program(merchant_id)
            user = await directory.user(user_id)
            cards = await ledger.active_cards_of_customer(user_id, merchant_id)
            seat = await directory.active_membership(user_id)
            return OwnBotGreeting(
                merchant_id=merchant_id,
                merchant_name=merchant.name,
                merchant_language=program.language,
                person=recipient(user, user_id),
                qr_token=cards[0].qr_token if cards else None,
                is_staff=seat is not None and seat.merchant_id == merchant_id,
            )

    async def owner_of(self, merchant_id: int) -> OwnBotOwner:
        async with self._db.read() as session:
            directory = self._directory(session)
            merchant = await directory.merchant(merchant_id)
            program = await directory.program(merchant_id)
            user = await directory.user(merchant.owner_user_id)
            return OwnBotOwner(
                merchant_id=merchant_id,
                merchant_name=merchant.name,
                merchant_language=program.language,
                owner=recipient(user, merchant.owner_user_id),
            )
