"""Owner decisions with consequences for customers: merging cards, points expiry reminders."""

from __future__ import annotations

from datetime import timedelta

from bot.i18n import translator
from bot.jobs import expire_points_and_remind
from tests.conftest import T0
from tests.support.chat import card_number_in, eventually, join_staff, link_in, offers_question, say
from tests.support.running_bot import RUN_HOWEVER_LATE, Running

EN, DE, FR = translator("en"), translator("de"), translator("fr")


async def test_turning_cross_location_on_asks_and_then_merges_duplicate_cards(bot: Running) -> None:
    owner = bot.tg.user(80, "Owner", language_code="en")
    first = link_in(await say(owner, "/setup Café"), "join_")
    second = link_in(await say(owner, "/addstore Gare"), "join_")
    await say(owner, "/program set cross_location off")
    customer = bot.tg.user(81, "Customer", language_code="en")
    for link in (first, second):
        await customer.open_link(link)
        await customer.next_message()
        await customer.next_message()
    assert len(await bot.service.customers.cards(81)) == 2
    question = await say(owner, "/program set cross_location on")
    assert question.content.startswith("1 customer has several cards")
    await owner.press(question, EN.pgettext("button", "Yes"))
    assert (await owner.next_message()).content == "Saved: cross_location = on"
    assert len(await bot.service.customers.cards(81)) == 1


async def test_declining_the_merge_changes_nothing_and_says_so(bot: Running) -> None:
    owner = bot.tg.user(83, "Owner", language_code="fr")
    first = link_in(await say(owner, "/setup Café"), "join_")
    second = link_in(await say(owner, "/addstore Gare"), "join_")
    await say(owner, "/program set cross_location off")
    customer = bot.tg.user(84, "Customer", language_code="en")
    for link in (first, second):
        await customer.open_link(link)
        await customer.next_message()
        await customer.next_message()
    question = await say(owner, "/program set cross_location on")
    await owner.press(question, FR.pgettext("button", "No"))
    assert (await owner.next_edit()).content == FR.gettext("Cancelled — nothing was changed.")
    assert FR.gettext("Cancelled — nothing was changed.") == "Annulé — rien n’a été modifié."
    assert len(await bot.service.customers.cards(84)) == 2


async def test_customers_are_reminded_before_their_points_expire(bot: Running) -> None:
    owner = bot.tg.user(90, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Shop"), "join_")
    for setting in ("type points", "expiry_days 30"):
        await say(owner, f"/program set {setting}")
    cashier = bot.tg.user(91, "Cashier", language_code="en")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    customer = bot.tg.user(92, "Kunde", language_code="de")
    await customer.open_link(join)
    await customer.next_message()
    number = card_number_in(await customer.next_message())
    await say(cashier, f"/points {number} 42")
    await customer.next_message()
    await offers_question(customer)

    jobs = bot.application.job_queue
    assert jobs is not None
    bot.clock.advance(timedelta(days=23))
    jobs.run_once(expire_points_and_remind, 0, job_kwargs=RUN_HOWEVER_LATE)
    reminder = await customer.next_message()
    expires = DE.date_only(T0 + timedelta(days=30), "Europe/Luxembourg")
    assert reminder.content == DE.ngettext(
        "⏳ Your {n} point at {merchant} will expire on {date}. Visit us before then to keep it!",
        "⏳ Your {n} points at {merchant} will expire on {date}. "
        "Visit us before then to keep them!",
        42,
        merchant="Shop",
        date=expires,
    )

    async def first_run_over() -> bool:
        # The reminder is sent the moment it is committed, while its run goes on tidying up;
        # on PostgreSQL a second run meanwhile would find the job's lock taken and do nothing.
        async with bot.application.bot_data.runtime.infra.locks.leader("points-expiry") as free:
            return free

    await eventually(first_run_over)
    bot.clock.advance(timedelta(days=7))
    jobs.run_once(expire_points_and_remind, 0, job_kwargs=RUN_HOWEVER_LATE)

    async def expired() -> bool:
        card = (await bot.service.customers.cards(92))[0]
        return (card.points_balance, card.points_expired) == (0, 42)

    await eventually(expired)
    assert [m for m in customer.messages if m.content.startswith("⏳")] == [reminder]


async def test_a_type_that_would_hide_stamps_asks_first_and_keeps_them(bot: Running) -> None:
    en = translator("en")
    owner = bot.tg.user(95, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Shop"), "join_")
    await say(owner, "/program set cooldown 0")
    cashier = bot.tg.user(96, "Cashier", language_code="en")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    customer = bot.tg.user(97, "Kunde", language_code="de")
    await customer.open_link(join)
    await customer.next_message()
    number = card_number_in(await customer.next_message())
    await say(cashier, f"/stamp {number} 3")

    question = await say(owner, "/program set type points")
    assert question.content == (
        "1 card holds stamps. The new type does not use stamps: they stay on the card, hidden, "
        "and come back if you switch the type back. Change the type?"
    )
    assert question.button_texts == [["Yes", "No"]]
    await owner.press(question, en.pgettext("button", "No"))
    assert (await owner.next_edit()).content == en.gettext("Cancelled — nothing was changed.")
    assert ["Card type: Stamps"] in (await say(owner, "/program")).button_texts

    question = await say(owner, "/program set type points")
    await owner.press(question, en.pgettext("button", "Yes"))
    assert (await owner.next_message()).content == "Saved: type = points"
    assert (await bot.service.customers.cards(97))[0].stamp_count == 3  # hidden, not taken
    assert (await say(owner, "/program set type stamps")).content == "Saved: type = stamps"
    assert "3/10" in (await say(customer, "/card")).content
