"""The outbox's dispatcher is woken by an update only when the update recorded something to
deliver: a look at the outbox is a claim and a commit, wasted when nothing was recorded. A
stamp's notice is not even claimed: it is handed to the dispatcher when its commit is made."""

from __future__ import annotations

import pytest

from infra import OutboxItem
from tests.support.chat import cafe_with_a_customer, say
from tests.support.running_bot import Running


async def test_only_updates_that_recorded_effects_wake_the_dispatcher(
    bot: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    tg = bot.tg
    owner, customer, number = await cafe_with_a_customer(tg)
    await tg.wait_idle()

    dispatcher = bot.application.bot_data.runtime.dispatcher
    wakes: list[str] = []
    handed: list[OutboxItem] = []
    wake, accept = dispatcher.wake, dispatcher.accept  # type: ignore[attr-defined]

    def counted_wake() -> None:
        wakes.append("woken")
        wake()

    def counted_accept(items: list[OutboxItem]) -> None:
        handed.extend(items)
        accept(items)

    monkeypatch.setattr(dispatcher, "wake", counted_wake)
    monkeypatch.setattr(dispatcher, "accept", counted_accept)

    assert "/card" in (await say(customer, "/help")).content
    assert (await say(owner, "/help")).content
    assert wakes == [] and handed == []  # nothing recorded, nobody woken

    await say(owner, f"/stamp {number}")
    notice = await customer.next_message()
    assert "1" in notice.content  # the customer's notice of the stamp, delivered
    # Handed over by its commit, so no claim was needed to find it.
    assert "NotifyCustomer" in {type(item.effect).__name__ for item in handed}
    assert wakes == []
    assert (await bot.service.customers.cards(101))[0].stamp_count == 1
