"""The whole story of a card, through the real bot, over HTTP, against the emulator."""

from __future__ import annotations

import asyncio

from bot.i18n import translator
from tests.support.chat import card_number_in, join_staff, link_in, offers_question, qr_content, say
from tests.support.running_bot import BOT_USERNAME, Running

LB, EN = translator("lb"), translator("en")


async def test_a_luxembourgish_customer_collects_stamps_and_gets_a_reward(bot: Running) -> None:
    tg = bot.tg
    owner = tg.user(1, "Marie", language_code="en")
    cashier = tg.user(2, "Paul", language_code="fr")
    customer = tg.user(3, "Jang", language_code="lb")

    setup = await say(owner, "/setup Café <Lux>")
    assert "Café &lt;Lux&gt;" not in setup.content and "Café <Lux>" in setup.content
    join_link = link_in(setup, "join_")
    invite = await say(owner, "/invite")
    staff_link = link_in(invite, "staff_")
    welcome = await join_staff(owner, cashier, staff_link)
    assert "Café <Lux>" in welcome.content
    for change in ("/program set cooldown 0", "/program set stamps_target 3"):
        await say(owner, change)

    # The customer scans the store's poster: a Luxembourgish welcome and the card with its QR.
    await customer.open_link(join_link)
    joined = await customer.next_message()
    assert joined.content.startswith(
        LB.gettext(
            "Welcome to the loyalty program of {merchant}! Here is your card.", merchant="Café"
        ).split("Café")[0]
    )
    card = await customer.next_message()
    number = card_number_in(card)
    card_link = qr_content(card)
    assert card_link.startswith(f"https://t.me/{BOT_USERNAME}?start=card_")
    assert "0/3" in card.content

    # The cashier stamps by number; the customer is told, in Luxembourgish, with "Not me".
    done = await say(cashier, f"/stamp {number}")
    assert "1/3" in done.content
    notice = await customer.next_message()
    assert "1/3" in notice.content and "Café <Lux>" in notice.content
    assert notice.button_texts == [[LB.pgettext("button", "Not me")]]
    assert LB.pgettext("button", "Not me") != EN.pgettext("button", "Not me")
    # After the first visit, once: does the customer want the shop's offers (in Luxembourgish)?
    assert (await offers_question(customer)).content.startswith("Offere vu(n) Café")

    # Then by scanning the QR code: the card with its buttons, and +1 stamp.
    await cashier.open_link(card_link)
    scanned = await cashier.next_message()
    assert number in scanned.content
    await cashier.press(scanned, translator("fr").pgettext("button", "+1 stamp"))
    edited = await cashier.next_edit()
    assert "2/3" in edited.content
    assert "2/3" in (await customer.next_message()).content
    await say(cashier, f"/stamp {number.replace('-', ' ')}")
    reward_ready = await customer.next_message()
    assert "3/3" in reward_ready.content

    # Redemption needs the confirmation button; a double tap gives one reward.
    question = await say(cashier, f"/redeem {number}")
    confirm = question.buttons[0][0].callback_data
    assert confirm is not None
    await asyncio.gather(
        cashier.press(question, callback_data=confirm),
        cashier.press(question, callback_data=confirm),
    )
    # The customer's notice of the redemption, then quiet: a second one would have come by now
    # (waiting for the notice first, as "idle" alone can come before a slow worker's answer).
    await customer.wait_for(
        lambda e: e.message is not None and "0/3" in e.message.content, timeout=15
    )
    await tg.wait_idle(quiet=0.5)
    card_now = (await bot.service.customers.cards(3))[0]
    assert (card_now.stamp_count, card_now.rewards_redeemed) == (0, 1)
    redeemed_notices = [m for m in customer.messages if "0/3" in m.content and not m.photo_bytes]
    assert len(redeemed_notices) == 1

    # The customer reads the history, newest first, in Luxembourgish.
    customer.skip_unread()
    history = await say(customer, "/history")
    assert history.content.startswith(
        LB.gettext("Latest activity on your card at {merchant}:", merchant="Café <Lux>")
    )
    assert history.content.count("\n    ") == 4  # three stamp lines and the reward
    assert await bot.service.maintenance.invariant_breaches() == []
