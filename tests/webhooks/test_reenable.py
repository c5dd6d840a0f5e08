"""Re-enabling a disabled webhook endpoint (PRODUCT.md §12), on both engines: the owner taps
the button under the notice or under /webhooks, hears what happens and confirms; the event that
was waiting when it was disabled is sent first with its id, new events follow, and events of
the time it was disabled are never sent. No changes nothing; another café cannot do it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.features.webhooks import REENABLE
from bot.texts import general
from bot.texts import webhooks as texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.webhooks import RETRY_WINDOW, DisabledEndpoint
from tests.support.chat import say
from tests.support.running_bot import Running
from tests.webhooks.receiver import Receiver, verified
from tests.webhooks.test_webhooks_story import Cafe, _plain, open_cafe, register, settled, stamp


async def _disabled(bot: Running, cafe: Cafe, receiver: Receiver) -> tuple[int, str]:
    """An endpoint that failed for the whole retry window (two tries); the waiting operation's
    id and the event id it was tried with."""
    receiver.answer = lambda event: 503
    waiting = await stamp(bot, cafe, cafe.cards[0])
    await receiver.wait_for(1, status=503)
    await settled(bot, 1)
    cafe.owner.skip_unread()
    bot.clock.advance(RETRY_WINDOW + timedelta(minutes=1))
    await receiver.wait_for(2, status=503)
    return waiting, receiver.events(503)[0]["id"]


async def test_the_owner_re_enables_from_the_notice_and_what_waited_comes_first(
    bot: Running, receiver: Receiver
) -> None:
    cafe = await open_cafe(bot)
    secret = await register(cafe, receiver.url)
    waiting, event_id = await _disabled(bot, cafe, receiver)
    notice = await cafe.owner.next_message(timeout=10)
    assert notice.content == _plain(texts.endpoint_disabled(cafe.t, receiver.url))
    meanwhile = await stamp(bot, cafe, cafe.cards[0])  # while disabled: never sent

    button = cafe.t.pgettext("button", "Re-enable it")
    await cafe.owner.press(notice, button)
    question = await cafe.owner.next_message(timeout=10)
    found = DisabledEndpoint(endpoint_id=0, url=receiver.url, waiting=1)
    assert question.content == _plain(texts.reenable_question(cafe.t, found))

    # No: nothing changes, the endpoint stays disabled.
    await cafe.owner.press(question, cafe.t.pgettext("button", "No"))
    assert (await cafe.owner.next_edit(timeout=10)).content == texts.reenable_declined(cafe.t)
    listed = await say(cafe.owner, "/webhooks")
    assert cafe.t.gettext("disabled {when}", when="").strip() in listed.content

    # From the list's button this time; Yes.
    receiver.answer = None
    await cafe.owner.press(
        listed, cafe.t.pgettext("button", "Re-enable webhook {number}").format(number=1)
    )
    question = await cafe.owner.next_message(timeout=10)
    yes = question.buttons[0][0].callback_data
    assert yes is not None
    await cafe.owner.press(question, cafe.t.pgettext("button", "Yes"))
    done = await cafe.owner.next_edit(timeout=10)
    assert done.content == _plain(texts.reenabled(cafe.t, found))
    after = await stamp(bot, cafe, cafe.cards[0])

    await receiver.wait_for(2)
    first, second = receiver.events()
    assert (first["id"], first["data"]["operation"]) == (event_id, waiting)  # the same event
    assert second["data"]["operation"] == after
    assert all(verified(secret, r) for r in receiver.received)
    await asyncio.sleep(1.0)  # two polls of the sender: the one of the disabled time never comes
    operations = [e["data"]["operation"] for e in receiver.events()]
    assert meanwhile not in operations and operations == [waiting, after]
    listed = await say(cafe.owner, "/webhooks")
    assert cafe.t.gettext("working") in listed.content and not listed.buttons

    # The question's Yes once more (a client that kept it): answered already, nothing happens.
    raw = bot.tg.state.message(cafe.owner.id, question.message_id)
    assert raw is not None
    bot.tg.state.user_presses(cafe.owner.record, raw, yes)
    expired = _plain(general.button_expired(cafe.t))
    await cafe.owner.wait_for(lambda e: e.message is not None and e.message.content == expired)


async def test_only_a_disabled_endpoint_of_ones_own_cafe_can_be_re_enabled(
    bot: Running, receiver: Receiver
) -> None:
    cafe = await open_cafe(bot)
    await register(cafe, receiver.url)
    (working,) = await bot.service.webhooks.endpoints(cafe.owner.id)
    with pytest.raises(errors.WebhookNotDisabled):
        await bot.service.webhooks.enable_endpoint(cafe.owner.id, working.endpoint_id)
    other = await open_cafe(bot, owner_id=951)
    with pytest.raises(errors.WebhookRemoved):
        await bot.service.webhooks.disabled_endpoint(other.owner.id, working.endpoint_id)
    # A forged button of another café's endpoint: refused in words, nothing changed.
    await _disabled(bot, cafe, receiver)
    listed = await say(other.owner, "/webhooks")
    raw = bot.tg.state.message(other.owner.id, listed.message_id)
    assert raw is not None
    bot.tg.state.user_presses(other.owner.record, raw, REENABLE.data(working.endpoint_id))
    refused = await other.owner.next_message(timeout=10)
    assert refused.content == _plain(refusal_text(other.t, errors.WebhookRemoved()))
    (still,) = await bot.service.webhooks.endpoints(cafe.owner.id)
    assert still.disabled_at is not None
