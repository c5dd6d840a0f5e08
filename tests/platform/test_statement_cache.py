"""Every statement the counter's updates send is one SQLAlchemy can cache: built once, compiled
once. A statement without a cache key is compiled again at every execution (an INSERT of
several VALUES rows is one): the inbox's and the outbox's INSERTs were, and compiling them was
a tenth of the bot's CPU in the rush."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import CacheStats

from emulator import EmulatedUser
from tests.support.chat import card_number_in, link_in, offers_question, say
from tests.support.running_bot import Running


@contextmanager
def uncacheable_statements() -> Iterator[list[str]]:
    """The statements any engine of this process sent without a SQL cache key meanwhile."""
    seen: list[str] = []

    def after(_c: Any, _cur: Any, statement: str, _p: Any, context: Any, _many: bool) -> None:
        if getattr(context, "cache_hit", None) is CacheStats.NO_CACHE_KEY:
            seen.append(" ".join(statement.split())[:120])

    event.listen(Engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(Engine, "after_cursor_execute", after)


async def _first_visit_and_reward(
    bot: Running, owner: EmulatedUser, join: str, customer_id: int
) -> None:
    """A customer joins, gets their first stamp (a notice and the offers question), nine more,
    and redeems the reward with a confirming tap."""
    customer = bot.tg.user(customer_id, f"Customer {customer_id}", language_code="en")
    await customer.open_link(join)
    await customer.next_message()
    number = card_number_in(await customer.next_message())
    await say(owner, f"/stamp {number}")
    await customer.next_message()
    await offers_question(customer)
    await say(owner, f"/stamp {number} 9")
    await customer.next_message()
    question = await say(owner, f"/redeem {number}")
    await owner.press(question, "Confirm")
    await customer.next_message()
    await bot.tg.wait_idle()


async def test_the_counters_statements_are_all_cacheable(bot: Running) -> None:
    owner = bot.tg.user(100, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café"), "join_")
    await say(owner, "/program set cooldown 0")
    await say(owner, "/program set daily_limit 0")
    # The first customer compiles every statement once.
    await _first_visit_and_reward(bot, owner, join, 101)

    with uncacheable_statements() as uncacheable:
        await _first_visit_and_reward(bot, owner, join, 102)

    assert uncacheable == []
    card = (await bot.service.customers.cards(102))[0]
    assert (card.stamp_count, card.rewards_redeemed) == (0, 1)
