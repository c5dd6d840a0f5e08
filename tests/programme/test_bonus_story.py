"""Bonuses against the emulator: a friend's first stamp pays both and tells both, a stamp in
a happy hour shows ×2 to the cashier and the customer, and /birthday in two languages."""

from __future__ import annotations

from bot.i18n import translator
from bot.texts.refusals import refusal_text
from domain import errors
from emulator.user import EmulatedUser
from tests.support.chat import card_number_in, join_staff, link_in, offers_question, say
from tests.support.running_bot import Running


async def _shop(bot: Running, *settings: str) -> tuple[EmulatedUser, str]:
    """An owner with a programme set up, a cashier, and the store's join link."""
    owner = bot.tg.user(200, "Owner")
    join = link_in(await say(owner, "/setup Café Bonus"), "join_")
    for setting in settings:
        await say(owner, f"/program set {setting}")
    cashier = bot.tg.user(201, "Cashier")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    return cashier, join


async def _joined(user: EmulatedUser, link: str) -> tuple[str, str]:
    """Open a join (or invitation) link: the welcome text and the card's number."""
    await user.open_link(link)
    welcome = await user.next_message()
    card = await user.next_message()
    return welcome.content, card_number_in(card)


async def test_a_referred_friends_first_stamp_pays_both_and_tells_both(bot: Running) -> None:
    t = translator("en")
    cashier, join = await _shop(bot, "referral_bonus 2", "welcome_bonus 1", "cooldown 0")
    ana = bot.tg.user(202, "Ana")
    await _joined(ana, join)
    invitation = await say(ana, "/invitefriend")
    assert t.gettext("At their first visit, you both get {amount}.", amount="2 stamps") in (
        invitation.content
    )
    ref = link_in(invitation, "ref_")

    ben = bot.tg.user(203, "Ben")
    welcome, number = await _joined(ben, ref)
    assert t.gettext("You came through a friend's invitation: thank you, and welcome!") in welcome

    done = await say(cashier, f"/stamp {number}")
    welcome_line = t.gettext("🎁 {bonus}: +{amount}", bonus="Welcome bonus", amount="1 stamp")
    referral_line = t.gettext("🎁 {bonus}: +{amount}", bonus="Referral bonus", amount="2 stamps")
    assert welcome_line in done.content and referral_line in done.content
    assert "4/10" in done.content
    # One visit, one message: the stamp and both bonuses, the card as it is after them (no
    # "1/10" followed by "now 4/10"); the offers question may follow on its own.
    visit_notice = await ben.next_message(timeout=10)
    stamped = t.ngettext(
        "You got a stamp at {store} — {progress}",
        "You got {n} stamps at {store} — {progress}",
        1,
        store="Café Bonus",
        progress="4/10",
    )
    assert visit_notice.content == f"{stamped}\n{welcome_line}\n{referral_line}"
    assert [b.text for row in visit_notice.buttons for b in row] == ["Not me"]
    await offers_question(ben)  # asked once, after the first visit's notice
    told = await ana.next_message(timeout=10)
    assert told.content == t.gettext(
        "🤝 A friend you invited came to {merchant} for the first time: +{amount} for you — now {now}",  # noqa: E501
        merchant="Café Bonus",
        amount="2 stamps",
        now="2/10",
    )
    # A second stamp pays nothing more, and Ben opening the link again changes nothing.
    await say(cashier, f"/stamp {number}")
    assert "5/10" in (await ben.next_message(timeout=10)).content
    await ben.open_link(ref)
    assert (await ben.next_message()).content == t.gettext(
        "You already have a card at {merchant}. Here it is.", merchant="Café Bonus"
    )
    await bot.tg.wait_idle()
    cards = {
        c.customer_id: c
        for c in [*await bot.service.customers.cards(202), *await bot.service.customers.cards(203)]
    }
    assert (cards[202].stamp_count, cards[203].stamp_count) == (2, 5)


async def test_a_happy_hour_stamp_shows_times_two_to_cashier_and_customer(bot: Running) -> None:
    t = translator("en")
    # The clock stands on a Tuesday at 10:00 in Luxembourg.
    cashier, join = await _shop(bot, "happy_hour tue 09:00-11:00 x2")
    ines = bot.tg.user(204, "Ines")
    _, number = await _joined(ines, join)
    done = await say(cashier, f"/stamp {number}")
    assert t.gettext("🎉 Happy hour ×{multiplier}", multiplier=2) in done.content
    assert "2/10" in done.content
    notice = await ines.next_message(timeout=10)
    assert notice.content.startswith(
        t.ngettext(
            "You got a stamp at {store} — {progress}",
            "You got {n} stamps at {store} — {progress}",
            2,
            store="Café Bonus",
            progress="2/10",
        )
    )
    assert t.gettext("🎉 Happy hour ×{multiplier}", multiplier=2) in notice.content


async def test_birthday_in_french_by_prompt_and_in_german_at_once(bot: Running) -> None:
    fr, de = translator("fr"), translator("de")
    claire = bot.tg.user(205, "Claire", language_code="fr")
    asked = await say(claire, "/birthday")
    assert asked.content == fr.gettext(
        "🎂 When is your birthday? Send the day and the month, for example {example}. Businesses that give birthday bonuses send yours on the day.",  # noqa: E501
        example="24/12, 24 déc.",
    )
    await claire.reply(asked, "demain")  # the answer replies to the prompt
    again = await claire.next_message()
    assert again.content.startswith(refusal_text(fr, errors.InvalidBirthday()))
    await claire.reply(again, "24 déc.")
    saved = await claire.next_message()
    assert saved.content == fr.gettext(
        "🎂 Saved: {date}. Birthday bonuses come on the day, from 30 days after setting the date.",
        date="24 décembre",
    )
    shown = await say(claire, "/birthday")
    assert "24 décembre" in shown.content

    jonas = bot.tg.user(206, "Jonas", language_code="de")
    saved_de = await say(jonas, "/birthday 29. Februar")
    assert saved_de.content == de.gettext(
        "🎂 Saved: {date}. Birthday bonuses come on the day, from 30 days after setting the date.",
        date="29. Februar",
    )
    refused = await say(jonas, "/birthday 31.04")
    assert refused.content == refusal_text(de, errors.InvalidBirthday())
    birthday = (await bot.service.bonuses.birthday(206)).birthday
    assert birthday is not None and (birthday.day, birthday.month) == (29, 2)
