"""Customers, strangers and other merchants' staff try every staff command: refused, no change."""

from __future__ import annotations

import pytest

from bot.features.onboarding import ASKS_FOR_ARGUMENT
from bot.i18n import translator
from bot.texts.commands import argument_question
from tests.support.chat import card_number_in, link_in, say
from tests.support.running_bot import Running

EN = translator("en")
NOT_STAFF = EN.gettext(
    "Only staff can do that. If you work at a store, ask the owner for an invite link."
)
NOT_FOUND = EN.gettext(
    "No card found. Check the card number (12 digits, e.g. 1234-5678-9012) "
    "or scan the QR code again."
)


async def _card(bot: Running) -> tuple[str, str]:
    owner = bot.tg.user(20, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café"), "join_")
    await say(owner, "/program set type hybrid")
    customer = bot.tg.user(21, "Customer", language_code="en")
    await customer.open_link(join)
    await customer.next_message()
    card = await customer.next_message()
    return card_number_in(card), join


STAFF_COMMANDS = [
    "/stamp {n}",
    "/stamp {n} 3",
    "/redeem {n}",
    "/redeem {n} 10",
    "/points {n} 12,50",
    "/void {n} 5 broken",
    "/lookup {n}",
    "/undo",
]


@pytest.mark.parametrize("command", STAFF_COMMANDS)
async def test_customers_and_strangers_cannot_use_staff_commands(
    bot: Running, command: str
) -> None:
    number, _ = await _card(bot)
    for user in (
        bot.tg.user(21, "Customer", language_code="en"),
        bot.tg.user(22, "Stranger", language_code="en"),
    ):
        user.skip_unread()
        reply = await say(user, command.format(n=number))
        assert reply.content == NOT_STAFF
    card = (await bot.service.customers.cards(21))[0]
    assert (card.stamp_count, card.points_balance) == (0, 0)


@pytest.mark.parametrize("command", STAFF_COMMANDS[:-1])
async def test_staff_of_another_merchant_do_not_find_the_card(bot: Running, command: str) -> None:
    number, _ = await _card(bot)
    rival_owner = bot.tg.user(30, "Rival", language_code="en")
    await say(rival_owner, "/setup Rival")
    reply = await say(rival_owner, command.format(n=number))
    assert reply.content == NOT_FOUND
    card = (await bot.service.customers.cards(21))[0]
    assert (card.stamp_count, card.points_balance) == (0, 0)


async def test_a_customer_opening_a_card_link_learns_nothing(bot: Running) -> None:
    number, _ = await _card(bot)
    card = (await bot.service.customers.cards(21))[0]
    stranger = bot.tg.user(22, "Stranger", language_code="en")
    await stranger.open_link(f"https://t.me/{bot.tg.bot_username}?start=card_{card.qr_token}")
    reply = await stranger.next_message()
    assert reply.content == EN.gettext(
        "This QR code is a loyalty card. "
        "Only the staff of its store can use it — show it at the counter."
    )
    assert number not in reply.content and reply.buttons == []


@pytest.mark.parametrize(
    "command",
    [
        "/stamp abc",
        "/stamp 1234-5678-9012 many",
        "/points 1234-5678-9012 lots",
        "/void 1234-5678-9012",
        "/revoke x",
        "/program set",
    ],
)
async def test_malformed_commands_get_a_usage_hint(bot: Running, command: str) -> None:
    owner = bot.tg.user(20, "Owner", language_code="en")
    await say(owner, "/setup Café")
    reply = await say(owner, command)
    assert reply.content.startswith(("Usage:", "No card found")), reply.content


async def test_every_command_sent_without_its_argument_asks_for_it(bot: Running) -> None:
    owner = bot.tg.user(21, "Owner", language_code="en")
    await say(owner, "/setup Café")
    for name in sorted(ASKS_FOR_ARGUMENT):
        question = await say(owner, f"/{name}")
        assert question.content == argument_question(EN, name).replace("<code>", "").replace(
            "</code>", ""
        )
