"""A cashier's /correct: bounded (no stamps minted with +n) and told to the owner."""

from __future__ import annotations

from bot.i18n import translator
from bot.texts.refusals import refusal_text
from domain import errors
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.running_bot import Running

EN = translator("en")


async def test_a_cashiers_correction_is_bounded_and_told_to_the_owner(bot: Running) -> None:
    owner = bot.tg.user(790, "Marie", language_code="en")
    cashier = bot.tg.user(791, "Paul", language_code="en")
    customer = bot.tg.user(792, "Jang", language_code="en")
    join = link_in(await say(owner, "/setup Café Lux"), "join_")
    await say(owner, "/program set staff_corrections on")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    await customer.open_link(join)
    card = await customer.wait_for(
        lambda e: e.message is not None and e.message.photo_bytes is not None
    )
    assert card.message is not None
    number = card_number_in(card.message)

    minted = await say(cashier, f"/correct {number} +50 free stamps")
    assert minted.content == refusal_text(EN, errors.CorrectionNotJustified(most=0))
    assert (await bot.service.customers.cards(792))[0].stamp_count == 0

    await say(cashier, f"/stamp {number} 3")
    owner.skip_unread()
    question = await say(cashier, f"/correct {number} -1 stamped twice")
    await cashier.press(question, question.buttons[0][0].text)  # confirm
    alert = await owner.wait_for(
        lambda e: e.message is not None and e.message.content.startswith("✏️")
    )
    assert alert.message is not None
    assert alert.message.content.startswith("✏️ Paul corrected card")
    assert "Reason: stamped twice" in alert.message.content
    assert "Stamps now: 2/10" in alert.message.content
