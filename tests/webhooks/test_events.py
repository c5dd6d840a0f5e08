"""`reward.ready` and `customer.forgotten` against a local receiver, on both engines: written in
the transaction of the operation (after its `operation.created`, in the card's order), at the
moment the customer is told in the chat; the forgetting carries the card's number and nothing
that names the person."""

from __future__ import annotations

from decimal import Decimal

from bot.i18n import translator
from bot.texts.general import forget_question
from emulator.models import ChatEvent
from tests.support.chat import say
from tests.support.running_bot import Running
from tests.webhooks.receiver import Receiver, verified
from tests.webhooks.test_webhooks_story import _plain, _values, open_cafe, register

READY_TEXT = "🎁 Your reward is ready: {reward}!"


async def test_a_card_reaching_a_reward_is_an_event_as_its_holder_is_told(
    bot: Running, receiver: Receiver
) -> None:
    cafe = await open_cafe(bot)
    secret = await register(cafe, receiver.url)
    (card,) = cafe.cards
    customer = cafe.customers[0]
    operations = []
    while (
        not operations
        or operations[-1].card.stamp_count < operations[-1].card.stamp_rewards[0].cost
    ):
        operations.append(await bot.service.counter.stamp(cafe.owner.id, card))
    reward = operations[-1].card.stamp_rewards[0]

    await receiver.wait_for(len(operations) + 1)
    events = receiver.events()
    assert [e["type"] for e in events] == ["operation.created"] * len(operations) + ["reward.ready"]
    assert all(verified(secret, r) for r in receiver.received)
    ready = events[-1]["data"]
    assert ready["card"] == card and ready["operation"] == operations[-1].entry_id
    assert ready["reward"] == {
        "id": reward.reward_id,
        "name": reward.name,
        "unit": "stamps",
        "cost": reward.cost,
    }
    assert ready["balance"]["stamps"] == reward.cost
    for value in _values(events[-1]):
        assert value not in (customer.id, cafe.owner.id)

    # The customer heard it with the same stamp: the notice of that stamp, and no other, says so.
    told = translator("fr").gettext(READY_TEXT, reward=reward.name)

    def notice_of_reward(event: ChatEvent) -> bool:
        return event.message is not None and told in event.message.content

    await customer.wait_for(notice_of_reward, timeout=15)
    await bot.tg.wait_idle()
    notices = [message.content for message in customer.messages]
    assert sum(told in text for text in notices) == 1 and told in notices[-1]  # the last stamp's

    # A redemption takes the card below the cost: no event; nor does a stamp that stays below.
    await bot.service.counter.redeem_stamps(cafe.owner.id, card)
    await bot.service.counter.stamp(cafe.owner.id, card)
    await receiver.wait_for(len(operations) + 3)
    assert [e["type"] for e in receiver.events()[-2:]] == ["operation.created"] * 2


async def test_points_reaching_a_points_reward_are_an_event(
    bot: Running, receiver: Receiver
) -> None:
    cafe = await open_cafe(bot)
    await say(cafe.owner, "/program set type hybrid")
    await register(cafe, receiver.url)
    (card,) = cafe.cards
    below = await bot.service.counter.earn_points(cafe.owner.id, card, Decimal("60"))
    reward = below.card.points_rewards[0]
    assert below.card.points_balance < reward.cost
    across = await bot.service.counter.earn_points(cafe.owner.id, card, Decimal("60"))
    assert across.card.points_balance >= reward.cost
    await receiver.wait_for(3)
    first, second, ready = receiver.events()
    assert [first["type"], second["type"], ready["type"]] == [
        "operation.created",
        "operation.created",
        "reward.ready",
    ]
    assert ready["data"]["operation"] == across.entry_id
    assert ready["data"]["reward"]["unit"] == "points"
    assert ready["data"]["reward"]["cost"] == reward.cost


async def test_a_customer_who_forgets_is_an_event_with_the_card_number_only(
    bot: Running, receiver: Receiver
) -> None:
    cafe = await open_cafe(bot)
    secret = await register(cafe, receiver.url)
    (card,) = cafe.cards
    customer = cafe.customers[0]
    await bot.service.counter.stamp(cafe.owner.id, card)
    await customer.send("/forget")
    question = forget_question(translator("fr"))
    asked = await customer.wait_for(
        lambda e: e.message is not None and e.message.content == _plain(question), timeout=15
    )
    assert asked.message is not None
    await customer.press(asked.message, asked.message.buttons[0][0].text)  # Yes
    await customer.next_edit(timeout=15)  # erased: committed with its event

    await receiver.wait_for(2)
    stamped, forgotten = receiver.events()
    assert stamped["type"] == "operation.created"  # the card's order: its stamp came first
    assert forgotten["type"] == "customer.forgotten"
    assert forgotten["data"] == {"card": card}
    assert verified(secret, receiver.received[-1])
    for value in _values(forgotten):
        assert value not in (customer.id, cafe.owner.id)
        assert not (isinstance(value, str) and "Clara" in value)
