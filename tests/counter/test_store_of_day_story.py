"""Where an operation happened (PRODUCT.md §11), through the real bot: a cashier of both
stores says "Kirchberg" in the morning, and the evening summary's Kirchberg line counts them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.i18n import translator
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.running_bot import Running

EN = translator("en")
QUESTION = EN.gettext(
    "Which store are you at today? Tap it once: what you were doing goes ahead, and your "
    "operations today count for that store."
)


def _store_line(summary: str, store: str) -> str:
    return next(line for line in summary.splitlines() if line.startswith(store))


async def test_a_cashier_of_both_stores_says_where_they_are_once_a_day(bot: Running) -> None:
    tg, clock = bot.tg, bot.clock
    clock.set(datetime(2026, 1, 13, 7, 30, tzinfo=UTC))  # 8:30 in Luxembourg
    owner = tg.user(80, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café Lux"), "join_")
    await say(owner, "/addstore Kirchberg")
    await say(owner, "/program set cooldown 0")
    anna = tg.user(81, "Anna", language_code="en")  # invited to every store (the default)
    await join_staff(owner, anna, link_in(await say(owner, "/invite"), "staff_"))
    ben = tg.user(82, "Ben", language_code="en")  # bound to one store
    await join_staff(owner, ben, link_in(await say(owner, "/invite Café Lux"), "staff_"))
    customer = tg.user(83, "Customer", language_code="en")
    await customer.open_link(join)  # joined at Café Lux
    await customer.next_message()
    number = card_number_in(await customer.next_message())

    # Her first operation of the day waits for one tap on a store, then goes ahead.
    asked = await say(anna, f"/stamp {number}")
    assert asked.content == QUESTION
    assert asked.button_texts == [["Café Lux"], ["Kirchberg"]]
    await anna.press(asked, "Kirchberg")
    done = await anna.next_edit()
    said = EN.gettext(
        "📍 You are at {store} today: your operations count there.", store="Kirchberg"
    )
    assert done.content.startswith(f"{said} {EN.gettext('To change it: send /store.')}")
    assert "1 stamp added" in done.content and "1/10" in done.content
    # The rest of the day: not asked again.
    assert "2/10" in (await say(anna, f"/stamp {number}")).content
    shown = await say(anna, "/store")
    assert "Kirchberg" in shown.content and shown.button_texts == [["Café Lux"], ["📍 Kirchberg"]]
    # A cashier of one store is never asked, and their /help does not offer /store.
    assert "3/10" in (await say(ben, f"/stamp {number}")).content
    assert "\n/store —" in (await say(anna, "/help")).content  # (/stores is the customer's)
    assert "\n/store —" not in (await say(ben, "/help")).content

    # The evening summary books Anna's stamps to Kirchberg, Ben's to Café Lux.
    owner.skip_unread()
    clock.set(datetime(2026, 1, 13, 20, 0, tzinfo=UTC))
    summary = (await owner.next_message(timeout=5)).content
    assert "2 stamps" in _store_line(summary, "Kirchberg:")
    assert "1 stamp," in _store_line(summary, "Café Lux:")

    # The next morning she is asked again; Ben still is not.
    clock.set(datetime(2026, 1, 14, 7, 30, tzinfo=UTC))
    again = await say(anna, f"/stamp {number}")
    assert again.content == QUESTION
    assert "4/10" in (await say(ben, f"/stamp {number}")).content
    await anna.press(again, "Café Lux")
    assert "5/10" in (await anna.next_edit()).content


async def test_a_tapped_stamp_and_a_confirmed_reward_wait_for_the_store_and_are_made_once(
    bot: Running,
) -> None:
    tg = bot.tg
    owner = tg.user(90, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café Lux"), "join_")
    await say(owner, "/addstore Kirchberg")
    for setting in ("cooldown 0", "stamps_target 2"):
        await say(owner, f"/program set {setting}")
    anna = tg.user(91, "Anna", language_code="en")
    await join_staff(owner, anna, link_in(await say(owner, "/invite"), "staff_"))
    customer = tg.user(92, "Customer", language_code="en")
    await customer.open_link(join)
    await customer.next_message()
    number = card_number_in(await customer.next_message())

    # The "+2" button of the open card: asked, then made on the tap; a double tap, once.
    shown = await say(anna, number)
    await anna.press(shown, "+2")
    asked = await anna.next_message()
    assert asked.content == QUESTION
    await asyncio.gather(anna.press(asked, "Kirchberg"), anna.press(asked, "Kirchberg"))
    first, second = await anna.next_edit(), await anna.next_edit()
    made = [e.content for e in (first, second) if "2 stamps added" in e.content]
    assert len(made) == 1 and "2/2" in made[0]
    assert (await bot.service.customers.cards(92))[0].stamp_count == 2

    # The next day, the reward's confirmation waits for the store too, and goes ahead.
    bot.clock.advance(timedelta(days=1))
    question = await say(anna, f"/redeem {number}")
    await anna.press(question, EN.pgettext("button", "Confirm"))
    asked = await anna.next_message()
    assert asked.content == QUESTION
    await anna.press(asked, "Café Lux")
    done = await anna.next_edit()
    assert EN.gettext("✅ Reward redeemed: {reward}.", reward="Free coffee") in done.content
    card = (await bot.service.customers.cards(92))[0]
    assert (card.stamp_count, card.rewards_redeemed) == (0, 1)


async def test_a_question_left_for_another_card_makes_nothing_on_the_first(
    bot: Running,
) -> None:
    """Opening another card supersedes the waiting operation: a late tap says the store only."""
    tg = bot.tg
    owner = tg.user(95, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café Lux"), "join_")
    await say(owner, "/addstore Kirchberg")
    anna = tg.user(96, "Anna", language_code="en")
    await join_staff(owner, anna, link_in(await say(owner, "/invite"), "staff_"))
    numbers = []
    for user_id in (97, 98):
        customer = tg.user(user_id, "Customer", language_code="en")
        await customer.open_link(join)
        await customer.next_message()
        numbers.append(card_number_in(await customer.next_message()))
    asked = await say(anna, f"/stamp {numbers[0]}")
    await say(anna, numbers[1])  # the next customer's card, opened instead
    await anna.press(asked, "Kirchberg")
    late = (await anna.next_edit()).content
    assert late.endswith(
        EN.gettext("The operation you were doing was not made: please do it again.")
    )
    assert [c.stamp_count for c in await bot.service.customers.cards(97)] == [0]
