"""Every café its own bot, end to end against the emulator (PRODUCT.md §10): a café with a
cashier and customers on the platform bot creates its own bot; everyone is told once; the card
is the same there; notices come from the bot the customer knows; old links still work and point
on; another café's staff can do nothing there; a new token and a 401 lose nothing."""

from __future__ import annotations

from datetime import timedelta

from emulator.bots import EmulatedBot
from emulator.models import SentMessage
from emulator.user import EmulatedUser
from tests.support.chat import card_number_in, eventually, join_staff, link_in, say
from tests.support.running_bot import Running

CAFE_USERNAME = "cafe_lux_bot"


async def _declined_offers(user: EmulatedUser) -> None:
    """Stories that count messages say no to offers first (PRODUCT.md §8's question)."""
    await say(user, "/offers off")


async def _join(customer: EmulatedUser, join_link: str) -> str:
    """Open the store's link; the card number."""
    await customer.open_link(join_link)
    await customer.next_message()  # welcome
    card = await customer.next_message()
    return card_number_in(card)


async def _next_mentioning(user: EmulatedUser, text: str, wait: float = 10.0) -> SentMessage:
    """The user's next message that mentions `text` (others, like bonus notices, skipped)."""
    for _ in range(6):
        message = await user.next_message(timeout=wait)
        if text in message.content:
            return message
    raise AssertionError(f"no message mentioning {text!r}")


async def _create_cafe_bot(bot: Running, owner: EmulatedUser) -> EmulatedBot:
    explained = await say(owner, "/mybot")
    assert "t.me/newbot/" in explained.content
    assert explained.keyboard_markup is not None
    button = explained.keyboard_markup["keyboard"][0][0]
    assert button["request_managed_bot"]["suggested_username"] == CAFE_USERNAME
    cafe = await owner.create_managed_bot(explained, button["text"])
    assert cafe.username == CAFE_USERNAME
    setting_up = await owner.next_message()
    assert CAFE_USERNAME in setting_up.content
    ready = await _next_mentioning(owner, "is ready")
    assert f"https://t.me/{CAFE_USERNAME}?start=join_" in ready.content
    poster = await owner.next_message()
    assert poster.document_bytes is not None  # the new poster, its QR code the café's bot
    return cafe


async def test_a_cafe_moves_to_its_own_bot_losing_nothing(bot: Running) -> None:
    tg = bot.tg
    owner = tg.user(1001, "Olivia")
    cashier = tg.user(1002, "Paul")
    anna = tg.user(1003, "Anna")
    ben = tg.user(1004, "Ben")
    setup = await say(owner, "/setup Café Lux")
    join_link = link_in(setup, "join_")
    invite = await say(owner, "/invite")
    await join_staff(owner, cashier, link_in(invite, "staff_"))
    anna_card = await _join(anna, join_link)
    ben_card = await _join(ben, join_link)
    for customer in (anna, ben):
        await _declined_offers(customer)

    cafe = await _create_cafe_bot(bot, owner)

    async def described() -> bool:  # the profile is set through the outbox
        return "Café Lux" in cafe.texts.get(("description", "fr"), "")

    await eventually(described)
    assert cafe.texts.get(("name", ""), cafe.name) == "Café Lux"  # created with it: kept
    assert "mybot" not in {c["command"] for c in cafe.commands()}  # the platform's only

    # Told once each, by the platform bot, with a button that opens the café's bot.
    told = {}
    for person in (anna, ben, cashier):
        message = await _next_mentioning(person, f"@{CAFE_USERNAME}")
        told[person.id] = message
        assert message.buttons[0][0].url is not None
        assert message.buttons[0][0].url.startswith(f"https://t.me/{CAFE_USERNAME}")

    # Anna opens it: the same card, in the café's bot.
    anna_there = anna.at(cafe)
    await anna.open_link(told[anna.id].buttons[0][0].url or "")
    overview = await anna_there.next_message()
    assert "Café Lux" in overview.content
    card_there = await say(anna_there, "/card")
    assert card_number_in(card_there) == anna_card

    # The cashier works in the café's bot; Anna's notice comes from it, Ben's (who never
    # opened it) from the platform bot.
    cashier_there = cashier.at(cafe)
    await cashier.open_link(f"https://t.me/{CAFE_USERNAME}")
    await cashier_there.next_message()
    stamped = await say(cashier_there, f"/stamp {anna_card}")
    assert "1/" in stamped.content or "1 " in stamped.content, stamped.content
    notice = await anna_there.next_message()
    assert "Café Lux" in notice.content
    bot.clock.advance(timedelta(minutes=20))
    await say(cashier_there, f"/stamp {ben_card}")
    ben_notice = await ben.next_message()
    assert "Café Lux" in ben_notice.content
    assert not [m for m in ben.at(cafe).messages]  # the café's bot never wrote first

    # An old poster's link of the platform bot still enrols, then points on.
    clara = tg.user(1005, "Clara")
    await clara.open_link(join_link)
    await clara.next_message()
    await clara.next_message()  # the card
    pointer = await _next_mentioning(clara, f"@{CAFE_USERNAME}")
    assert (pointer.buttons[0][0].url or "").startswith(f"https://t.me/{CAFE_USERNAME}")

    # Another café's owner and a customer of both: nothing of theirs in this bot.
    other_owner = tg.user(1006, "Otto")
    other = await say(other_owner, "/setup Bakery Beck")
    other_there = other_owner.at(cafe)
    await other_owner.open_link(f"https://t.me/{CAFE_USERNAME}")
    await other_there.next_message()
    refused = await say(other_there, f"/stamp {anna_card}")
    assert "staff" in refused.content.lower() or "owner" in refused.content.lower()
    await _join(anna, link_in(other, "join_"))
    cards_there = await say(anna_there, "/start")
    assert "Bakery Beck" not in cards_there.content and "Café Lux" in cards_there.content
    refused_join = await say(anna_there, f"/start {link_in(other, 'join_').split('start=')[1]}")
    assert "another café" in refused_join.content
    assert (await bot.service.maintenance.invariant_breaches()) == []


async def test_a_new_token_and_a_refused_token_lose_nothing(bot: Running) -> None:
    tg = bot.tg
    owner = tg.user(2001, "Olivia")
    cashier = tg.user(2002, "Paul")
    anna = tg.user(2003, "Anna")
    setup = await say(owner, "/setup Café Lux")
    invite = await say(owner, "/invite")
    await join_staff(owner, cashier, link_in(invite, "staff_"))
    anna_card = await _join(anna, link_in(setup, "join_"))
    await _declined_offers(anna)
    cafe = await _create_cafe_bot(bot, owner)
    await _next_mentioning(anna, f"@{CAFE_USERNAME}")
    await _next_mentioning(cashier, f"@{CAFE_USERNAME}")
    anna_there, cashier_there = anna.at(cafe), cashier.at(cafe)
    await anna.open_link(f"https://t.me/{CAFE_USERNAME}")
    await anna_there.next_message()
    await cashier.open_link(f"https://t.me/{CAFE_USERNAME}")
    await cashier_there.next_message()

    # The owner changes the token outside the platform: picked up, no restart.
    tg.replace_token(cafe)
    await eventually(lambda: _served_with(bot, cafe), wait=10)
    await say(cashier_there, f"/stamp {anna_card}")
    assert "Café Lux" in (await anna_there.next_message()).content

    # Telegram refuses the token: paused, the owner told, Anna's notice waits; a stamp given
    # meanwhile through the platform bot is not lost; /mybot newtoken serves it again.
    tg.revoke_token(cafe)
    paused = await _next_mentioning(owner, "paused", wait=15)
    assert CAFE_USERNAME in paused.content
    bot.clock.advance(timedelta(minutes=20))
    await say(cashier, f"/stamp {anna_card}")  # the cashier goes on in the platform bot
    assert not [m for m in anna.messages if "2/" in m.content]  # waits for the café's bot
    renewed = await say(owner, "/mybot newtoken")
    assert CAFE_USERNAME in renewed.content
    waited = await _next_mentioning(anna_there, "Café Lux", wait=15)
    assert "2" in waited.content
    assert (await bot.service.maintenance.invariant_breaches()) == []


async def _served_with(bot: Running, cafe: EmulatedBot) -> bool:
    bots = bot.application.bot_data.runtime.bots
    assert bots is not None
    served = bots.served(cafe.id)
    return served is not None and served.token == cafe.token
