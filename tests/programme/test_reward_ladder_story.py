"""The reward ladder end to end, against the emulator: a ladder of 5 and 10 stamps redeemed
rung by rung, and the owner's /rewards buttons and prompts in all four languages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.i18n import LANGUAGES, Translator, translator
from bot.texts.commands import usage
from bot.texts.refusals import refusal_text
from domain import errors
from domain.db.tables import LedgerEntry
from emulator.user import EmulatedUser
from tests.support.chat import card_number_in, eventually, join_staff, link_in, say
from tests.support.running_bot import Running


async def _shop_with_customer(bot: Running, language: str) -> tuple[EmulatedUser, EmulatedUser]:
    """An owner whose programme gives a coffee for 5 stamps (no cooldown, no daily limit), a
    cashier and a customer with a card; returns the owner and the cashier."""
    tg = bot.tg
    owner = tg.user(200, "Owner", language_code=language)
    join = link_in(await say(owner, "/setup Café Échelle"), "join_")
    for setting in ("cooldown 0", "daily_limit 0", "stamps_target 5"):
        await say(owner, f"/program set {setting}")
    cashier = tg.user(201, "Cashier", language_code=language)
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    customer = tg.user(202, "Ines", language_code=language)
    await customer.open_link(join)
    await customer.next_message()
    await customer.next_message()  # the card
    return owner, cashier


async def _redeem_rows(bot: Running) -> list[tuple[str, int | None, int]]:
    async with bot.service.database.read() as session:
        rows = await session.execute(
            select(LedgerEntry.kind, LedgerEntry.reward_id, LedgerEntry.stamps_delta)
            .where(LedgerEntry.stamps_delta < 0)
            .order_by(LedgerEntry.id)
        )
        return [(kind, reward, stamps) for kind, reward, stamps in rows]


async def test_a_ladder_of_five_and_ten_stamps_redeemed_rung_by_rung(bot: Running) -> None:
    t = translator("en")
    owner, cashier = await _shop_with_customer(bot, "en")
    customer = bot.tg.get_user(202)
    added = await say(owner, "/rewards add 10 Cake")
    assert "Reward added: Cake — 10 stamps." in added.content
    assert "1. Free coffee — 5 stamps" in added.content
    assert "2. Cake — 10 stamps" in added.content
    coffee, cake = (await bot.service.rewards.ladder(200)).rewards
    number = card_number_in(await say(customer, "/card"))
    card_message = customer.last_message
    assert card_message is not None
    assert "⏳ Free coffee — 5 stamps to go" in card_message.content
    assert "⏳ Cake — 10 stamps to go" in card_message.content

    # Stamp to 5: the coffee is ready, the cake is not; Redeem offers the coffee alone.
    done = await say(cashier, f"/stamp {number} 5")
    assert "5/10" in done.content and "Reward ready: Free coffee" in done.content
    await cashier.press(done, t.pgettext("button", "Redeem"))
    question = await cashier.next_message()
    assert question.content == t.gettext(
        "Redeem {reward} on card {number} ({progress})?",
        reward="Free coffee",
        number=number,
        progress="5/5",  # toward the coffee, not the ladder's top
    )
    await cashier.press(question, t.pgettext("button", "Confirm"))
    redeemed = await cashier.next_edit()
    assert redeemed.content.startswith("✅ Reward redeemed: Free coffee.")
    await bot.tg.wait_idle()
    assert await _redeem_rows(bot) == [("redeem_reward", coffee.reward_id, -5)]

    async def told() -> bool:  # the notice comes from the outbox, after the reply
        return any(
            "You redeemed Free coffee at Café Échelle" in m.content for m in customer.messages
        )

    await eventually(told)

    # Stamp to 10: both are offered; the cashier picks the cake, confirms once.
    full = await say(cashier, f"/stamp {number} 10")
    assert "10/10" in full.content
    scanned = await say(cashier, f"/lookup {number}")
    assert "✅ Free coffee — ready" in scanned.content
    assert "✅ Cake — ready" in scanned.content
    more = await say(cashier, f"/stamp {number}")
    assert more.content == refusal_text(t, errors.RewardReadyRedeemFirst(10, 10))
    choice = await say(cashier, f"/redeem {number}")
    labels = [b.text for row in choice.buttons for b in row]
    assert labels == ["Free coffee (5 stamps)", "Cake (10 stamps)"]
    await cashier.press(choice, "Cake (10 stamps)")
    question = await cashier.next_message()
    assert question.content.startswith("Redeem Cake on card")
    confirm = t.pgettext("button", "Confirm")
    await cashier.press(question, confirm)
    await cashier.press(question, confirm)  # a double tap: one reward
    await cashier.next_edit()
    await bot.tg.wait_idle()

    async def both_redeemed() -> bool:
        return await _redeem_rows(bot) == [
            ("redeem_reward", coffee.reward_id, -5),
            ("redeem_reward", cake.reward_id, -10),
        ]

    await eventually(both_redeemed)
    card = (await bot.service.customers.cards(202))[0]
    assert (card.stamp_count, card.rewards_redeemed) == (0, 2)

    # Nothing is affordable now; the customer's history names both rewards.
    refused = await say(cashier, f"/redeem {number}")
    assert refused.content == refusal_text(t, errors.NotEnoughStamps(0, 5))

    async def notices_out() -> bool:
        return await bot.infra.outbox.undelivered() == 0

    await eventually(notices_out)
    customer.skip_unread()
    history = await say(customer, "/history")
    assert "Reward redeemed: Cake" in history.content
    assert "Reward redeemed: Free coffee" in history.content
    assert await bot.service.maintenance.invariant_breaches() == []


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_owner_edits_the_ladder_with_buttons(bot: Running, language: str) -> None:
    t = translator(language)
    tg = bot.tg
    owner = tg.user(300, "Owner", language_code=language)
    await say(owner, "/setup Café Boutons")
    await say(owner, "/program set stamps_target 5")
    listing = await say(owner, "/rewards")
    assert t.gettext("<b>Your rewards</b>").removeprefix("<b>").removesuffix("</b>") in (
        listing.content
    )

    # Add: the prompt asks for cost and name; a wrong answer asks again.
    await owner.press(listing, t.pgettext("button", "Add a reward"))
    asked = await owner.next_message()
    assert tg.asks_for_reply(asked)
    await owner.reply(asked, "cake")
    again = await owner.next_message()
    assert again.content.startswith(
        t.gettext("Please send the cost first, then the name, for example: 15 Free cake")
    )
    await owner.reply(again, "60 Cake")  # out of range: asked again
    assert (await owner.next_message()).content.startswith(
        refusal_text(t, errors.InvalidRewardCost("stamps", 1, 50))
    )
    await owner.reply(again, "15 Cake")
    added = await owner.next_message()
    assert added.content.startswith(
        t.gettext("✅ Reward added: {reward} — {cost}.", reward="Cake", cost=_stamps(t, 15))
    )

    # Rename and change the cost of reward 2 (the cake).
    await owner.press(added, f"{t.pgettext('button', 'Rename')} 2")
    await owner.reply(await owner.next_message(), "Cheesecake")
    renamed = await owner.next_message()
    assert renamed.content.startswith(
        t.gettext("✅ Reward renamed: {reward}.", reward="Cheesecake")
    )
    await owner.press(renamed, f"{t.pgettext('button', 'Cost')} 2")
    asked = await owner.next_message()
    assert asked.content == t.ngettext(
        "Send the new cost of {reward} in stamps (now {n} stamp).",
        "Send the new cost of {reward} in stamps (now {n} stamps).",
        15,
        reward="Cheesecake",
    )
    await owner.reply(asked, "5")  # the coffee's cost: asked again
    assert (await owner.next_message()).content.startswith(
        refusal_text(t, errors.DuplicateRewardCost("stamps", 5, t.gettext("Free coffee")))
    )
    await owner.reply(asked, "12")
    changed = await owner.next_message()
    assert changed.content.startswith(
        t.gettext("✅ {reward} now costs {cost}.", reward="Cheesecake", cost=_stamps(t, 12))
    )
    assert [(r.name, r.cost) for r in (await bot.service.rewards.ladder(300)).rewards] == [
        (t.gettext("Free coffee"), 5),
        ("Cheesecake", 12),
    ]

    # Remove asks first; No changes nothing, Yes removes; the last reward stays.
    await owner.press(changed, f"{t.pgettext('button', 'Remove')} 2")
    question = await owner.next_message()
    await owner.press(question, t.pgettext("button", "No"))
    await owner.next_edit()
    assert len((await bot.service.rewards.ladder(300)).rewards) == 2
    await owner.press(changed, f"{t.pgettext('button', 'Remove')} 2")
    question = await owner.next_message()
    await owner.press(question, t.pgettext("button", "Yes"))
    removed = await owner.next_edit()
    assert removed.content.startswith(
        t.gettext(
            "✅ Reward removed: {reward}. Balances on the cards are unchanged.",
            reward="Cheesecake",
        )
    )
    await owner.press(removed, f"{t.pgettext('button', 'Remove')} 1")
    await owner.press(await owner.next_message(), t.pgettext("button", "Yes"))
    assert (await owner.next_edit()).content == refusal_text(t, errors.LastRewardKept("stamps"))
    assert len((await bot.service.rewards.ladder(300)).rewards) == 1


async def test_rewards_commands_and_their_refusals(bot: Running) -> None:
    t = translator("fr")
    owner = bot.tg.user(400, "Owner", language_code="fr")
    await say(owner, "/setup Café Commandes")
    await say(owner, "/rewards add 3 Cadeau 3")
    assert (await say(owner, "/rewards add 3 Encore")).content == refusal_text(
        t, errors.DuplicateRewardCost("stamps", 3, "Cadeau 3")
    )
    for cost in (1, 2, 4, 5, 6, 7, 8, 9):
        await say(owner, f"/rewards add {cost} Cadeau {cost}")
    full = await say(owner, "/rewards add 20 Le onzième")
    assert full.content == refusal_text(t, errors.LadderFull("stamps", 10))
    unreadable = await say(owner, "/rewards add trois Gâteau")
    assert unreadable.content == usage(t, "rewards").replace("<code>", "").replace("</code>", "")
    question = await say(owner, "/rewards remove 4")
    assert "Cadeau 4" in question.content
    await owner.press(question, t.pgettext("button", "Yes"))
    await owner.next_edit()
    assert [r.cost for r in (await bot.service.rewards.ladder(400)).rewards] == [
        1,
        2,
        3,
        5,
        6,
        7,
        8,
        9,
        10,
    ]
    assert (await say(owner, "/rewards remove 12")).content == refusal_text(
        t, errors.RewardNotFound(12)
    )
    cashier = bot.tg.user(401, "Cashier", language_code="fr")
    assert (await say(cashier, "/rewards")).content == refusal_text(t, errors.NotOwner())


def _stamps(t: Translator, n: int) -> str:
    return t.ngettext("{n} stamp", "{n} stamps", n)
