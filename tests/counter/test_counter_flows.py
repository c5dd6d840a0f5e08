"""Counter flows through the bot: not me, blocked customers, points by button, undo, new QR,
history pages, languages and command menus."""

from __future__ import annotations

from bot.i18n import translator
from tests.support.chat import (
    card_number_in,
    eventually,
    join_staff,
    link_in,
    offers_question,
    qr_content,
    say,
)
from tests.support.running_bot import Running

EN, DE, FR = translator("en"), translator("de"), translator("fr")


async def _shop(bot: Running, *settings: str):
    tg = bot.tg
    owner = tg.user(40, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café"), "join_")
    for setting in settings:
        await say(owner, f"/program set {setting}")
    cashier = tg.user(41, "Cashier", language_code="de")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    customer = tg.user(42, "Customer", language_code="fr")
    await customer.open_link(join)
    await customer.next_message()
    card = await customer.next_message()
    return owner, cashier, customer, card


async def _say_not_me(customer, notice, answer: str):
    """Tap "Not me" under a notice, then answer the question it asks; the edited question."""
    await customer.press(notice, FR.pgettext("button", "Not me"))
    question = await customer.next_message()
    assert question.button_texts == [[FR.pgettext("button", "Yes"), FR.pgettext("button", "No")]]
    await customer.press(question, FR.pgettext("button", answer))
    return question, await customer.next_edit()


async def test_not_me_reverses_a_stamp_and_reports_a_redemption_to_the_owner(bot: Running) -> None:
    owner, cashier, customer, card = await _shop(
        bot, "cooldown 0", "stamps_target 2", "daily_limit 0"
    )
    number = card_number_in(card)
    store = (await bot.service.customers.cards(42))[0].store_name
    await say(cashier, f"/stamp {number}")
    notice = await customer.next_message()
    await offers_question(customer)
    question, thanks = await _say_not_me(customer, notice, "Yes")
    assert question.content == FR.gettext(
        "Was this not you? If you confirm, we reverse it and tell {merchant}.", merchant="Café"
    )
    assert thanks.message_id == question.message_id
    assert thanks.content.startswith(
        FR.gettext(
            "Thanks for telling us. We reversed it — your card now: {balance}", balance=""
        ).strip()[:20]
    )
    alert = await owner.next_message()
    assert alert.content.startswith("⚠️") and number in alert.content
    assert "recorded by Cashier" in alert.content and store in alert.content
    assert (await bot.service.customers.cards(42))[0].stamp_count == 0

    await say(cashier, f"/stamp {number} 2")
    await customer.next_message()
    question = await say(cashier, f"/redeem {number}")
    await cashier.press(question, DE.pgettext("button", "Confirm"))
    redeemed = await customer.next_message()
    await _say_not_me(customer, redeemed, "Yes")
    owner_alert = await owner.next_message()
    assert "redemption" in owner_alert.content and "recorded by Cashier" in owner_alert.content
    assert store in owner_alert.content
    card_now = (await bot.service.customers.cards(42))[0]
    assert (card_now.stamp_count, card_now.rewards_redeemed) == (0, 1)  # no automatic reversal


async def test_not_me_answered_no_changes_nothing(bot: Running) -> None:
    owner, cashier, customer, card = await _shop(bot, "cooldown 0", "daily_limit 0")
    number = card_number_in(card)
    await say(cashier, f"/stamp {number}")
    kept = await customer.next_message()
    await offers_question(customer)
    _, answer = await _say_not_me(customer, kept, "No")
    assert answer.content == FR.gettext("Cancelled — nothing was changed.")
    assert answer.buttons == []
    assert (await bot.service.customers.cards(42))[0].stamp_count == 1

    # The owner hears of the next "not me" only: alerts reach them in order, so one that the
    # "No" had caused would come first.
    await say(cashier, f"/stamp {number}")
    disputed = await customer.next_message()
    await _say_not_me(customer, disputed, "Yes")
    alert = await owner.next_message()
    assert "it was reversed" in alert.content
    assert [m.message_id for m in owner.messages if m.content.startswith("⚠️")] == [alert.message_id]
    assert (await bot.service.customers.cards(42))[0].stamp_count == 1


async def test_a_customer_who_blocked_the_bot_never_fails_the_cashier(bot: Running) -> None:
    owner, cashier, customer, card = await _shop(bot)
    bot.tg.block(customer)
    done = await say(cashier, f"/stamp {card_number_in(card)}")
    assert "1/10" in done.content
    assert (await bot.service.customers.cards(42))[0].stamp_count == 1


async def test_points_by_button_then_undo(bot: Running) -> None:
    owner, cashier, customer, card = await _shop(bot, "type points", "points_per_euro 2")
    await cashier.open_link(qr_content(card))
    scanned = await cashier.next_message()
    await cashier.press(scanned, DE.pgettext("button", "Add points"))
    await cashier.next_message()  # the question for the amount
    done = await say(cashier, "12,50")
    assert "25" in done.content
    notice = await customer.next_message()
    assert "25" in notice.content
    undone = await say(cashier, "/undo")
    assert undone.content.startswith("↩️")
    assert (await bot.service.customers.cards(42))[0].points_balance == 0
    assert (await say(cashier, "/undo")).content == DE.gettext("There is nothing of yours to undo.")


async def test_newqr_retires_the_old_code(bot: Running) -> None:
    owner, cashier, customer, card = await _shop(bot)
    old_link = qr_content(card)
    await say(customer, "/newqr")
    new_card = await customer.next_message()
    new_link = qr_content(new_card)
    assert new_link != old_link
    await cashier.open_link(old_link)
    assert (await cashier.next_message()).buttons == []
    await cashier.open_link(new_link)
    assert (await cashier.next_message()).buttons != []


async def test_history_pages_with_the_older_button(bot: Running) -> None:
    owner, cashier, customer, card = await _shop(
        bot, "cooldown 0", "daily_limit 0", "stamps_target 50"
    )
    number = card_number_in(card)
    for _ in range(12):
        await say(cashier, f"/stamp {number}")

    async def notices_out() -> bool:  # they come from the outbox, after the replies
        return await bot.infra.outbox.undelivered() == 0

    await eventually(notices_out, wait=15)
    await bot.tg.wait_idle()
    customer.skip_unread()
    first = await say(customer, "/history")
    assert first.content.count("\n    ") == 10
    await customer.press(first, FR.pgettext("button", "Older"))
    older = await customer.next_message()
    assert older.content.count("\n    ") == 2
    assert older.buttons == []


async def test_language_choice_changes_replies_and_staff_menus(bot: Running) -> None:
    owner, cashier, customer, card = await _shop(bot)
    choice = await say(cashier, "/language")
    await cashier.press(choice, "English")
    confirmation = await cashier.next_edit()
    assert confirmation.content == EN.gettext(
        "Done: I will speak {language} with you.", language="English"
    )
    assert (await say(cashier, "/undo")).content == EN.gettext("There is nothing of yours to undo.")
    staff_menu = [name for name, _ in bot.tg.commands(scope={"type": "chat", "chat_id": 41})]
    assert "stamp" in staff_menu and "program" not in staff_menu
    owner_menu = [name for name, _ in bot.tg.commands(scope={"type": "chat", "chat_id": 40})]
    assert {"stamp", "program", "invite"} <= set(owner_menu)
    german_default = bot.tg.commands(scope={"type": "all_private_chats"}, language_code="de")
    assert german_default[0][1] == DE.gettext("Your card and its QR code")


async def test_not_me_after_the_cashier_undid_it_says_nothing_changed(bot: Running) -> None:
    owner, cashier, customer, card = await _shop(
        bot, "cooldown 0", "stamps_target 2", "daily_limit 0"
    )
    number = card_number_in(card)
    await say(cashier, f"/stamp {number}")
    stamped = await customer.next_message()
    await offers_question(customer)
    await say(cashier, "/undo")  # the cashier saw the mistake first
    await customer.next_message()  # the undo's notice
    question, thanks = await _say_not_me(customer, stamped, "Yes")
    undone = FR.gettext(
        "{merchant} has already undone this: your card is as it was before. Was it not you all "
        "the same? If you confirm, we tell {merchant} so they can check.",
        merchant="Café",
    )
    assert question.content == undone
    said = FR.gettext(
        "Thanks for telling us. {merchant} had already undone it, so your card did not change: "
        "{balance}. We have told them.",
        merchant="Café",
        balance="",
    )
    assert thanks.content.startswith(said.split(":")[0])
    alert = await owner.next_message()
    assert "to an earning" in alert.content and "nothing changed" in alert.content
    assert "reversed" not in alert.content
    assert (await bot.service.customers.cards(42))[0].stamp_count == 0  # not taken twice

    # A redemption undone at the counter: the owner hears it was a redemption, and undone.
    await say(cashier, f"/stamp {number} 2")
    await customer.next_message()
    asked = await say(cashier, f"/redeem {number}")
    await cashier.press(asked, DE.pgettext("button", "Confirm"))
    redeemed = await customer.next_message()
    await say(cashier, "/undo")
    await customer.next_message()
    question, thanks = await _say_not_me(customer, redeemed, "Yes")
    assert question.content == undone
    assert thanks.content.startswith(said.split(":")[0])
    alert = await owner.next_message()
    assert "to a redemption" in alert.content and "nothing changed" in alert.content
    assert "earning" not in alert.content and "reversed" not in alert.content
    card_now = (await bot.service.customers.cards(42))[0]
    assert (card_now.stamp_count, card_now.rewards_redeemed) == (2, 0)
