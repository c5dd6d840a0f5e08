"""Telegram misbehaves (PRODUCT.md §7, "Telegram faults"): 429 with retry_after, a customer who
blocked the bot (403), 400, slow answers and lost connections on sendMessage and getUpdates.

The real application polls the emulator in this process, on SQLite and on PostgreSQL. Every test
counts the ledger: a fault may delay a reply, never lose an update or apply an operation twice.
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.db.tables import User
from tests.support.reliability import (
    NOTHING_CHANGED,
    api_calls,
    count_handouts,
    ledger_rows,
    messages_since,
    open_shop,
)
from tests.support.running_bot import Running


async def settle(bot: Running, timeout: float = 20.0) -> None:  # noqa: ASYNC109
    """Every update confirmed, stored, handled and marked, and the bot quiet since.

    The emulator's wait_idle alone is not enough: it counts an update as done once the bot has
    confirmed it, which a polling bot does before handling it (and a reply waiting out a 429
    makes no request for a second).
    """
    deadline = time.monotonic() + timeout
    while True:
        await bot.tg.wait_idle(timeout=timeout, quiet=0.3)
        if not await bot.infra.inbox.pending(0):
            break
        assert time.monotonic() < deadline, "the bot did not handle every update in time"
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # a late duplicate would show up by now


async def no_breaches(bot: Running) -> None:
    assert await bot.service.maintenance.invariant_breaches() == []


# --- 429 Too Many Requests ----------------------------------------------------------------------


@pytest.mark.parametrize("limited", ["cashier", "customer"])
async def test_a_reply_refused_with_429_is_sent_after_retry_after(
    bot: Running, limited: str
) -> None:
    tg = bot.tg
    shop = await open_shop(bot)
    cashier, customer, card = shop.cashiers[0], shop.customers[0], shop.cards[0]
    throttled_chat = cashier if limited == "cashier" else customer
    seen = {user.id: len(tg.events(user.id)) for user in (cashier, customer)}
    tg.fail_next("sendMessage", status=429, retry_after=1, chat_id=throttled_chat)

    await cashier.send(f"/stamp {card}")
    done = await cashier.next_message(timeout=10)
    notice = await customer.next_message(timeout=10)
    await settle(bot)

    assert done.content.startswith("✅ 1 stamp added."), done.content
    assert notice.content.startswith("You got a stamp"), notice.content
    refused = api_calls(tg, "sendMessage", 429)
    assert len(refused) == 1
    retried = tg.events(throttled_chat.id)[seen[throttled_chat.id]]
    assert retried.at >= refused[0].finished + 0.95, "retried before retry_after had passed"
    # Once each: the retry replaced the refused message, it did not add one.
    assert messages_since(tg, cashier.id, seen[cashier.id]) == [done.content]
    assert messages_since(tg, customer.id, seen[customer.id]) == [notice.content]
    assert [row.kind for row in await ledger_rows(bot)] == ["stamp"]
    await no_breaches(bot)


async def test_a_429_on_get_updates_delays_updates_but_loses_none(bot: Running) -> None:
    tg = bot.tg
    shop = await open_shop(bot)
    cashier, card = shop.cashiers[0], shop.cards[0]
    seen = len(tg.events(cashier.id))
    tg.fail_next("getUpdates", status=429, retry_after=1, times=2)

    await cashier.send(f"/stamp {card}")
    first = await cashier.next_message(timeout=10)
    await cashier.send(f"/stamp {card}")  # sent while the bot waits out the 429
    second = await cashier.next_message(timeout=10)
    await settle(bot)

    assert len(api_calls(tg, "getUpdates", 429)) == 2
    assert [first.content.splitlines()[0], second.content.splitlines()[0]] == [
        "✅ 1 stamp added.",
        "✅ 1 stamp added.",
    ]
    assert len(messages_since(tg, cashier.id, seen)) == 2
    assert (await bot.service.customers.cards(shop.customers[0].id))[0].stamp_count == 2
    assert len(await ledger_rows(bot)) == 2
    await no_breaches(bot)


# --- 403 Forbidden: a customer who blocked the bot ----------------------------------------------


@pytest.mark.parametrize("how", ["blocked", "injected 403"])
async def test_a_customer_who_blocked_the_bot_never_fails_staff(bot: Running, how: str) -> None:
    tg = bot.tg
    shop = await open_shop(bot, cashiers=2)
    (stamper, crediter), customer, card = shop.cashiers, shop.customers[0], shop.cards[0]
    seen = {user.id: len(tg.events(user.id)) for user in (stamper, crediter, customer)}
    if how == "blocked":
        tg.block(customer)  # the bot also gets the my_chat_member update
    else:
        tg.fail_next("sendMessage", status=403, times=5, chat_id=customer)

    # Two cashiers at once on the blocked customer's card.
    for _ in range(3):
        await stamper.send(f"/stamp {card}")
    for amount in ("4.50", "7.25"):
        await crediter.send(f"/points {card} {amount}")
    await settle(bot)

    stamped = messages_since(tg, stamper.id, seen[stamper.id])
    credited = messages_since(tg, crediter.id, seen[crediter.id])
    assert [text.splitlines()[0] for text in stamped] == ["✅ 1 stamp added."] * 3
    assert [text.splitlines()[0] for text in credited] == [
        "✅ 4 points added for €4.50.",
        "✅ 7 points added for €7.25.",
    ]
    assert messages_since(tg, customer.id, seen[customer.id]) == []
    forbidden = api_calls(tg, "sendMessage", 403)
    assert 1 <= len(forbidden) <= 5, "a 403 was retried (or never happened)"
    rows = await ledger_rows(bot)
    assert sorted(row.kind for row in rows) == ["earn_points"] * 2 + ["stamp"] * 3
    assert len({row.idempotency_key for row in rows}) == 5
    now = (await bot.service.customers.cards(customer.id))[0]
    assert (now.stamp_count, now.points_balance) == (3, 11)
    async with bot.service.database.read() as session:
        reachable = await session.scalar(select(User.reachable).where(User.id == customer.id))
    assert reachable is False, "the bot did not note that the customer cannot be reached"
    await no_breaches(bot)


# --- 400 Bad Request ----------------------------------------------------------------------------


async def test_a_400_on_the_customer_notice_does_not_fail_the_stamp(bot: Running) -> None:
    tg = bot.tg
    shop = await open_shop(bot)
    cashier, customer, card = shop.cashiers[0], shop.customers[0], shop.cards[0]
    seen = {user.id: len(tg.events(user.id)) for user in (cashier, customer)}
    tg.fail_next(
        "sendMessage", status=400, description="Bad Request: chat not found", chat_id=customer
    )

    await cashier.send(f"/stamp {card}")
    await settle(bot)

    replies = messages_since(tg, cashier.id, seen[cashier.id])
    assert [text.splitlines()[0] for text in replies] == ["✅ 1 stamp added."]
    assert len(api_calls(tg, "sendMessage", 400)) == 1, "a 400 must not be retried"
    assert messages_since(tg, customer.id, seen[customer.id]) == []
    assert [row.kind for row in await ledger_rows(bot)] == ["stamp"]
    await no_breaches(bot)


# --- slow answers -------------------------------------------------------------------------------


async def test_slow_telegram_delays_replies_but_keeps_order_and_counts(bot: Running) -> None:
    tg = bot.tg
    shop = await open_shop(bot, cashiers=3)
    card = shop.cards[0]
    seen = {cashier.id: len(tg.events(cashier.id)) for cashier in shop.cashiers}
    tg.set_delay("sendMessage", 0.4)
    tg.set_delay("getUpdates", 0.4)

    started = time.monotonic()
    for _ in range(3):
        for cashier in shop.cashiers:  # three cashiers, one card, all at once
            await cashier.send(f"/stamp {card}")
    await settle(bot, timeout=30)
    elapsed = time.monotonic() - started
    tg.clear_faults()

    shown: list[int] = []
    for cashier in shop.cashiers:
        replies = messages_since(tg, cashier.id, seen[cashier.id])
        assert [text.splitlines()[0] for text in replies] == ["✅ 1 stamp added."] * 3
        balances = [int(text.split("stamps ")[1].split("/")[0]) for text in replies]
        assert balances == sorted(balances), "a cashier's replies came out of order"
        shown += balances
    assert sorted(shown) == list(range(1, 10)), "each stamp is confirmed with its own balance"
    # Each cashier's three replies go one after another (the notices no longer wait in line).
    assert elapsed >= 3 * 0.4, "the delay was not applied"
    assert (await bot.service.customers.cards(shop.customers[0].id))[0].stamp_count == 9
    assert len(await ledger_rows(bot)) == 9
    await no_breaches(bot)


# --- dropped connections ------------------------------------------------------------------------


@pytest.mark.parametrize("after_processing", [False, True], ids=["before", "after"])
async def test_a_dropped_get_updates_connection_loses_no_update(
    bot: Running, after_processing: bool
) -> None:
    tg = bot.tg
    handouts = count_handouts(tg)  # before the shop opens: every later poll goes through it
    shop = await open_shop(bot, cashiers=3)
    card = shop.cards[0]
    seen = {cashier.id: len(tg.events(cashier.id)) for cashier in shop.cashiers}
    # "after": the waiting long poll takes the updates below and its answer is lost on the way;
    # "before": the next poll (the one confirming them) never reaches the server.
    tg.drop_connections("getUpdates", 1, after_processing=after_processing)

    sent = [await cashier.send(f"/stamp {card}") for cashier in shop.cashiers]
    await settle(bot)
    late = await shop.cashiers[0].send(f"/stamp {card}")
    await settle(bot)

    assert len(api_calls(tg, "getUpdates", 499)) == 1, "the connection was not dropped"
    if after_processing:
        assert all(handouts[update_id] == 2 for update_id in sent), handouts
    for cashier in shop.cashiers:
        replies = messages_since(tg, cashier.id, seen[cashier.id])
        expected = 2 if cashier is shop.cashiers[0] else 1
        assert [text.splitlines()[0] for text in replies] == ["✅ 1 stamp added."] * expected
    keys = sorted(row.idempotency_key or "" for row in await ledger_rows(bot))
    assert keys == sorted(f"u{update_id}" for update_id in [*sent, late])
    await no_breaches(bot)


@pytest.mark.parametrize("after_processing", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("dropped", ["cashier", "customer"])
async def test_a_dropped_send_message_connection_never_applies_an_effect_twice(
    bot: Running, dropped: str, after_processing: bool
) -> None:
    tg = bot.tg
    shop = await open_shop(bot)
    cashier, customer, card = shop.cashiers[0], shop.customers[0], shop.cards[0]
    chat = cashier if dropped == "cashier" else customer
    tg.faults.drop_connections("sendMessage", 1, after_processing=after_processing, chat_id=chat.id)

    update_id = await cashier.send(f"/points {card} 12.34")
    await settle(bot)
    tg.redeliver(update_id)  # Telegram hands it over once more, too
    await settle(bot)
    await cashier.send(f"/stamp {card}")
    await settle(bot)

    assert len(api_calls(tg, "sendMessage", 499)) == 1, "the connection was not dropped"
    rows = await ledger_rows(bot)
    assert [(row.kind, row.points_delta, row.idempotency_key) for row in rows] == [
        ("earn_points", 12, f"u{update_id}"),
        ("stamp", 0, rows[-1].idempotency_key),
    ]
    now = (await bot.service.customers.cards(customer.id))[0]
    assert (now.stamp_count, now.points_balance) == (1, 12)
    await no_breaches(bot)


@pytest.mark.parametrize("fault", ["400", "dropped before", "dropped after"])
async def test_staff_are_never_told_nothing_changed_when_their_stamp_was_applied(
    bot: Running, fault: str
) -> None:
    """The staff reply fails after the stamp was committed. Telling the cashier "Nothing was
    changed; please try again." makes them stamp twice: the bot must not claim it."""
    tg = bot.tg
    shop = await open_shop(bot)
    cashier, card = shop.cashiers[0], shop.cards[0]
    seen = len(tg.events(cashier.id))
    if fault == "400":
        tg.fail_next("sendMessage", status=400, chat_id=cashier)
    else:
        after = fault == "dropped after"
        tg.faults.drop_connections("sendMessage", 1, after_processing=after, chat_id=cashier.id)

    await cashier.send(f"/stamp {card}")
    await settle(bot)

    assert [row.kind for row in await ledger_rows(bot)] == ["stamp"]
    replies = messages_since(tg, cashier.id, seen)
    assert not any(NOTHING_CHANGED in text for text in replies), (
        f"the stamp was applied, yet the cashier was told: {replies}"
    )
    await no_breaches(bot)


async def test_points_amounts_survive_faults_exactly(bot: Running) -> None:
    """A mix of every fault on one card: the balance is the sum of the amounts sent, once each."""
    tg = bot.tg
    shop = await open_shop(bot, cashiers=2)
    (first, second), customer, card = shop.cashiers, shop.customers[0], shop.cards[0]
    tg.fail_next("sendMessage", status=429, retry_after=1, chat_id=first)
    tg.fail_next("sendMessage", status=403, chat_id=customer, times=2)
    tg.faults.drop_connections("sendMessage", 1, after_processing=True, chat_id=second.id)
    tg.drop_connections("getUpdates", 1, after_processing=True)
    amounts = [Decimal("3.10"), Decimal("5.95"), Decimal("20.00"), Decimal("1.99")]
    seen = {cashier.id: len(tg.events(cashier.id)) for cashier in (first, second)}

    for cashier, amount in zip((first, second, first, second), amounts, strict=True):
        await cashier.send(f"/points {card} {amount}")
    await settle(bot)

    assert len(api_calls(tg, "sendMessage", 429)) == 1
    assert len(api_calls(tg, "sendMessage", 403)) == 2
    assert len(api_calls(tg, "sendMessage", 499)) == 1
    assert len(api_calls(tg, "getUpdates", 499)) == 1
    for cashier in (first, second):
        confirmed = [t for t in messages_since(tg, cashier.id, seen[cashier.id]) if "✅" in t]
        assert len(confirmed) == 2, "a command went unanswered or was answered twice"
    expected = sum(int(amount) for amount in amounts)
    assert (await bot.service.customers.cards(customer.id))[0].points_balance == expected
    rows = await ledger_rows(bot)
    assert sorted(row.amount for row in rows if row.amount is not None) == sorted(amounts)
    assert len(rows) == len(amounts)
    await no_breaches(bot)
