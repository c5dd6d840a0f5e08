"""Reward names per language end to end, against the emulator: the owner names the coffee in
French and Luxembourgish (with the buttons and with the command), a French customer reads
"Café offert" in their notice and on their card, a German one (no German name) the name given."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGE_NAMES, LANGUAGES, translator
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import REWARD_NAME_MAX_LENGTH
from emulator.models import SentMessage
from emulator.user import EmulatedUser
from tests.support.chat import card_number_in, join_staff, link_in, offers_question, say
from tests.support.running_bot import Running

OWNER, CASHIER, FRENCH, GERMAN = 400, 401, 402, 403


async def _names_screen(owner: EmulatedUser, listing: SentMessage, number: int) -> SentMessage:
    await owner.press(listing, f"🌐 {number}")
    return await owner.next_message()


async def _stamped_notice(customer: EmulatedUser) -> SentMessage:
    notice = await customer.next_message(timeout=10)
    await offers_question(customer)
    return notice


async def test_each_customer_reads_the_reward_in_their_language(bot: Running) -> None:
    tg, t = bot.tg, translator("en")
    owner = tg.user(OWNER, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café Polyglott"), "join_")
    for setting in ("cooldown 0", "daily_limit 0", "stamps_target 3"):
        await say(owner, f"/program set {setting}")

    # The owner names reward 1 in French with the buttons; a name too long is asked again.
    listing = await say(owner, "/rewards")
    names = await _names_screen(owner, listing, 1)
    assert (
        t.gettext("🌐 <b>{reward}</b> in other languages", reward="Free coffee")
        .replace("<b>", "")
        .replace("</b>", "")
        in names.content
    )
    await owner.press(names, LANGUAGE_NAMES["fr"])
    asked = await owner.next_message()
    assert tg.asks_for_reply(asked)
    assert asked.content == t.gettext(
        "Send the name of {reward} in {language}.", reward="Free coffee", language="Français"
    )
    await owner.reply(asked, "C" * (REWARD_NAME_MAX_LENGTH + 1))
    again = await owner.next_message()
    assert again.content.startswith(
        refusal_text(t, errors.InvalidRewardName(max_length=REWARD_NAME_MAX_LENGTH))
    )
    assert tg.asks_for_reply(again)
    await owner.reply(asked, "Café   offert")
    named = await owner.next_message()
    assert named.content.startswith(
        t.gettext(
            "✅ Customers reading {language} now see {name}.",
            language="Français",
            name="Café offert",
        )
    )
    assert "Français: Café offert" in named.content

    # The command form names it in Luxembourgish and German; ✖ takes the German name away.
    await say(owner, "/rewards name 1 lb Gratis Kaffi")
    with_german = await say(owner, "/rewards name 1 Deutsch Gratis Kaffee")
    assert "Deutsch: Gratis Kaffee" in with_german.content
    await owner.press(with_german, callback_data=_clear_button(with_german, "de"))
    cleared = await owner.next_edit()
    assert cleared.content.startswith(
        t.gettext(
            "✅ No name in {language} any more: customers reading it see {reward}.",
            language="Deutsch",
            reward="Free coffee",
        )
    )
    coffee = (await bot.service.rewards.ladder(OWNER)).rewards[0]
    assert coffee.translations == (("fr", "Café offert"), ("lb", "Gratis Kaffi"))
    listed = await say(owner, "/rewards")
    assert "1. Free coffee — 3 stamps (fr, lb)" in listed.content

    cashier = tg.user(CASHIER, "Cashier", language_code="en")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    french = tg.user(FRENCH, "Amélie", language_code="fr")
    german = tg.user(GERMAN, "Bernd", language_code="de")
    numbers = {}
    for customer in (french, german):
        await customer.open_link(join)
        await customer.next_message()
        numbers[customer.id] = card_number_in(await customer.next_message())

    # Three stamps: each is told the reward is ready, in their language.
    fr, de = translator("fr"), translator("de")
    done = await say(cashier, f"/stamp {numbers[FRENCH]} 3")
    assert t.gettext("🎁 Reward ready: {reward}", reward="Free coffee") in done.content
    notice = await _stamped_notice(french)
    assert fr.gettext("🎁 Your reward is ready: {reward}!", reward="Café offert") in (
        notice.content
    )
    await say(cashier, f"/stamp {numbers[GERMAN]} 3")
    notice = await _stamped_notice(german)
    assert de.gettext("🎁 Your reward is ready: {reward}!", reward="Free coffee") in (
        notice.content
    )
    card = await say(french, "/card")
    assert fr.gettext("✅ {reward} — ready", reward="Café offert") in card.content
    assert "Free coffee" not in card.content
    card = await say(german, "/card")
    assert de.gettext("✅ {reward} — ready", reward="Free coffee") in card.content

    # The cashier (English) asks about the name given; the French customer is told theirs.
    question = await say(cashier, f"/redeem {numbers[FRENCH]}")
    assert question.content == t.gettext(
        "Redeem {reward} on card {number} ({progress})?",
        reward="Free coffee",
        number=numbers[FRENCH],
        progress="3/3",
    )
    await cashier.press(question, t.pgettext("button", "Confirm"))
    await cashier.next_edit()
    redeemed = await french.next_message(timeout=10)
    assert redeemed.content.startswith(
        fr.gettext(
            "You redeemed {reward} at {store}. Enjoy! Stamps now: {progress}",
            reward="Café offert",
            store="Café Polyglott",
            progress="0/3",
        )
    )


def _clear_button(message: SentMessage, language: str) -> str:
    """The ✖ beside a language's name on a reward's names screen."""
    found = [
        b.callback_data
        for row in message.buttons
        for b in row
        if b.callback_data
        and b.callback_data.startswith("rd:")
        and b.callback_data.endswith(f":{language}")
    ]
    assert len(found) == 1, message.buttons
    return found[0]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_names_screen_speaks_the_owners_language(bot: Running, language: str) -> None:
    t = translator(language)
    owner = bot.tg.user(OWNER, "Owner", language_code=language)
    await say(owner, "/setup Café Langues")
    listing = await say(owner, "/rewards")
    names = await _names_screen(owner, listing, 1)
    given = t.gettext("Free coffee")
    for other in LANGUAGES:
        shown = t.gettext(
            "{language}: — (shows {reward})", language=LANGUAGE_NAMES[other], reward=given
        )
        assert shown in names.content
    await owner.press(names, LANGUAGE_NAMES["lb"])
    asked = await owner.next_message()
    await owner.reply(asked, "\u200b")  # no printable name: asked again, in the owner's words
    again = await owner.next_message()
    assert again.content.startswith(
        refusal_text(t, errors.InvalidRewardName(max_length=REWARD_NAME_MAX_LENGTH))
    )
    await owner.reply(asked, "-")  # a dash takes the (absent) name away: nothing to show
    done = await owner.next_message()
    assert done.content.startswith(
        t.gettext(
            "✅ No name in {language} any more: customers reading it see {reward}.",
            language=LANGUAGE_NAMES["lb"],
            reward=given,
        )
    )
    bad = await say(owner, "/rewards name 1 klingon Qapla")
    assert bad.content == refusal_text(
        t, errors.InvalidSettingValue(key="language", value="klingon", choices=LANGUAGES)
    )
    assert (await bot.service.rewards.ladder(OWNER)).rewards[0].translations == ()
