"""Programmes and their reward ladders, kept in memory per merchant and checked by version.

A programme changes a few times a year and is read by every operation at the counter. The
`programs.version` column is raised by the database itself (triggers, see the migration
"programme versions") whenever the programme row or any of its rewards changes, by whichever
process or tool made the change. An operation reads the version in the statement it needs
anyway (the card's), and the copy kept here is used only while its version is the current
one: a change made by another worker is seen by the next operation, never later.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from domain.db.rewards import RewardRepository, reward_value
from domain.db.tables import Program
from domain.model import Reward


@dataclass(frozen=True)
class Programme:
    """A programme row (a copy bound to no session: read it, never change it) and its
    current ladder, stamps first, then points, each by cost."""

    version: int
    program: Program
    ladder: tuple[Reward, ...]


class ProgrammeCache:
    """The latest programme read per merchant. One per Database (per process and engine)."""

    def __init__(self) -> None:
        self._by_merchant: dict[int, Programme] = {}

    async def get(self, session: AsyncSession, merchant_id: int, version: int) -> Programme:
        """The programme at `version` (just read with the caller's other rows); read afresh,
        in the caller's transaction, when the copy here is older."""
        held = self._by_merchant.get(merchant_id)
        if held is not None and held.version == version:
            return held
        # The row first: should the ladder change between the two reads (PostgreSQL's read
        # committed), the copy is filed under the older version and replaced at the next use.
        program = (
            await session.execute(select(Program).where(Program.merchant_id == merchant_id))
        ).scalar_one()
        rungs = await RewardRepository(session).rungs(merchant_id)
        fresh = Programme(
            version=program.version,
            program=_copy(program),
            ladder=tuple(reward_value(row) for row in rungs),
        )
        if held is None or fresh.version >= held.version:
            self._by_merchant[merchant_id] = fresh
        return fresh

    def forget(self) -> None:
        self._by_merchant.clear()


def _copy(program: Program) -> Program:
    """The row's values on an object of no session, so that no session's expiry, refresh or
    flush can reach the copy every operation shares."""
    copy = Program()
    for column in Program.__table__.columns:
        set_committed_value(copy, column.key, getattr(program, column.key))
    return copy
