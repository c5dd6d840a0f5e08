"""The per-key request limit of the API (PRODUCT.md §12): at most so many requests a minute
per key, counted in the database so that every worker shares one count.

Each key has one row: the start of its current fixed window and the requests made in it. A
request counts itself with one upsert that also starts a new window when the old one is over,
and reads the count back (RETURNING), so the limit costs one statement per request and no
lock. A worker whose clock lags a little never moves a window back: it counts into the newer
one.
"""

from __future__ import annotations

import math

from sqlalchemy import case

from domain.apikeys import DEFAULT_REQUESTS_PER_MINUTE
from domain.clock import Clock
from domain.db.uow import Database
from infra.tables import ApiRequestWindow

WINDOW_SECONDS = 60


class RequestsLimited(Exception):
    """The key made its `limit` requests of this minute: the next one counts in
    `retry_after` seconds."""

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(f"over {limit} requests a minute; retry after {retry_after} s")
        self.limit = limit
        self.retry_after = retry_after


class ApiRequestLimit:
    """`per_minute` requests per key and minute; 0: no limit (nothing is counted)."""

    def __init__(
        self, database: Database, clock: Clock, per_minute: int = DEFAULT_REQUESTS_PER_MINUTE
    ) -> None:
        self._db = database
        self._clock = clock
        self.per_minute = per_minute

    async def count(self, api_key_id: int) -> None:
        """Count one request of the key, or raise RequestsLimited (it is counted all the same:
        a key that keeps asking stays refused until its window ends, no longer)."""
        if self.per_minute <= 0:
            return
        now = self._clock.now().timestamp()
        window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        row = ApiRequestWindow
        insert = self._db.dialect.insert(row).values(
            api_key_id=api_key_id, window_start=window, requests=1
        )
        same_window = row.window_start >= insert.excluded.window_start
        statement = insert.on_conflict_do_update(
            index_elements=[row.api_key_id],
            set_={
                "requests": case((same_window, row.requests + 1), else_=1),
                "window_start": case(
                    (same_window, row.window_start), else_=insert.excluded.window_start
                ),
            },
        ).returning(row.requests, row.window_start)
        async with self._db.write() as session:
            requests, start = (await session.execute(statement)).one()
        if requests > self.per_minute:
            left = math.ceil(start + WINDOW_SECONDS - now)
            raise RequestsLimited(self.per_minute, min(max(1, left), 2 * WINDOW_SECONDS))
