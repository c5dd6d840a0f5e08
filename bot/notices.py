"""Which customer notices went out, so a re-handled operation sends a missing one, once.

Recent ones are remembered in memory (a double tap replays within seconds); all are written to
the database in batches, which is what a restarted bot reads. A crash inside a batch's 0.2 s
can at worst repeat a notice, never lose one.
"""

from __future__ import annotations

from collections import OrderedDict

from domain.service import LoyaltyService

RECENT_LIMIT = 10_000


class NoticeBook:
    def __init__(self) -> None:
        self._recent: OrderedDict[int, None] = OrderedDict()
        self._unsaved: list[int] = []

    def sent(self, entry_id: int) -> None:
        self._recent[entry_id] = None
        if len(self._recent) > RECENT_LIMIT:
            self._recent.popitem(last=False)
        self._unsaved.append(entry_id)

    async def already_sent(self, service: LoyaltyService, entry_id: int) -> bool:
        if entry_id in self._recent:
            return True
        return entry_id in await service.inbox.notices_sent([entry_id])

    async def flush(self, service: LoyaltyService) -> None:
        batch, self._unsaved = self._unsaved, []
        try:
            await service.inbox.record_notices(batch)
        except BaseException:  # also on cancellation: nothing recorded may be forgotten
            self._unsaved.extend(batch)
            raise
