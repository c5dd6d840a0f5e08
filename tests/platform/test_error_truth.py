"""After an unexpected failure the bot says only what is certain: "nothing was changed" when no
write reached COMMIT, otherwise "check the card" (staff) or "check your card" (customers)."""

from __future__ import annotations

import pytest

from bot.features import card as card_feature
from bot.features import counter as counter_feature
from bot.i18n import translator
from bot.texts import general
from domain.service import counter as counter_service
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.running_bot import Running

EN = translator("en")


async def _shop(bot: Running) -> tuple[object, object, str]:
    tg = bot.tg
    owner = tg.user(80, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café Truth"), "join_")
    await say(owner, "/program set cooldown 0")
    cashier = tg.user(81, "Cashier", language_code="en")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    customer = tg.user(82, "Gil", language_code="en")
    await customer.open_link(join)
    await customer.next_message()
    return cashier, customer, card_number_in(await customer.next_message())


def _broken(*args: object, **kwargs: object) -> str:
    raise RuntimeError("a bug")


async def test_a_failure_after_the_stamp_was_committed_tells_the_cashier_to_check(
    bot: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    cashier, customer, number = await _shop(bot)
    monkeypatch.setattr(counter_feature.counter_texts, "operation_done", _broken)
    answer = await say(cashier, f"/stamp {number}")
    assert answer.content == general.staff_check_the_card(EN)
    assert "Nothing was changed" not in answer.content
    assert (await bot.service.customers.cards(82))[0].stamp_count == 1  # it was committed


async def test_a_failure_before_any_commit_says_nothing_was_changed(
    bot: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    cashier, customer, number = await _shop(bot)
    monkeypatch.setattr(counter_service, "check_stamp_allowed", _broken)
    answer = await say(cashier, f"/stamp {number}")
    assert answer.content == general.something_went_wrong(EN)
    assert (await bot.service.customers.cards(82))[0].stamp_count == 0


async def test_a_customer_is_told_to_check_their_card_never_to_use_a_staff_command(
    bot: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    cashier, customer, number = await _shop(bot)
    monkeypatch.setattr(card_feature.card_texts, "new_qr_done", _broken)
    answer = await say(customer, "/newqr")  # the new QR code is committed, then the bug
    assert answer.content == general.customer_check_the_card(EN)
    assert "/lookup" not in answer.content
