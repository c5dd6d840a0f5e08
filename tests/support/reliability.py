"""What the crash and fault tests share (platform/, webhooks/): counting deliveries, waiting,
reading replies, opening a shop through the running bot."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from domain.db.tables import LedgerEntry
from emulator.driver import BotApiEmulator
from emulator.user import EmulatedUser
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.running_bot import Running

STAMPS_TARGET = 50
SHOP_SETTINGS = ("cooldown 0", "daily_limit 0", f"stamps_target {STAMPS_TARGET}", "type hybrid")
NOTHING_CHANGED = "Nothing was changed"


def count_handouts(tg: BotApiEmulator) -> Counter[int]:
    """How often getUpdates handed out each update_id (also to a bot that never read it).

    Wraps the emulator's method dispatch for this emulator only; the emulator is not changed.
    """
    handouts: Counter[int] = Counter()
    methods = tg.server.methods
    serve = methods.call

    async def counting(method: str, params: Any) -> Any:
        result = await serve(method, params)
        if method.lower() == "getupdates":
            handouts.update(update["update_id"] for update in result)
        return result

    methods.call = counting  # type: ignore[method-assign]
    return handouts


async def until(condition: Callable[[], bool], wait: float = 10.0, what: str = "it") -> None:
    """Poll a synchronous condition (on emulator state) until it holds."""
    deadline = time.monotonic() + wait
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {wait}s")
        await asyncio.sleep(0.01)


def messages_since(tg: BotApiEmulator, chat_id: int, seen: int) -> list[str]:
    """The texts of the bot's new messages in a chat after its first `seen` events."""
    return [
        event.message.content
        for event in tg.events(chat_id)[seen:]
        if event.kind == "message" and event.message is not None
    ]


def api_calls(tg: BotApiEmulator, method: str, status: int) -> list[Any]:
    return [c for c in tg.calls if c.method.lower() == method.lower() and c.status == status]


@dataclass
class Shop:
    owner: EmulatedUser
    cashiers: list[EmulatedUser]
    customers: list[EmulatedUser]
    cards: list[str]


async def open_shop(bot: Running, *, cashiers: int = 1, customers: int = 1) -> Shop:
    """A hybrid program without cooldown or daily limit, set up through the bot."""
    tg = bot.tg
    owner = tg.user(300, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Faulty Café"), "join_")
    for setting in SHOP_SETTINGS:
        saved = await say(owner, f"/program set {setting}")
        assert saved.content.startswith("Saved"), saved.content
    staff = []
    for index in range(cashiers):
        cashier = tg.user(310 + index, f"Cashier{index}", language_code="en")
        await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
        staff.append(cashier)
    people, cards = [], []
    for index in range(customers):
        customer = tg.user(320 + index, f"Customer{index}", language_code="en")
        await customer.open_link(join)
        await customer.next_message()
        cards.append(card_number_in(await customer.next_message()))
        # Offers declined up front: these stories count a first visit's messages, and the
        # consent question asked once after it (PRODUCT.md §8) is not what they are about.
        await say(customer, "/offers off")
        people.append(customer)
    await tg.wait_idle()
    return Shop(owner, staff, people, cards)


async def ledger_rows(bot: Running) -> list[LedgerEntry]:
    async with bot.service.database.read() as session:
        return list((await session.execute(select(LedgerEntry).order_by(LedgerEntry.id))).scalars())
