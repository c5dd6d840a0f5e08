"""Building blocks for tests: a merchant with stores, staff and customers, via the service."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from domain.model import StoreView, UserProfile
from domain.service import LoyaltyService

_user_ids = count(10_000)


def new_profile(name: str = "Person", language: str = "en") -> UserProfile:
    user_id = next(_user_ids)
    return UserProfile(
        user_id=user_id, first_name=name, username=f"u{user_id}", telegram_language=language
    )


@dataclass
class Shop:
    """A merchant as tests use it: the owner, its stores and its cashiers."""

    service: LoyaltyService
    owner: UserProfile
    stores: list[StoreView] = field(default_factory=list)
    cashiers: dict[str, UserProfile] = field(default_factory=dict)

    @property
    def first_store(self) -> StoreView:
        return self.stores[0]

    async def add_store(self, name: str) -> StoreView:
        store = await self.service.merchants.add_store(self.owner.user_id, name)
        self.stores.append(store)
        return store

    async def hire(self, name: str, store: StoreView | None = None) -> UserProfile:
        """A cashier for one store (or for all stores when store is None)."""
        invite = await self.service.staff.create_invite(
            self.owner.user_id, None if store is None else store.name
        )
        cashier = new_profile(name)
        await self.service.staff.accept_invite(cashier, invite.token)
        self.cashiers[name] = cashier
        return cashier

    async def configure(self, **settings: str) -> None:
        for key, value in settings.items():
            await self.service.merchants.change_program(
                self.owner.user_id, key, value, confirm_merge=True, confirm_past_midnight=True
            )


async def open_shop(service: LoyaltyService, name: str = "Café Lux", **settings: str) -> Shop:
    owner = new_profile(f"Owner of {name}")
    store = await service.merchants.setup(
        owner, name, language="en", reward="Free coffee", points_reward_text="5 € voucher"
    )
    shop = Shop(service=service, owner=owner, stores=[store])
    await shop.configure(**settings)
    return shop
