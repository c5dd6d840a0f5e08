"""The reward ladder's rungs: reads, and the one place that writes them. The ladder is the one
store of a programme's rewards, its first rewards (the settings stamps_target, reward,
points_reward and points_reward_text) included."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db.tables import Reward
from domain.model import Reward as RewardValue
from domain.model import RewardUnit, reward_translations

_UNIT_ORDER = {RewardUnit.STAMPS.value: 0, RewardUnit.POINTS.value: 1}
_CACHE = "reward_rungs"


def reward_value(row: Reward) -> RewardValue:
    return RewardValue(
        reward_id=row.id,
        unit=RewardUnit(row.unit),
        cost=row.cost,
        name=row.name,
        translations=reward_translations(row.name_translations or {}),
    )


class RewardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rungs(self, merchant_id: int) -> list[Reward]:
        """The programme's current rewards: stamps first, then points, each by cost.

        Read once per transaction (an operation needs them for its rule and for the card it
        returns); the writes below read them afresh.
        """
        cache: dict[int, list[Reward]] = self.session.info.setdefault(_CACHE, {})
        if merchant_id not in cache:
            query = select(Reward).where(
                Reward.merchant_id == merchant_id, Reward.removed_at.is_(None)
            )
            rows = list((await self.session.execute(query)).scalars())
            cache[merchant_id] = sorted(rows, key=lambda r: (_UNIT_ORDER[r.unit], r.cost, r.id))
        return list(cache[merchant_id])

    def _forget(self) -> None:
        self.session.info.pop(_CACHE, None)

    async def get(self, reward_id: int) -> Reward | None:
        """A reward by its id, removed or not (history names what was redeemed)."""
        return await self.session.get(Reward, reward_id)

    async def by_id(self, reward_ids: Iterable[int | None]) -> dict[int, RewardValue]:
        """Rewards by their ids, removed or not (a history line names what was redeemed)."""
        wanted = {i for i in reward_ids if i is not None}
        if not wanted:
            return {}
        query = select(Reward).where(Reward.id.in_(wanted))
        return {row.id: reward_value(row) for row in (await self.session.execute(query)).scalars()}

    async def add(
        self, merchant_id: int, unit: RewardUnit, cost: int, name: str, now: datetime
    ) -> Reward:
        row = Reward(merchant_id=merchant_id, unit=unit.value, cost=cost, name=name, created_at=now)
        self.session.add(row)
        await self.session.flush()
        self._forget()
        return row

    async def settle(self) -> None:
        """After a change to the ladder: written, and read afresh next (a cost changed or a
        rung was removed, so the order may have changed)."""
        await self.session.flush()
        self._forget()
