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
from bot.updates import PerChatOrderedProcessor, after_handling
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


async def test_an_update_with_a_follow_up_frees_its_chat_first_and_counts_once_it_is_done(
    service: LoyaltyService,
) -> None:
    await service.inbox.receive([(5, "{}"), (6, "{}"), (7, "{}")])
    processor = PerChatOrderedProcessor(4)
    application = SimpleNamespace(bot_data=SimpleNamespace(service=service, notices=NoticeBook()))
    processor.bind(cast(Any, application))
    await processor.initialize()
    notice_may_go = asyncio.Event()
    order: list[str] = []

    async def notice() -> None:
        await notice_may_go.wait()
        order.append("notice")

    async def stamp() -> None:
        order.append("reply to stamp")
        await after_handling(notice)

    async def next_command() -> None:
        order.append("reply to next command")

    async def failing_notice() -> None:
        raise RuntimeError("the bot is going away")

    async def other() -> None:
        await after_handling(failing_notice)

    await processor.do_process_update(_message_update(5, 20), stamp())
    # The same chat's next update does not wait for the notice.
    await processor.do_process_update(_message_update(6, 20), next_command())
    await processor.do_process_update(_message_update(7, 21), other())
    await processor.flush()
    assert order == ["reply to stamp", "reply to next command"]
    assert not await service.inbox.is_processed(5)  # its notice is not out yet
    assert await service.inbox.is_processed(6)

    notice_may_go.set()
    await processor.drain()
    await processor.shutdown()
    assert order[-1] == "notice"
    assert await service.inbox.is_processed(5)
    assert not await service.inbox.is_processed(7)  # handled again after a restart
