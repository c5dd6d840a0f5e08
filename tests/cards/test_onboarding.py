"""Finding one's way in (issue 22, item 7): the first /start offers both ways in with buttons,
/help puts /setup first for someone without a café, and a command sent without its argument
asks for it; the answer, in reply, runs the command."""

from __future__ import annotations

from bot.i18n import translator
from tests.support.chat import link_in, say
from tests.support.running_bot import Running

EN, FR = translator("en"), translator("fr")


async def test_a_first_start_offers_both_ways_in_and_each_button_asks_its_question(
    bot: Running,
) -> None:
    owner = bot.tg.user(2210, "Nadia", language_code="fr")
    hello = await say(owner, "/start")
    labels = [button.text for row in hello.buttons for button in row]
    assert labels == [
        FR.pgettext("button", "Join a café"),
        FR.pgettext("button", "Set up my café"),
    ]
    await owner.press(hello, FR.pgettext("button", "Set up my café"))
    question = await owner.next_message()
    assert question.content == FR.gettext(
        "What is your café or shop called? Send its name and I will set up its loyalty card."
    )
    await owner.reply(question, "Chez Nadia")
    done = await owner.next_message()
    assert "Chez Nadia" in done.content
    join = link_in(done, "join_")
    store = (await bot.service.merchants.stores(2210))[0]
    assert store.merchant_name == "Chez Nadia" and store.code in join

    customer = bot.tg.user(2211, "Luc", language_code="en")
    hello = await say(customer, "/start")
    await customer.press(hello, EN.pgettext("button", "Join a café"))
    question = await customer.next_message()
    assert question.content.startswith("Send the store code")
    await customer.reply(question, store.code)
    await customer.next_message()
    assert len(await bot.service.customers.cards(2211)) == 1
    assert not (await say(customer, "/start")).buttons  # a card holder sees the card


async def test_help_puts_setup_first_and_bare_commands_ask_for_their_argument(
    bot: Running,
) -> None:
    newcomer = bot.tg.user(2212, "Someone", language_code="en")
    help_text = (await say(newcomer, "/help")).content
    assert help_text.splitlines()[:2] == [
        "Run a café or shop?",
        "/setup — set up your own loyalty card in a minute",
    ]
    question = await say(newcomer, "/setup")
    await newcomer.reply(question, "Café Lux")
    await newcomer.next_message()
    assert "Run a café" not in (await say(newcomer, "/help")).content

    question = await say(newcomer, "/addstore")
    assert question.content == "What is the new store called? Send its name."
    await newcomer.send("Gare")  # a plain message answers the open question too
    assert (await newcomer.next_message()).content.startswith("Store Gare added.")
    assert [s.name for s in await bot.service.merchants.stores(2212)] == ["Café Lux", "Gare"]

    question = await say(newcomer, "/lookup")
    assert question.content == "Which card? Send its number, e.g. 1234-5678-9012."
    assert (await say(newcomer, "/join")).content.startswith("Send the store code")
