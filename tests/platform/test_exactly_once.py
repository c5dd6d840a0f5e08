"""Re-delivered updates and double taps change the ledger once."""

from __future__ import annotations

import asyncio

from tests.support.chat import cafe_with_a_customer, eventually
from tests.support.running_bot import Running


async def test_a_redelivered_stamp_update_is_handled_once(bot: Running) -> None:
    tg = bot.tg
    owner, customer, number = await cafe_with_a_customer(tg)

    stamp_update = await owner.send(f"/stamp {number}")
    await owner.next_message()

    async def handled() -> bool:
        return await bot.infra.inbox.is_processed(0, stamp_update)

    await eventually(handled)
    replies_before = len(owner.messages)
    tg.redeliver(stamp_update)
    tg.redeliver(stamp_update)
    await tg.wait_idle()
    await asyncio.sleep(0.3)
    assert len(owner.messages) == replies_before
    assert (await bot.service.customers.cards(101))[0].stamp_count == 1
    assert await bot.service.maintenance.invariant_breaches() == []
