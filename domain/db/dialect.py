"""What differs between SQLite and PostgreSQL, decided once per engine.

Every other module asks this object instead of comparing dialect names itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(frozen=True)
class Dialect:
    name: str

    @staticmethod
    def of(engine: AsyncEngine) -> Dialect:
        return Dialect(engine.dialect.name)

    @property
    def is_sqlite(self) -> bool:
        return self.name == "sqlite"

    @property
    def locks_rows(self) -> bool:
        """PostgreSQL needs row locks (FOR UPDATE) for read-then-write; SQLite writers already
        hold the database's write lock (BEGIN IMMEDIATE), and SQLite has no FOR UPDATE."""
        return not self.is_sqlite

    @property
    def single_process(self) -> bool:
        """SQLite deployments run one process: cross-process locks are not needed."""
        return self.is_sqlite

    @property
    def commits_out_of_id_order(self) -> bool:
        """PostgreSQL draws ids from a sequence before the row commits, so a row with a lower
        id can become visible after a higher one; SQLite's one writer at a time commits in id
        order."""
        return not self.is_sqlite

    def insert(self, table: Any) -> Any:
        """An INSERT that supports ON CONFLICT (both dialects spell it the same way)."""
        return (sqlite if self.is_sqlite else postgresql).insert(table)
