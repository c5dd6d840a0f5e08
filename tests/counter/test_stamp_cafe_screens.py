"""A stamp-only café is shown stamps only: the cashier's /help has no /points or /void, the
owner's /program no points settings, and a number typed at the counter is not pointed at an
"Add points" button that does not exist (and a points café keeps all of them)."""

from __future__ import annotations

from bot.i18n import translator
from bot.texts import setting_registry
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.running_bot import Running

EN = translator("en")


async def test_a_stamp_cafe_shows_stamps_only(bot: Running) -> None:
    owner = bot.tg.user(780, "Marie", language_code="en")
    cashier = bot.tg.user(781, "Paul", language_code="en")
    customer = bot.tg.user(782, "Jang", language_code="en")
    join = link_in(await say(owner, "/setup Café Lux"), "join_")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))

    help_text = (await say(cashier, "/help")).content
    assert "/stamp" in help_text and "/points" not in help_text and "/void" not in help_text
    menu = await say(owner, "/program")
    labels = " ".join(text for row in menu.button_texts for text in row)
    assert setting_registry.label(EN, "stamps_target") in labels
    assert setting_registry.label(EN, "points_reward") not in labels

    await customer.open_link(join)
    card = await customer.wait_for(
        lambda e: e.message is not None and e.message.photo_bytes is not None
    )
    assert card.message is not None
    await say(cashier, card_number_in(card.message))  # the card is open
    typed = await say(cashier, "9400")
    assert "Add points" not in typed.content

    # A hybrid café has them all.
    await say(owner, "/program set type hybrid")
    cashier.skip_unread()
    help_text = (await say(cashier, "/help")).content
    assert "/points" in help_text and "/void" in help_text
