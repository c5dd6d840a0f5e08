"""An in-memory unit of work: the use cases' ports (domain/summary_schedule.py) over plain
dicts and lists, so a use case's rules are tested in milliseconds.

Transactions behave as the database's do for what the use cases can see: a write works on a
copy of the committed state, which replaces it when the block ends normally and is dropped
when it raises (a failed use case leaves nothing behind, effects included); writers take turns,
as on SQLite; a read keeps nothing. tests/owner/test_summary_repository_contract.py runs the
same checks against this and the SQL repositories on SQLite and PostgreSQL, so the two cannot
drift apart.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import count

from domain.effects import Effect
from domain.program import ProgramSettings
from domain.summary_schedule import ScheduledSummary, SummaryAlreadyClaimed

_DEFAULTS = ProgramSettings()  # a new programme's, as the real set-up stores them


@dataclass
class State:
    """What the database would hold, as far as the faked repositories read and write it."""

    owners: dict[int, int] = field(default_factory=dict)  # merchant id -> owner's user id
    joined: dict[int, datetime] = field(default_factory=dict)  # merchant id -> joined at
    schedules: dict[int, ScheduledSummary] = field(default_factory=dict)  # by merchant
    claims: dict[tuple[int, date], datetime] = field(default_factory=dict)  # -> claimed at
    effects: list[Effect] = field(default_factory=list)  # the outbox, in recording order

    def copy(self) -> State:
        """A copy a transaction may change freely: the containers are new, their (immutable)
        values shared."""
        return State(
            owners=dict(self.owners),
            joined=dict(self.joined),
            schedules=dict(self.schedules),
            claims=dict(self.claims),
            effects=list(self.effects),
        )


class InMemorySummaryRepository:
    def __init__(self, state: State) -> None:
        self._state = state

    async def scheduled(self) -> list[ScheduledSummary]:
        return [self._state.schedules[m] for m in sorted(self._state.schedules)]

    async def claimed_since(self, earliest: date) -> set[tuple[int, date]]:
        return {claim for claim in self._state.claims if claim[1] >= earliest}

    async def claim(self, merchant_id: int, day: date, now: datetime) -> None:
        if (merchant_id, day) in self._state.claims:
            raise SummaryAlreadyClaimed()
        self._state.claims[merchant_id, day] = now

    async def owner_of(self, merchant_id: int) -> int:
        return self._state.owners[merchant_id]


class InMemoryWork:
    """One transaction: the repositories over its own copy of the state."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.summaries = InMemorySummaryRepository(state)

    async def record(self, effects: Sequence[Effect]) -> None:
        self.state.effects.extend(effects)


class FakeUnitOfWork:
    """Stands in for the SQL units of work; `state` is what has been committed."""

    def __init__(self) -> None:
        self.state = State()
        self._writer_turn = asyncio.Lock()
        self._ids = count(1)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[InMemoryWork]:
        yield InMemoryWork(self.state.copy())

    @asynccontextmanager
    async def write(self) -> AsyncIterator[InMemoryWork]:
        async with self._writer_turn:
            work = InMemoryWork(self.state.copy())
            yield work
            self.state = work.state  # reached only when the block did not raise

    # --- building the world a test starts from (what other use cases would have stored) ---

    def open_cafe(self, joined_at: datetime, *, summary: str | None = "default") -> int:
        """A new business, its programme with the default settings (`summary`: another time
        "HH:MM", or None for off); returns the merchant's id."""
        merchant_id = next(self._ids)
        self.state.owners[merchant_id] = 1_000 + merchant_id
        self.state.joined[merchant_id] = joined_at
        if summary == "default":
            assert _DEFAULTS.summary_time is not None
            summary = _DEFAULTS.summary_time.strftime("%H:%M")
        if summary is not None:
            self.state.schedules[merchant_id] = ScheduledSummary(
                merchant_id, _DEFAULTS.timezone, summary, joined_at, joined_at
            )
        return merchant_id

    def schedule(self, merchant_id: int, at: str | None, *, on_since: datetime) -> None:
        """The summary as the programme's settings left it: at `at` (None: off), on since
        `on_since` (the settings decide when that moves: domain/db/program_settings.py)."""
        if at is None:
            self.state.schedules.pop(merchant_id, None)
            return
        self.state.schedules[merchant_id] = ScheduledSummary(
            merchant_id, _DEFAULTS.timezone, at, on_since, self.state.joined[merchant_id]
        )
