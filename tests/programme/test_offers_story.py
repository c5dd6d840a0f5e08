"""Offers with consent, end to end: the question after the first visit, /offers off, and an
offer sent to the customers who said yes, once each, with a report to the owner."""

from __future__ import annotations

import asyncio
import io

from PIL import Image

from bot.i18n import translator
from emulator.user import EmulatedUser
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.running_bot import Running

EN = translator("en")
QUESTION = "Get offers from Café Lux?"


async def _shop(bot: Running) -> tuple[EmulatedUser, EmulatedUser, str]:
    tg = bot.tg
    owner = tg.user(700, "Marie", language_code="en")
    join = link_in(await say(owner, "/setup Café Lux"), "join_")
    assert (await say(owner, "/program set cooldown 0")).content.startswith("Saved")
    cashier = tg.user(701, "Paul", language_code="en")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    return owner, cashier, join


async def _customer(bot: Running, user_id: int, join: str) -> tuple[EmulatedUser, str]:
    customer = bot.tg.user(user_id, f"Customer{user_id}", language_code="en")
    await customer.open_link(join)
    await customer.next_message()
    return customer, card_number_in(await customer.next_message())


async def _first_visit(cashier: EmulatedUser, customer: EmulatedUser, number: str):  # type: ignore[no-untyped-def]
    """A stamp: the customer's notice comes first, then the consent question."""
    assert "8/10" not in (await say(cashier, f"/stamp {number}")).content
    notice = await customer.next_message()
    assert "stamp" in notice.content.lower()
    question = await customer.next_message()
    assert question.content.startswith(QUESTION)
    assert question.button_texts == [["Yes", "No"]]
    return question


async def test_the_first_visit_asks_once_and_offers_off_stops_everything(bot: Running) -> None:
    owner, cashier, join = await _shop(bot)
    customer, number = await _customer(bot, 710, join)
    question = await _first_visit(cashier, customer, number)
    await customer.press(question, "Yes")
    assert (await customer.next_edit()).content.startswith("You will get offers from Café Lux")

    # The next visit asks nothing more.
    await say(cashier, f"/stamp {number}")
    assert "stamp" in (await customer.next_message()).content.lower()
    await asyncio.sleep(0.5)
    await bot.tg.wait_idle()
    assert not [m for m in customer.messages if m.content.startswith(QUESTION)][1:]

    assert "offers on" in (await say(customer, "/offers")).content
    off = await say(customer, "/offers off")
    assert off.content.startswith("No more offers or messages from Café Lux")
    listing = await say(customer, "/offers")
    assert "offers off, reminders off" in listing.content
    assert (await say(customer, "/offers maybe")).content.startswith("Usage: /offers on")
    # The answered question has no buttons left to change it back.
    assert (
        customer.messages[
            [m.message_id for m in customer.messages].index(question.message_id)
        ].buttons
        == []
    )
    choices = await bot.service.consent.choices(customer.id)
    assert [c.offers for c in choices] == [False]


async def test_an_offer_reaches_each_opted_in_customer_once_and_the_owner_gets_a_report(
    bot: Running,
) -> None:
    tg = bot.tg
    owner, cashier, join = await _shop(bot)
    people = []
    for index, answer in enumerate(["Yes", "Yes", "Yes", "No"]):
        customer, number = await _customer(bot, 720 + index, join)
        question = await _first_visit(cashier, customer, number)
        await customer.press(question, answer)
        await customer.next_edit()
        people.append(customer)
    yes_1, yes_2, blocked, declined = people
    tg.block(blocked)

    prompt = await say(owner, "/offer")
    assert tg.asks_for_reply(prompt)
    too_long = "x" * 1001
    await owner.reply(prompt, too_long)
    assert "1 to 1,000 characters" in (await owner.next_message()).content
    await owner.reply(prompt, "Two croissants for the price of one, this Saturday!")
    audience = await owner.next_message()
    assert audience.content == "Who should get it?"
    await owner.press(audience, "All who opted in")
    assert (await owner.next_edit()).content == "Who should get it? All who opted in"
    preview = await owner.next_message()
    assert preview.content == "Café Lux\nTwo croissants for the price of one, this Saturday!"
    assert preview.button_texts == [["Unsubscribe"]]
    ask = await owner.next_message()
    assert "It goes to 3 customers (everyone who opted in)" in ask.content
    await owner.press(ask, "Send")
    assert (await owner.next_edit()).content.startswith("Sending to 3 customers")

    report = await owner.next_message(timeout=15)
    assert "Audience: 3" in report.content
    assert "Delivered: 2" in report.content
    assert "Blocked the bot: 1" in report.content
    for customer in (yes_1, yes_2):
        copies = [m for m in customer.messages if "Two croissants" in m.content]
        assert len(copies) == 1 and copies[0].button_texts == [["Unsubscribe"]]
    assert not [m for m in declined.messages if "Two croissants" in m.content]
    # Telegram answered 403 once for the blocked customer's copy; it was not tried again.
    await asyncio.sleep(0.5)
    refused = [c for c in tg.calls if c.status == 403 and c.method.lower() == "sendmessage"]
    assert len(refused) == 1

    copy = next(m for m in yes_1.messages if "Two croissants" in m.content)
    yes_1.skip_unread()
    await yes_1.press(copy, "Unsubscribe")
    assert (await yes_1.next_message()).content.startswith("You will get no more offers")
    listing = await say(owner, "/offers")
    assert "Unsubscribed since: 1" in listing.content and "Delivered: 2" in listing.content

    summary = await say(owner, "/summary today")
    assert "Offers sent: 1 · delivered: 2" in summary.content

    refusal = await say(owner, "/offer")
    assert refusal.content.startswith("You have already sent today's offer")


async def test_an_offer_with_a_photo_goes_out_with_its_caption(bot: Running) -> None:
    owner, cashier, join = await _shop(bot)
    customer, number = await _customer(bot, 740, join)
    question = await _first_visit(cashier, customer, number)
    await customer.press(question, "Yes")
    await customer.next_edit()
    image = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(image, format="PNG")

    prompt = await say(owner, "/offer")
    await owner.send_photo(image.getvalue(), "Free cake today!", reply_to=prompt)
    audience = await owner.next_message()
    await owner.press(audience, "Near a reward")  # one stamp of ten: not near
    await owner.next_edit()
    preview = await owner.next_message()
    assert preview.photo_bytes is not None and preview.content == "Café Lux\nFree cake today!"
    ask = await owner.next_message()
    assert "It goes to 0 customers (customers near a reward)" in ask.content
    await owner.press(ask, "Cancel")
    assert (await owner.next_edit()).content == "The offer was not sent."

    # Cancelled drafts do not count: the day's offer is still there, to everyone this time.
    prompt = await say(owner, "/offer")
    await owner.send_photo(image.getvalue(), "Free cake today!", reply_to=prompt)
    await owner.press(await owner.next_message(), "All who opted in")
    await owner.next_edit()
    await owner.next_message()
    await owner.press(await owner.next_message(), "Send")
    await owner.next_edit()
    assert "Delivered: 1" in (await owner.next_message(timeout=15)).content
    copy = next(m for m in customer.messages if m.content == "Café Lux\nFree cake today!")
    assert copy.photo_bytes is not None and copy.button_texts == [["Unsubscribe"]]
