"""Under a card the cashier gets what can be done now: +1 stamp, +2, +3 when the card can take a
stamp; right after a stamp the cooldown's buttons are gone rather than refused when pressed;
"+2" typed with a card open stamps it twice (issue: the "+1 stamp" trap)."""

from __future__ import annotations

from datetime import timedelta

from bot.i18n import translator
from bot.texts.counter import no_open_card, number_at_stamp_counter
from tests.support.chat import card_number_in, join_staff, link_in, qr_content, say
from tests.support.running_bot import Running

FR = translator("fr")


async def _counter(bot: Running, cooldown: str, owner_id: int = 740):  # type: ignore[no-untyped-def]
    owner = bot.tg.user(owner_id, "Marie", language_code="fr")
    cashier = bot.tg.user(741, "Paul", language_code="fr")
    customer = bot.tg.user(742, "Jang", language_code="fr")
    join = link_in(await say(owner, "/setup Café Lux"), "join_")
    await say(owner, f"/program set cooldown {cooldown}")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    await customer.open_link(join)
    card = await customer.wait_for(
        lambda e: e.message is not None and e.message.photo_bytes is not None
    )
    assert card.message is not None
    return cashier, card.message


async def test_two_coffees_are_one_tap_and_the_cooldown_hides_the_next_stamp(bot: Running) -> None:
    cashier, card = await _counter(bot, "15")
    await cashier.open_link(qr_content(card))
    scanned = await cashier.next_message()
    assert scanned.button_texts[0] == [FR.pgettext("button", "+1 stamp"), "+2", "+3"]
    await cashier.press(scanned, "+2")
    edited = await cashier.next_edit()
    assert "2/10" in edited.content
    # Within the cooldown no stamp button is offered (it could only be refused); the message
    # says until when.
    assert not any("+" in text for row in edited.button_texts for text in row)
    now = (await bot.service.customers.cards(742))[0]
    assert now.stamp_count == 2
    ready_at = bot.clock.now() + timedelta(minutes=15)
    until = FR.gettext("⏳ Next stamp from {time}.", time=FR.time_only(ready_at, now.timezone))
    assert edited.content.endswith(until)
    assert until in (await say(cashier, card_number_in(card))).content  # opened again
    # Once the cooldown is over, the card offers its stamps again.
    bot.clock.advance(timedelta(minutes=15))
    again = await say(cashier, card_number_in(card))
    assert again.button_texts[0] == [FR.pgettext("button", "+1 stamp"), "+2", "+3"]
    assert FR.gettext("⏳ Next stamp from {time}.", time="")[:8] not in again.content


async def test_plus_n_typed_with_a_card_open_stamps_it(bot: Running) -> None:
    cashier, card = await _counter(bot, "0")
    assert (await say(cashier, "+2")).content == no_open_card(FR)  # which card?
    number = card_number_in(card)
    shown = await say(cashier, number)  # typing the number opens the card
    assert shown.button_texts[0][0] == FR.pgettext("button", "+1 stamp")
    done = await say(cashier, "+3")
    assert "3/10" in done.content
    assert "4/10" in (await say(cashier, "+ 1")).content
    assert (await bot.service.customers.cards(742))[0].stamp_count == 4


async def test_a_stamp_cafe_is_shown_and_takes_stamps_only(bot: Running) -> None:
    cashier, card = await _counter(bot, "0")
    owner = bot.tg.user(740, "Marie", language_code="fr")
    # The cashier's /help and the owner's /program: nothing about points.
    staff_help = (await say(cashier, "/help")).content
    assert "/stamp" in staff_help and "/redeem" in staff_help
    assert "/points" not in staff_help and "/void" not in staff_help
    menu_of = {"type": "chat", "chat_id": 741}
    staff_menu = [name for name, _ in bot.tg.commands(menu_of)]
    assert "stamp" in staff_menu and "points" not in staff_menu and "void" not in staff_menu
    menu = await say(owner, "/program")
    settings = [text for row in menu.button_texts for text in row]
    assert any(FR.gettext("Card type") in text for text in settings)
    assert not any("points" in text.lower() for text in settings), settings
    # A points command is refused in words, with nothing done.
    number = card_number_in(card)
    refused = await say(cashier, f"/points {number} 12")
    assert refused.content == FR.gettext("This program collects stamps, not points.")
    # A bare number typed at the counter points to the stamp buttons, not to "Add points".
    await say(cashier, number)
    answer = (await say(cashier, "9400")).content
    assert answer == number_at_stamp_counter(FR, number.replace("-", "")), answer
    assert FR.pgettext("button", "Add points") not in answer
    assert (await bot.service.customers.cards(742))[0].stamp_count == 0
    # Switched to points, the same cashier's /help lists /points again.
    await say(owner, "/program set type hybrid")
    assert "/points" in (await say(cashier, "/help")).content
    assert "points" in [name for name, _ in bot.tg.commands({"type": "chat", "chat_id": 740})]
