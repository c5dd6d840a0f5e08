"""A webhook survives `kill -9` (PRODUCT.md §12, "delivered at least once, with the same id").

The bot runs as a real `python -m bot` process against the Bot API emulator and a real
database. A cashier's stamp is committed with its event; the worker is posting it to the
receiver, which holds the request unanswered, when the worker is killed with SIGKILL. After a
restart on the same database the event arrives, with the same id and the same signed body: the
delivery's claim is given back (at once for a lone SQLite worker; on PostgreSQL when the lease
runs out, shortened here).
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from emulator.driver import BotApiEmulator
from tests.platform.test_crash import (
    BOT_USERNAME,
    CASHIER_IDS,
    CUSTOMER_IDS,
    OWNER_ID,
    TOKEN,
    BotProcess,
    bot_env,
    set_up_shop,
)
from tests.support.chat import say
from tests.support.reliability import until
from tests.webhooks.receiver import receiving, verified

pytestmark = pytest.mark.workers

SECRET = re.compile(r"whsec_[A-Za-z0-9_-]{43}")


async def test_an_event_on_the_wire_at_a_kill_9_arrives_after_the_restart_with_its_id(
    database_url: str, tmp_path: Path
) -> None:
    runs: list[BotProcess] = []
    async with (
        BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as tg,
        receiving() as receiver,
    ):
        env = bot_env(database_url, tg) | {
            "OUTBOX_LEASE_SECONDS": "2",
            "ALLOW_HTTP_WEBHOOKS": "1",
        }

        async def start_bot() -> BotProcess:
            run = BotProcess(env, tmp_path / f"bot-run-{len(runs) + 1}.log")
            runs.append(run)
            await run.start()
            await run.wait_started()
            return run

        try:
            async with asyncio.timeout(90):
                bot = await start_bot()
                (cashier,), (card,) = await set_up_shop(tg, CASHIER_IDS[:1], CUSTOMER_IDS[:1])
                owner = tg.get_user(OWNER_ID)
                added = await say(owner, f"/webhooks add {receiver.url}", wait=10)
                found = SECRET.search(added.content)
                assert found is not None, added.content
                secret = found.group(0)

                receiver.gate = asyncio.Event()  # the first request is held, unanswered
                confirmed = await say(cashier, f"/stamp {card}", wait=10)
                assert confirmed.content.startswith("✅"), confirmed.content
                await until(lambda: len(receiver.held) == 1, what="the event on the wire")
                await bot.kill()
                receiver.gate.set()  # its answer goes nowhere: the worker is dead

                bot = await start_bot()
                await receiver.wait_for(1, wait=30)
                await asyncio.sleep(1.5)  # several polls of the sender: a repeat would show
                await bot.stop()
        finally:
            for run in runs:
                await run.kill()

    (held,) = receiver.held
    (delivered,) = receiver.received
    assert delivered.body == held  # the same event, id and bytes, signed with the secret
    assert verified(secret, delivered)
    event = json.loads(held)
    assert event["type"] == "operation.created"
    assert (event["data"]["card"], event["data"]["kind"]) == (card, "stamp")
