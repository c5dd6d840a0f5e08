"""/insights as an owner reads it: the key figures in the owner's language, then the picture of
the customers who came back by month of their first visit (PRODUCT.md §11)."""

from __future__ import annotations

import io

from PIL import Image

from bot.i18n import translator
from bot.texts.insights import insights_caption
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.running_bot import Running


async def test_an_owner_reads_whether_customers_come_back(bot: Running) -> None:
    owner = bot.tg.user(720, "Anne", language_code="de")
    join = link_in(await say(owner, "/setup Bäckerei"), "join_")
    await say(owner, "/program set cooldown 0")
    cashier = bot.tg.user(721, "Kim", language_code="de")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    for number, name in ((722, "Lea"), (723, "Max")):
        customer = bot.tg.user(number, name, language_code="lb")
        await customer.open_link(join)
        card = await customer.wait_for(
            lambda e: e.message is not None and e.message.photo_bytes is not None
        )
        assert card.message is not None
        await say(cashier, f"/stamp {card_number_in(card.message)}")

    owner.skip_unread()
    figures = await say(owner, "/insights")
    assert figures.content.startswith("📈 Einblicke — Bäckerei")
    assert "👥 Aktive Mitglieder: 2 in den letzten 30 Tagen, 2 in 90 Tagen" in figures.content
    assert "Kim: 2 Vorgänge, 2 Kunden" in figures.content
    picture = await owner.next_message()
    assert picture.photo_bytes is not None and picture.caption == insights_caption(translator("de"))
    assert Image.open(io.BytesIO(picture.photo_bytes)).size[0] >= 900

    # A cashier has no insights to read.
    cashier.skip_unread()
    assert "Einblicke" not in (await say(cashier, "/insights")).content
