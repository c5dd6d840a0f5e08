"""Users, merchants, stores, programs and staff: who is who, and where."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.dialect import Dialect
from domain.db.tables import (
    Card,
    Merchant,
    Program,
    StaffInvite,
    StaffMembership,
    Store,
    User,
)


class DirectoryRepository:
    """Reads and writes the people and places of the domain through one session."""

    def __init__(self, session: AsyncSession, dialect: Dialect) -> None:
        self.session = session
        self._dialect = dialect
        self._lock_rows = dialect.locks_rows

    # --- users ------------------------------------------------------------------------------

    async def user(self, user_id: int, *, lock: bool = False) -> User | None:
        query = select(User).where(User.id == user_id)
        if lock and self._lock_rows:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def mark_unreachable(self, user_id: int) -> None:
        """The user blocked the bot: stop counting on messages reaching them."""
        user = await self.user(user_id, lock=True)
        if user is not None:
            user.reachable = False

    async def ensure_user(self, user_id: int, now: datetime) -> User:
        """The user's row, created if missing, locked against concurrent changes (PostgreSQL).

        An INSERT … ON CONFLICT DO NOTHING first, because a lock on a row that does not exist
        yet would serialise nothing.
        """
        await self.session.execute(
            self._dialect.insert(User)
            .values(id=user_id, created_at=now, reachable=True)
            .on_conflict_do_nothing(index_elements=[User.id])
        )
        user = await self.user(user_id, lock=True)
        assert user is not None
        return user

    async def users(self, user_ids: list[int]) -> dict[int, User]:
        if not user_ids:
            return {}
        rows = await self.session.execute(select(User).where(User.id.in_(user_ids)))
        return {user.id: user for user in rows.scalars()}

    def add(self, row: object) -> None:
        self.session.add(row)

    async def flush(self) -> None:
        await self.session.flush()

    # --- merchants, programs, stores ----------------------------------------------------------

    async def merchant(self, merchant_id: int) -> Merchant:
        return (
            await self.session.execute(select(Merchant).where(Merchant.id == merchant_id))
        ).scalar_one()

    async def merchant_and_store(self, merchant_id: int, store_id: int) -> tuple[Merchant, Store]:
        """Both rows in one statement (a card's view needs them on every operation)."""
        query = (
            select(Merchant, Store)
            .join(Store, Store.merchant_id == Merchant.id)  # a card's store is its merchant's
            .where(Merchant.id == merchant_id, Store.id == store_id)
        )
        merchant, store = (await self.session.execute(query)).one()
        return merchant, store

    async def card_context(
        self, merchant_id: int, store_id: int, customer_id: int
    ) -> tuple[Merchant, Store, str | None]:
        """A card's merchant and store and its holder's first name, in one statement."""
        query = (
            select(Merchant, Store, User.first_name)
            .join(Store, Store.merchant_id == Merchant.id)
            .outerjoin(User, and_(User.id == customer_id, User.erased_at.is_(None)))
            .where(Merchant.id == merchant_id, Store.id == store_id)
        )
        merchant, store, first_name = (await self.session.execute(query)).one()
        return merchant, store, first_name

    async def merchant_of_owner(self, owner_user_id: int) -> Merchant | None:
        query = select(Merchant).where(Merchant.owner_user_id == owner_user_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def program(self, merchant_id: int, *, lock: bool = False) -> Program:
        query = select(Program).where(Program.merchant_id == merchant_id)
        if lock and self._lock_rows:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one()

    async def store(self, store_id: int) -> Store:
        return (await self.session.execute(select(Store).where(Store.id == store_id))).scalar_one()

    async def store_by_code(self, code: str) -> Store | None:
        query = select(Store).where(Store.code == code)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def stores_of_merchant(self, merchant_id: int) -> list[Store]:
        query = select(Store).where(Store.merchant_id == merchant_id).order_by(Store.id)
        return list((await self.session.execute(query)).scalars())

    async def stores_by_id(self, store_ids: set[int]) -> dict[int, Store]:
        if not store_ids:
            return {}
        rows = await self.session.execute(select(Store).where(Store.id.in_(store_ids)))
        return {store.id: store for store in rows.scalars()}

    async def store_code_taken(self, code: str) -> bool:
        return await self.store_by_code(code) is not None

    # --- staff ------------------------------------------------------------------------------

    async def active_membership(self, user_id: int) -> StaffMembership | None:
        query = select(StaffMembership).where(
            StaffMembership.user_id == user_id, StaffMembership.active
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def membership(self, membership_id: int) -> StaffMembership | None:
        """A membership by its id, active or ended."""
        return await self.session.get(StaffMembership, membership_id)

    async def active_memberships_of_merchant(self, merchant_id: int) -> list[StaffMembership]:
        query = (
            select(StaffMembership)
            .where(StaffMembership.merchant_id == merchant_id, StaffMembership.active)
            .order_by(StaffMembership.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def end_membership(self, membership_id: int, now: datetime) -> bool:
        statement = (
            update(StaffMembership)
            .where(StaffMembership.id == membership_id, StaffMembership.active)
            .values(active=False, ended_at=now)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def invite_by_hash(self, token_hash: str, *, lock: bool = False) -> StaffInvite | None:
        query = select(StaffInvite).where(StaffInvite.token_hash == token_hash)
        if lock and self._lock_rows:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def use_invite(self, invite_id: int, user_id: int, now: datetime) -> bool:
        """Mark the invite used; False if somebody used it first (single use, atomically)."""
        statement = (
            update(StaffInvite)
            .where(StaffInvite.id == invite_id, StaffInvite.used_at.is_(None))
            .values(used_at=now, used_by_user_id=user_id)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # --- cross-location merges --------------------------------------------------------------

    async def count_cards_holding(self, merchant_id: int, *, stamps: bool) -> int:
        """Active cards of the merchant with stamps (or, with stamps=False, points) on them."""
        balance = Card.stamp_count if stamps else Card.points_balance
        query = select(func.count()).where(
            Card.merchant_id == merchant_id, Card.active, balance > 0
        )
        return int((await self.session.execute(query)).scalar_one())

    async def customers_with_duplicate_cards(self, merchant_id: int) -> list[tuple[int, int]]:
        """(customer id, number of active cards) for customers holding more than one card."""
        query = (
            select(Card.customer_id, func.count())
            .where(Card.merchant_id == merchant_id, Card.active)
            .group_by(Card.customer_id)
            .having(func.count() > 1)
            .order_by(Card.customer_id)
        )
        return [(row[0], row[1]) for row in await self.session.execute(query)]
