"""Use cases of owners: set up the business, add stores, configure the program."""

from __future__ import annotations

from datetime import datetime

from domain import errors
from domain.codes import new_store_code
from domain.db.directory import DirectoryRepository
from domain.db.ledger import LedgerRepository
from domain.db.program_settings import settings_of, store_settings
from domain.db.rewards import RewardRepository
from domain.db.tables import Card, Merchant, Program, StaffMembership, Store
from domain.effects import RefreshBotProfile, RefreshBrandedPasses, RefreshWallet
from domain.model import (
    LedgerKind,
    ProgramType,
    RewardUnit,
    StaffRole,
    StoreView,
    UserProfile,
    clean_name,
    first_rung,
)
from domain.program import (
    FIRST_RUNG_SETTINGS,
    LANGUAGES,
    ProgramChange,
    ProgramSettings,
    apply_setting,
)
from domain.service.base import ServiceBase, ladder_of, require_owner, store_view
from domain.service.enrolment import upsert_user
from domain.service.rewards import edit_rung

# Lifetime counters that follow the balance into the surviving card of a merge.
_MERGED_COUNTERS = (
    "lifetime_stamps",
    "rewards_redeemed",
    "points_earned",
    "points_redeemed",
    "points_voided",
    "points_expired",
)


class MerchantService(ServiceBase):
    """The owner's set-up of their business."""

    async def setup(
        self,
        profile: UserProfile,
        business_name: str,
        *,
        language: str,
        reward: str,
        points_reward_text: str,
        switch_membership: bool = False,
    ) -> StoreView:
        """Create the merchant, its first store (same name) and a default program."""
        name = clean_name(business_name)
        if language not in LANGUAGES:
            language = "en"
        now = self._clock.now()
        async with self._db.write() as session:
            directory = self._directory(session)
            await upsert_user(directory, profile, now)
            owned = await directory.merchant_of_owner(profile.user_id)
            if owned is not None:
                raise errors.AlreadyOwner(merchant_name=owned.name)
            current = await directory.active_membership(profile.user_id)
            if current is not None:
                if not switch_membership:
                    other = await directory.merchant(current.merchant_id)
                    raise errors.MembershipSwitchRequired(current_merchant_name=other.name)
                await directory.end_membership(current.id, now)
            merchant = Merchant(name=name, owner_user_id=profile.user_id, created_at=now)
            directory.add(merchant)
            await directory.flush()
            defaults = ProgramSettings(
                reward=reward, points_reward_text=points_reward_text, language=language
            )
            program = Program(merchant_id=merchant.id)
            store_settings(program, defaults, now)
            directory.add(program)
            await directory.flush()
            # The first rewards are the ladder's first rungs, one of each unit.
            rewards = RewardRepository(session)
            await rewards.add(
                merchant.id, RewardUnit.STAMPS, defaults.stamps_target, defaults.reward, now
            )
            await rewards.add(
                merchant.id,
                RewardUnit.POINTS,
                defaults.points_reward,
                defaults.points_reward_text,
                now,
            )
            store = await _new_store(directory, merchant, name, now)
            directory.add(
                StaffMembership(
                    user_id=profile.user_id,
                    merchant_id=merchant.id,
                    store_id=None,
                    role=StaffRole.OWNER.value,
                    active=True,
                    created_at=now,
                )
            )
            await directory.flush()
            return store_view(store, merchant)

    async def rename(self, owner_id: int, business_name: str) -> str:
        """The café's new name (its stores keep theirs): its cards show it at once; its wallet
        passes and its own bot's profile follow through the outbox."""
        name = clean_name(business_name)
        async with self._db.write() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            if merchant.name == name:
                return name
            merchant.name = name
            version = f"name.{self._clock.now().strftime('%Y%m%dT%H%M%S%f')}"
            await self._effects.record(
                session,
                [
                    RefreshBrandedPasses(merchant_id=merchant.id, version=version),
                    RefreshBotProfile(merchant_id=merchant.id, version=version, photo=False),
                ],
            )
            return name

    async def add_store(self, owner_id: int, store_name: str) -> StoreView:
        name = clean_name(store_name)
        now = self._clock.now()
        async with self._db.write() as session:
            directory = self._directory(session)
            merchant = await require_owner(directory, owner_id)
            existing = await directory.stores_of_merchant(merchant.id)
            if any(store.name.casefold() == name.casefold() for store in existing):
                raise errors.DuplicateStoreName(store_name=name)
            return store_view(await _new_store(directory, merchant, name, now), merchant)

    async def stores(self, owner_id: int) -> list[StoreView]:
        async with self._db.read() as session:
            directory = self._directory(session)
            merchant = await require_owner(directory, owner_id)
            return [
                store_view(s, merchant) for s in await directory.stores_of_merchant(merchant.id)
            ]

    async def find_store(self, owner_id: int, reference: str) -> StoreView:
        """One of the owner's stores by name (any case) or by code."""
        async with self._db.read() as session:
            directory = self._directory(session)
            merchant = await require_owner(directory, owner_id)
            store = await find_own_store(directory, merchant, reference)
            return store_view(store, merchant)

    async def program(self, owner_id: int) -> ProgramSettings:
        async with self._db.read() as session:
            directory = self._directory(session)
            merchant = await require_owner(directory, owner_id)
            program = await directory.program(merchant.id)
            return settings_of(program, await ladder_of(directory, program))

    async def change_program(
        self,
        owner_id: int,
        key: str,
        value: str,
        *,
        confirm_merge: bool = False,
        confirm_hidden_balances: bool = False,
        confirm_past_midnight: bool = False,
    ) -> ProgramChange:
        """Change one setting; turning cross-location on merges duplicate cards, and a type
        that hides the balances cards hold or a happy hour past midnight needs confirming."""
        now = self._clock.now()
        async with self._db.write() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            merchant = await require_owner(directory, owner_id)
            program = await directory.program(merchant.id, lock=True)
            before = settings_of(program, await ladder_of(directory, program))
            after = apply_setting(before, key, value)
            if key.strip().lower() == "happy_hour" and not confirm_past_midnight:
                _refuse_past_midnight(after)
            if not confirm_hidden_balances:
                await _refuse_hiding_balances(directory, merchant.id, before.type, after.type)
            merged_into: list[int] = []
            if after.cross_location and not before.cross_location:
                duplicates = await directory.customers_with_duplicate_cards(merchant.id)
                if duplicates and not confirm_merge:
                    raise errors.MergeConfirmationRequired(
                        customers=len(duplicates), cards=sum(count for _, count in duplicates)
                    )
                for customer_id, _ in duplicates:
                    merged_into.append(await _merge_cards(ledger, merchant.id, customer_id, now))
            if key.strip().lower() in FIRST_RUNG_SETTINGS:
                await _change_first_rung(RewardRepository(session), program, key, after)
            store_settings(program, after, now)
            await session.flush()
            merge_cause = f"merge-{int(now.timestamp())}"
            await self._effects.record(
                session,
                [RefreshWallet(card_id=card_id, cause=merge_cause) for card_id in merged_into],
            )
            return ProgramChange(after, tuple(merged_into))


def _refuse_past_midnight(after: ProgramSettings) -> None:
    """HappyHourPastMidnight when a window of the new happy hours ends the next day."""
    late = after.happy_hour.past_midnight if after.happy_hour is not None else ()
    if late:
        raise errors.HappyHourPastMidnight(window=str(late[0]), minutes=late[0].minutes)


async def _change_first_rung(
    rewards: RewardRepository, program: Program, key: str, after: ProgramSettings
) -> None:
    """`/program set stamps_target|reward|points_reward|points_reward_text` edit the first
    (cheapest) reward of that unit, where they are stored; its cost must stay below the next
    reward's."""
    key = key.strip().lower()
    unit, part = FIRST_RUNG_SETTINGS[key]
    first = first_rung(await rewards.rungs(program.merchant_id), unit)
    if part == "name":
        await edit_rung(rewards, program, first, name=getattr(after, key))
        return
    cost: int = getattr(after, key)
    above = [r.cost for r in await rewards.rungs(program.merchant_id) if r.unit == unit.value][1:]
    if above and cost >= above[0]:
        raise errors.FirstRewardMustStayFirst(key=key, next_cost=above[0])
    await edit_rung(rewards, program, first, cost=cost)


async def _refuse_hiding_balances(
    directory: DirectoryRepository, merchant_id: int, before: ProgramType, after: ProgramType
) -> None:
    """TypeChangeHidesBalances when `after` stops showing what some cards hold. Nothing is
    taken off the cards: switching back shows the balances again."""
    for hidden, shown_before, shown_after in (
        ("stamps", before.has_stamps, after.has_stamps),
        ("points", before.has_points, after.has_points),
    ):
        if shown_before and not shown_after:
            cards = await directory.count_cards_holding(merchant_id, stamps=hidden == "stamps")
            if cards:
                raise errors.TypeChangeHidesBalances(cards=cards, hidden=hidden)


async def find_own_store(
    directory: DirectoryRepository, merchant: Merchant, reference: str
) -> Store:
    wanted = " ".join(reference.split()).casefold()
    for store in await directory.stores_of_merchant(merchant.id):
        if store.name.casefold() == wanted or store.code == wanted:
            return store
    raise errors.StoreNotFound(reference=reference)


async def _new_store(
    directory: DirectoryRepository, merchant: Merchant, name: str, now: datetime
) -> Store:
    code = new_store_code()
    while await directory.store_code_taken(code):
        code = new_store_code()
    store = Store(merchant_id=merchant.id, name=name, code=code, created_at=now)
    directory.add(store)
    await directory.flush()
    return store


async def _merge_cards(
    ledger: LedgerRepository, merchant_id: int, customer_id: int, now: datetime
) -> int:
    """Fold a customer's duplicate cards into their oldest: balances move by ledger rows.
    Returns the oldest card's id."""
    cards = await ledger.active_cards_of_customer(customer_id, merchant_id, lock=True)
    target, duplicates = cards[0], cards[1:]
    for duplicate in duplicates:
        stamps, points = duplicate.stamp_count, duplicate.points_balance
        moved_counters = {name: getattr(duplicate, name) for name in _MERGED_COUNTERS}
        emptied = await ledger.post(
            duplicate,
            kind=LedgerKind.MERGE_OUT,
            store_id=duplicate.store_id,
            staff_user_id=None,
            created_at=now,
            stamps_delta=-stamps,
            points_delta=-points,
            counters={},
            reason=f"merged into card {target.number}",
        )
        assert emptied is not None  # exactly its own balance is taken: never negative
        filled = await ledger.post(
            target,
            kind=LedgerKind.MERGE_IN,
            store_id=duplicate.store_id,
            staff_user_id=None,
            created_at=now,
            stamps_delta=stamps,
            points_delta=points,
            counters=moved_counters,
            timestamps=_latest_times(target, duplicate),
            reason=f"merged from card {duplicate.number}",
        )
        assert filled is not None
        duplicate.active = False
        duplicate.merged_into_card_id = target.id
        await ledger.session.flush()
    return target.id


def _latest_times(target: Card, duplicate: Card) -> dict[str, datetime | None]:
    times: dict[str, datetime | None] = {}
    for name in ("last_stamp_at", "last_points_at", "last_redemption_at", "last_activity_at"):
        values = [v for v in (getattr(target, name), getattr(duplicate, name)) if v is not None]
        if values:
            times[name] = max(values)
    return times
