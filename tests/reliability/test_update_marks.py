"""Stopping the bot while handled updates are being marked must not forget any of them.

A forgotten mark means the update is handled a second time after the restart (an owner who
set up a business would be told "You already run …"). The marks are written every 0.2 s by a
background flush; this stops the processor in the middle of one.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

from telegram import Update

from bot.notices import NoticeBook
from bot.updates import PerChatOrderedProcessor
from domain.service import LoyaltyService


def _message_update(update_id: int, chat_id: int) -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": chat_id, "is_bot": False, "first_name": "Ann"},
                "text": "/card",
            },
        },
        None,
    )


async def _handled() -> None:
    await asyncio.sleep(0)


async def test_a_stop_during_a_slow_mark_still_records_every_handled_update(
    service: LoyaltyService,
) -> None:
    await service.inbox.receive([(1, "{}"), (2, "{}")])
    mark_started = asyncio.Event()
    really_mark = service.inbox.mark_processed

    async def slow_mark(update_ids: Any) -> None:
        ids = list(update_ids)
        if ids:
            mark_started.set()
            await asyncio.sleep(0.3)  # a busy database
        await really_mark(ids)

    service.inbox.mark_processed = slow_mark  # type: ignore[method-assign]
    processor = PerChatOrderedProcessor(4)
    application = SimpleNamespace(bot_data=SimpleNamespace(service=service, notices=NoticeBook()))
    processor.bind(cast(Any, application))
    await processor.initialize()

    await processor.do_process_update(_message_update(1, 10), _handled())
    await asyncio.wait_for(mark_started.wait(), timeout=2)  # the background flush holds update 1
    await processor.do_process_update(_message_update(2, 11), _handled())
    await processor.shutdown()

    assert await service.inbox.is_processed(1)
    assert await service.inbox.is_processed(2)
    assert await service.inbox.pending() == []
