"""A prompt belongs to one card: amounts go to the card whose "Add points" asked for them,
opening another card supersedes the question, a wrong amount keeps it open, and an edited
message never runs its command again."""

from __future__ import annotations

from bot.i18n import translator
from domain.model import format_card_number
from emulator.user import EmulatedUser
from tests.support.chat import card_number_in, join_staff, link_in, qr_content, say
from tests.support.running_bot import Running

EN = translator("en")
ADD_POINTS = EN.pgettext("button", "Add points")


async def _points_shop(bot: Running) -> tuple[EmulatedUser, list[tuple[EmulatedUser, str, str]]]:
    """A points café with a cashier and two customers: (cashier, [(customer, number, qr link)])."""
    tg = bot.tg
    owner = tg.user(50, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café Points"), "join_")
    for setting in ("type points", "points_per_euro 1", "cooldown 0"):
        await say(owner, f"/program set {setting}")
    cashier = tg.user(51, "Cashier", language_code="en")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    customers = []
    for user_id, name in ((52, "Clara"), (53, "Dan")):
        customer = tg.user(user_id, name, language_code="en")
        await customer.open_link(join)
        await customer.next_message()
        card = await customer.next_message()
        customers.append((customer, card_number_in(card), qr_content(card)))
    return cashier, customers


async def _balances(bot: Running) -> tuple[int, int]:
    clara = (await bot.service.customers.cards(52))[0].points_balance
    dan = (await bot.service.customers.cards(53))[0].points_balance
    return clara, dan


async def test_an_amount_typed_after_opening_another_card_credits_nobody(bot: Running) -> None:
    cashier, [(_, clara, clara_qr), (_, dan, dan_qr)] = await _points_shop(bot)
    await cashier.open_link(clara_qr)
    await cashier.press(await cashier.next_message(), ADD_POINTS)
    question = await cashier.next_message()
    assert clara in question.content
    await cashier.open_link(dan_qr)  # the next customer steps up
    await cashier.next_message()
    answer = await say(cashier, "5")
    assert await _balances(bot) == (0, 0)
    assert clara in answer.content and dan in answer.content  # which card was asked, which is open
    assert answer.content.startswith("Not added")


async def test_a_reply_to_a_superseded_prompt_is_refused(bot: Running) -> None:
    cashier, [(_, clara, clara_qr), (_, dan, _)] = await _points_shop(bot)
    await cashier.open_link(clara_qr)
    await cashier.press(await cashier.next_message(), ADD_POINTS)
    question = await cashier.next_message()
    await say(cashier, f"/lookup {dan}")
    await cashier.reply(question, "7")
    answer = await cashier.next_message()
    assert answer.content.startswith("Not added") and clara in answer.content
    assert await _balances(bot) == (0, 0)


async def test_the_answer_to_a_prompt_goes_to_its_card_and_names_it(bot: Running) -> None:
    cashier, [(clara_user, clara, clara_qr), _] = await _points_shop(bot)
    await cashier.open_link(clara_qr)
    await cashier.press(await cashier.next_message(), ADD_POINTS)
    question = await cashier.next_message()
    assert bot.tg.asks_for_reply(question)
    await cashier.reply(question, "12,50")
    done = await cashier.next_message()
    assert "12" in done.content and clara in done.content
    assert await _balances(bot) == (12, 0)
    notice = await clara_user.next_message()
    assert "12" in notice.content


async def test_a_wrong_amount_keeps_the_prompt_open_and_the_right_one_is_credited_once(
    bot: Running,
) -> None:
    cashier, [(_, clara, clara_qr), _] = await _points_shop(bot)
    await cashier.open_link(clara_qr)
    await cashier.press(await cashier.next_message(), ADD_POINTS)
    await cashier.next_message()
    for wrong in ("abc", "-5", "1e9", "99999"):
        again = await say(cashier, wrong)
        assert clara in again.content, wrong
        assert bot.tg.asks_for_reply(again)
    done = await say(cashier, "12,50")
    assert done.content.startswith("✅") and clara in done.content
    assert await _balances(bot) == (12, 0)
    late = await say(cashier, "12,50")  # the question is answered: no second credit
    assert late.content.startswith("Not added")
    assert await _balances(bot) == (12, 0)


async def test_a_second_press_of_add_points_replaces_the_first_question(bot: Running) -> None:
    cashier, [(_, clara, clara_qr), _] = await _points_shop(bot)
    await cashier.open_link(clara_qr)
    card = await cashier.next_message()
    await cashier.press(card, ADD_POINTS)
    first = await cashier.next_message()
    await cashier.press(card, ADD_POINTS)
    second = await cashier.next_message()
    await cashier.reply(first, "3")
    assert (await cashier.next_message()).content.startswith("Not added")
    await cashier.reply(second, "4")
    assert (await cashier.next_message()).content.startswith("✅")
    assert await _balances(bot) == (4, 0)


async def test_an_edited_stamp_command_does_not_stamp_again(bot: Running) -> None:
    tg = bot.tg
    owner = tg.user(60, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café Stamps"), "join_")
    await say(owner, "/program set cooldown 0")
    cashier = tg.user(61, "Cashier", language_code="en")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    customer = tg.user(62, "Eve", language_code="en")
    await customer.open_link(join)
    await customer.next_message()
    number = card_number_in(await customer.next_message())
    sent = await cashier.send(f"/stamp {number}")
    assert (await cashier.next_message()).content.startswith("✅")
    await cashier.edit(sent, f"/stamp {number} 2")
    hint = await cashier.next_message()
    assert hint.content == EN.gettext(
        "Edited messages are not carried out. To do it again, send the command as a new message."
    )
    await tg.wait_idle()
    assert (await bot.service.customers.cards(62))[0].stamp_count == 1


async def test_the_confirmation_of_a_redemption_works_once(bot: Running) -> None:
    tg = bot.tg
    owner = tg.user(70, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café Once"), "join_")
    for setting in ("cooldown 0", "stamps_target 1"):
        await say(owner, f"/program set {setting}")
    cashier = tg.user(71, "Cashier", language_code="en")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    customer = tg.user(72, "Fay", language_code="en")
    await customer.open_link(join)
    await customer.next_message()
    number = card_number_in(await customer.next_message())
    await say(cashier, f"/stamp {number} 2")
    question = await say(cashier, f"/redeem {number}")
    assert format_card_number(number.replace("-", "")) in question.content
    await cashier.press(question, EN.pgettext("button", "Confirm"))
    await cashier.press(question, EN.pgettext("button", "Confirm"))
    await cashier.next_edit()  # the question becomes the confirmation
    await tg.wait_idle()
    card = (await bot.service.customers.cards(72))[0]
    # The card holds at most the top reward's 1 stamp: /stamp 2 gave 1, the reward took it.
    assert (card.stamp_count, card.rewards_redeemed) == (0, 1)


async def test_the_card_number_reaches_the_customer_when_the_photo_cannot_be_sent(
    bot: Running,
) -> None:
    tg = bot.tg
    owner = tg.user(90, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café Photo"), "join_")
    customer = tg.user(91, "Hana", language_code="en")
    tg.fail_next("sendPhoto", status=500, chat_id=customer)
    await customer.open_link(join)
    await customer.next_message()  # welcome to the programme
    fallback = await customer.next_message()
    number = card_number_in(fallback)
    assert number == (await bot.service.customers.cards(91))[0].display_number
    assert "start=card_" in fallback.content  # the scan link too
    await say(customer, "/card")  # once the photo goes through, it is the usual card
    shown = customer.last_message
    assert shown is not None and shown.photo_bytes is not None
