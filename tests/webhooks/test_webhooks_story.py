"""Webhooks end to end (PRODUCT.md §12): the owner registers a local receiver in the chat, the
real bot posts signed events to it over HTTP, on both engines: the signature verifies, a 500 gets
the same event again, a card's events keep their order, three days of failures disable the
endpoint and the owner is told; private addresses are refused."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.i18n import Translator, translator
from bot.texts import webhooks as texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.db.tables import WebhookDelivery
from domain.webhooks import RETRY_WINDOW, backoff
from emulator.user import EmulatedUser
from tests.support.chat import card_number_in, eventually, link_in, say
from tests.support.running_bot import Running
from tests.webhooks.receiver import Receiver, verified

SECRET = re.compile(r"whsec_[A-Za-z0-9_-]{43}")


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@dataclass
class Cafe:
    owner: EmulatedUser
    t: Translator
    cards: list[str]
    customers: list[EmulatedUser]
    join: str  # the café's join link


async def open_cafe(bot: Running, customers: int = 1, owner_id: int = 901) -> Cafe:
    """A café set up in the chat (in French), with customers who joined by its link."""
    tg = bot.tg
    owner = tg.user(owner_id, "Anne", language_code="fr")
    join = link_in(await say(owner, "/setup Café Lux"), "join_")
    for setting in ("cooldown 0", "daily_limit 0", "summary off"):
        await say(owner, f"/program set {setting}")
    people, cards = [], []
    for index in range(customers):
        customer = tg.user(owner_id + 1 + index, f"Clara{index}", language_code="fr")
        await customer.open_link(join)
        await customer.next_message()
        cards.append(card_number_in(await customer.next_message()))
        people.append(customer)
    return Cafe(owner, translator("fr"), cards, people, join)


async def register(cafe: Cafe, url: str) -> str:
    """/webhooks add in the chat; the secret it shows once."""
    added = await say(cafe.owner, f"/webhooks add {url}")
    found = SECRET.search(added.content)
    assert found is not None, added.content
    return found.group(0)


async def stamp(bot: Running, cafe: Cafe, card: str) -> int:
    """A stamp given by the owner at the counter; its operation id."""
    return (await bot.service.counter.stamp(cafe.owner.id, card)).entry_id


async def settled(bot: Running, tries: int) -> None:
    """Until the sender has recorded the failure of an undelivered event's `tries`-th try (so
    that moving the clock now moves it past the retry time that try set)."""

    async def done() -> bool:
        async with bot.service.database.read() as session:
            rows = await session.execute(
                select(WebhookDelivery.attempts).where(
                    WebhookDelivery.delivered_at.is_(None),
                    WebhookDelivery.claimed_until.is_(None),
                    WebhookDelivery.last_tried_at.is_not(None),
                )
            )
            return tries in rows.scalars().all()

    await eventually(done, wait=10)


def _values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _values(item)]
    if isinstance(value, list):
        return [v for item in value for v in _values(item)]
    return [value]


async def test_an_owner_registers_a_receiver_and_gets_signed_events(
    bot: Running, receiver: Receiver
) -> None:
    cafe = await open_cafe(bot)
    empty = await say(cafe.owner, "/webhooks")
    assert empty.content == _plain(texts.endpoints_list(cafe.t, [], "Europe/Luxembourg"))

    secret = await register(cafe, receiver.url)
    operation = await stamp(bot, cafe, cafe.cards[0])
    await receiver.wait_for(1)
    (got,) = receiver.received
    assert verified(secret, got)
    assert not verified(secret.replace("whsec_", "whsec_x"), got)
    event = got.event
    assert event["type"] == "operation.created" and event["id"].startswith("evt_")
    assert event["data"]["operation"] == operation
    assert event["data"]["card"] == cafe.cards[0]
    assert (event["data"]["kind"], event["data"]["stamps"], event["data"]["points"]) == (
        "stamp",
        1,
        0,
    )
    assert event["data"]["store"]["name"] == "Café Lux"
    # No name, no Telegram id: neither the customer's nor the cashier's.
    customer = cafe.customers[0]
    for value in _values(event):
        assert value not in (customer.id, cafe.owner.id)
        assert not (isinstance(value, str) and ("Clara" in value or "Anne" in value))

    # A new card is an event too; so is the undo of an operation (a compensating row).
    late = bot.tg.user(990, "Late", language_code="fr")
    await late.open_link(cafe.join)
    await receiver.wait_for(2)
    assert receiver.events()[1]["type"] == "card.created"
    await bot.service.counter.undo(cafe.owner.id)
    await receiver.wait_for(3)
    undo = receiver.events()[2]["data"]
    assert (undo["kind"], undo["stamps"], undo["reverses"]) == ("undo", -1, operation)

    listed = await say(cafe.owner, "/webhooks")
    assert receiver.url in listed.content and secret not in listed.content
    assert cafe.t.gettext("accepted ({status})", status=200) in listed.content

    removed = await say(cafe.owner, "/webhooks remove 1")
    assert removed.content == _plain(texts.endpoint_removed(cafe.t, receiver.url))
    await stamp(bot, cafe, cafe.cards[0])
    await asyncio.sleep(1.0)  # two polls of the sender: nothing comes
    assert len(receiver.received) == 3


async def test_a_receiver_answering_500_gets_the_same_event_again(
    bot: Running, receiver: Receiver
) -> None:
    cafe = await open_cafe(bot)
    secret = await register(cafe, receiver.url)
    failures = 2
    receiver.answer = lambda event: 500 if len(receiver.received) < failures else 200
    await stamp(bot, cafe, cafe.cards[0])
    for attempt in range(1, failures + 1):
        await receiver.wait_for(attempt, status=500)
        await settled(bot, attempt)
        bot.clock.advance(backoff(attempt))  # the back-off has passed: tried again
    await receiver.wait_for(1)
    assert [r.status for r in receiver.received] == [500, 500, 200]
    assert len({r.event["id"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1  # the same bytes on every try
    assert all(verified(secret, r) for r in receiver.received)
    listed = await say(cafe.owner, "/webhooks")
    assert cafe.t.gettext("accepted ({status})", status=200) in listed.content


async def test_a_cards_events_keep_their_order_while_others_go_on(
    bot: Running, receiver: Receiver
) -> None:
    cafe = await open_cafe(bot, customers=2)
    first, second = cafe.cards
    await register(cafe, receiver.url)
    refused_once: set[int] = set()

    def answer(event: dict[str, Any]) -> int:
        operation = event["data"]["operation"]
        if event["data"]["card"] == first and operation not in refused_once:
            refused_once.add(operation)  # every event of the first card fails once
            return 500
        return 200

    receiver.answer = answer
    ours = [await stamp(bot, cafe, first) for _ in range(3)]
    theirs = await stamp(bot, cafe, second)
    # The second card's event passes while the first card's first event waits for its retry;
    # the first card's later events wait behind it.
    await receiver.wait_for(1)
    await asyncio.sleep(1.0)
    assert [e["data"]["operation"] for e in receiver.events()] == [theirs]
    assert [e["data"]["operation"] for e in receiver.events(500)] == [ours[0]]
    for turn in range(1, 4):
        await receiver.wait_for(turn, status=500)
        await settled(bot, 1)  # the first card's event of this turn failed once
        bot.clock.advance(backoff(1))
    await receiver.wait_for(4, wait=20)
    delivered = [e["data"]["operation"] for e in receiver.events() if e["data"]["card"] == first]
    assert delivered == ours
    tried = [e["data"]["operation"] for e in receiver.events(None) if e["data"]["card"] == first]
    assert tried == sorted(tried)  # never a later event before an earlier one


async def test_an_endpoint_failing_for_three_days_is_disabled_and_the_owner_told(
    bot: Running, receiver: Receiver
) -> None:
    cafe = await open_cafe(bot)
    await register(cafe, receiver.url)
    receiver.answer = lambda event: 503
    await stamp(bot, cafe, cafe.cards[0])
    await receiver.wait_for(1, status=503)
    started = bot.clock.now()
    tries = 1
    cafe.owner.skip_unread()
    while bot.clock.now() - started < RETRY_WINDOW:
        await settled(bot, tries)
        bot.clock.advance(timedelta(hours=20))
        tries += 1
        await receiver.wait_for(tries, status=503)
    notice = await cafe.owner.next_message(timeout=10)
    assert notice.content == _plain(texts.endpoint_disabled(cafe.t, receiver.url))
    listed = await say(cafe.owner, "/webhooks")
    assert cafe.t.gettext("disabled {when}", when="").strip() in listed.content

    # Disabled: neither the waiting event nor new ones are sent any more.
    receiver.answer = None
    await stamp(bot, cafe, cafe.cards[0])
    bot.clock.advance(timedelta(hours=2))
    await asyncio.sleep(1.5)
    assert len(receiver.received) == tries
    assert receiver.events() == []


async def test_private_and_plain_addresses_are_refused(bot: Running) -> None:
    cafe = await open_cafe(bot)
    cases = {
        "https://10.1.2.3/hook": errors.WebhookAddressRefused(host="10.1.2.3"),
        "https://169.254.169.254/latest/meta-data": errors.WebhookAddressRefused(
            host="169.254.169.254"
        ),
        "https://[fd00::5]/hook": errors.WebhookAddressRefused(host="fd00::5"),
        "http://192.168.1.20/hook": errors.WebhookNeedsHttps(),
        "ftp://example.com/hook": errors.InvalidWebhookUrl(),
        "https://no-such-host.invalid/hook": errors.WebhookHostUnknown(host="no-such-host.invalid"),
    }
    for url, refusal in cases.items():
        answer = await say(cafe.owner, f"/webhooks add {url}")
        assert answer.content == _plain(refusal_text(cafe.t, refusal)), url
    assert (await say(cafe.owner, "/webhooks")).content == _plain(
        texts.endpoints_list(cafe.t, [], "Europe/Luxembourg")
    )
    # A customer has no webhooks to add.
    refused = await say(cafe.customers[0], "/webhooks add https://example.com/hook")
    assert SECRET.search(refused.content) is None
