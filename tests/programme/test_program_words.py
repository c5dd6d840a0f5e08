"""/program says what owners need to read (issue 22, item 8): a mistyped key gets the near
one, bonuses carry their unit, the language setting says whose language it is."""

from __future__ import annotations

from tests.support.chat import say
from tests.support.running_bot import Running


async def test_a_near_key_is_suggested_and_bonuses_and_language_say_what_they_are(
    bot: Running,
) -> None:
    owner = bot.tg.user(2220, "Owner", language_code="en")
    await say(owner, "/setup Café")
    typo = await say(owner, "/program set cooldwn 5")
    assert (
        typo.content
        == "There is no setting “cooldwn”. Did you mean “cooldown”? /program lists them all."
    )
    unknown = await say(owner, "/program set colour blue")
    assert unknown.content.startswith("There is no setting “colour”. Settings: type, ")

    assert (await say(owner, "/program set welcome_bonus 1")).content == (
        "Saved: welcome_bonus = 1 stamp"
    )
    buttons = [b.text for row in (await say(owner, "/program")).buttons for b in row]
    assert "Welcome bonus: 1 stamp" in buttons
    assert "Birthday bonus: off" in buttons
    assert "Customers’ and posters’ language: English" in buttons
    await say(owner, "/program set type points")
    assert (await say(owner, "/program set referral_bonus 50")).content == (
        "Saved: referral_bonus = 50 points"
    )
