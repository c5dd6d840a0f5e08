"""Merchants, stores and staff through the domain's own use cases; customers and cards in bulk."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table

from benchmarks.dataset import (
    CardState,
    insert_cards,
    insert_entries,
    insert_rows,
    insert_users,
    write_final_balances,
)
from domain.db.tables import OfferConsent
from domain.db.uow import Database
from domain.model import LedgerKind, RewardUnit, UserProfile
from domain.service import LoyaltyService

# Counter staff stamp as fast as the load generator asks: no cooldown and no daily limit.
TOP_STAMPS = 50  # the benchmark programmes' dearest reward (what a card holds at most)
BENCH_PROGRAM = {"type": "hybrid", "cooldown": "0", "daily_limit": "0", "summary": "off"}


@dataclass
class Shop:
    merchant_id: int
    owner_id: int
    store_ids: list[int]
    staff_ids: list[int] = field(default_factory=list)


async def open_shops(
    service: LoyaltyService, count: int, staff_per_shop: int, stores_per_shop: int, first_id: int
) -> list[Shop]:
    """`count` merchants set up, configured and staffed as an owner would through the bot."""
    shops = []
    user_id = first_id
    for n in range(count):
        owner = UserProfile(user_id, f"Owner {n}", None, "en")
        user_id += 1
        store = await service.merchants.setup(
            owner, f"Shop {n}", language="en", reward="Free coffee", points_reward_text="Voucher"
        )
        shop = Shop(store.merchant_id, owner.user_id, [store.store_id])
        for s in range(1, stores_per_shop):
            shop.store_ids.append(
                (await service.merchants.add_store(owner.user_id, f"S{s}")).store_id
            )
        for key, value in BENCH_PROGRAM.items():
            await service.merchants.change_program(owner.user_id, key, value)
        # A second, dearer reward: cards collect stamps up to the top reward, and the
        # benchmarks' cards keep stamping past the first one (10) between redemptions.
        await service.rewards.add(owner.user_id, TOP_STAMPS, "Free lunch", RewardUnit.STAMPS)
        for _ in range(staff_per_shop):
            invite = await service.staff.create_invite(owner.user_id)
            await service.staff.accept_invite(
                UserProfile(user_id, f"Staff {user_id}", None, "en"), invite.token
            )
            shop.staff_ids.append(user_id)
            user_id += 1
        if len(shop.store_ids) > 1:  # cashiers of every store say where they work today
            for i, staff_id in enumerate(shop.staff_ids):
                store_id = shop.store_ids[i % len(shop.store_ids)]
                await service.stores_of_day.choose(staff_id, store_id)
        shops.append(shop)
    return shops


@dataclass
class RushCard:
    number: str
    customer_id: int
    stamps: int


@dataclass
class RushFixture:
    shops: list[Shop]
    cards: list[list[RushCard]]  # per shop

    @property
    def customers(self) -> list[int]:
        return [card.customer_id for cards in self.cards for card in cards]

    @property
    def staff(self) -> list[tuple[int, int]]:
        """(shop index, staff user id), interleaved across shops."""
        most = max(len(shop.staff_ids) for shop in self.shops)
        return [
            (i, shop.staff_ids[k])
            for k in range(most)
            for i, shop in enumerate(self.shops)
            if k < len(shop.staff_ids)
        ]


CUSTOMER_IDS = 7_000_000
STAFF_IDS = 5_000_000


async def seed_rush(
    database: Database, shops: int, staff: int, cards: int, rng: random.Random
) -> RushFixture:
    """Merchants with staff, and `cards` cards (0-12 stamps each, from one seed ledger row).

    A card with stamps is a customer who came before, as the product would have left them: the
    visit recorded on the card, and asked about the café's offers (they said no). A card with
    none is a first visit still to come, with its welcome and its question."""
    service = LoyaltyService(database)
    staff_per_shop = -(-staff // shops)
    opened = await open_shops(service, shops, staff_per_shop, 2, STAFF_IDS)
    now = datetime.now(UTC)
    states = []
    rows = []
    asked: list[dict[str, Any]] = []
    for i in range(cards):
        shop = opened[i % shops]
        card = CardState(
            id=i + 1,
            customer_id=CUSTOMER_IDS + i,
            merchant_id=shop.merchant_id,
            store_id=shop.store_ids[i % len(shop.store_ids)],
            created_at=now - timedelta(days=30),
        )
        stamps = rng.randint(0, 12)
        if stamps:
            at = now - timedelta(days=3)
            rows.append(
                card.apply(LedgerKind.STAMP, stamps, 0, at, shop.staff_ids[0], card.store_id, None)
            )
            card.lifetime_stamps, card.last_stamp_at = stamps, at
            card.first_visit_at = at
            asked.append(_asked_about_offers(card, at))
        states.append(card)
    async with database.engine.begin() as connection:
        await insert_users(connection, [card.customer_id for card in states], now)
        await insert_cards(connection, states)
        await insert_entries(connection, rows)
        await write_final_balances(connection, states)
        await insert_rows(connection, cast(Table, OfferConsent.__table__), asked)
    per_shop: list[list[RushCard]] = [[] for _ in opened]
    for i, card in enumerate(states):
        per_shop[i % shops].append(RushCard(card.number, card.customer_id, card.stamp_count))
    return RushFixture(opened, per_shop)


def _asked_about_offers(card: CardState, at: datetime) -> dict[str, Any]:
    """The consent row a first visit leaves: asked, offers off, nudges on."""
    return {
        "merchant_id": card.merchant_id,
        "customer_id": card.customer_id,
        "offers": False,
        "nudges": True,
        "asked_at": at,
        "changed_at": at,
    }
