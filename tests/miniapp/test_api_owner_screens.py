"""The owner's reward ladder and offers composer through the API, with the chat's words for
what was done and refused."""

from __future__ import annotations

import asyncio

from bot.i18n import translator
from bot.texts import offers as offer_texts
from bot.texts import rewards as reward_texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import LADDER_MAX_RUNGS
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import new_profile, open_shop


def _html(message: str) -> str:
    return message.replace("\n", "<br>")


async def test_the_owner_edits_the_reward_ladder(miniapp: MiniAppClient) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux")
    owner = shop.owner
    t = translator("en")

    listed = (await miniapp.call("rewards", owner)).json()
    assert listed["ok"] is True and "Free coffee" in listed["html"]
    added = await miniapp.call("reward_add", owner, {"cost": "5", "name": "  Free   cake "})
    assert added.status_code == 200
    ladder = await service.rewards.ladder(owner.user_id)
    cake = next(r for r in ladder.rewards if r.name == "Free cake")
    assert cake.cost == 5
    assert added.json()["message"] == _html(reward_texts.added(t, cake))
    assert 'value="Free cake"' in added.json()["html"]

    # A cost already used is refused as the chat refuses it, and nothing is added.
    duplicate = await miniapp.call("reward_add", owner, {"cost": "5", "name": "Tea"})
    assert duplicate.status_code == 409
    expected = refusal_text(t, errors.DuplicateRewardCost(unit="stamps", cost=5, name="Free cake"))
    assert duplicate.json()["message"] == _html(expected)
    # Digits of other scripts ("٣", "³") are no cost here, as in the chat's /rewards add.
    for typed in ("five", "٣", "³", "1٣"):
        unreadable = await miniapp.call("reward_add", owner, {"cost": typed, "name": "Tea"})
        assert unreadable.json()["message"] == _html(reward_texts.unreadable_cost(t)), typed
    assert len((await service.rewards.ladder(owner.user_id)).rewards) == 2

    # Up to ten; the eleventh is refused.
    for cost in range(11, 11 + LADDER_MAX_RUNGS - 2):
        response = await miniapp.call("reward_add", owner, {"cost": cost, "name": f"Gift {cost}"})
        assert response.status_code == 200, response.text
    full = await miniapp.call("reward_add", owner, {"cost": "40", "name": "One more"})
    assert full.status_code == 409
    expected = refusal_text(t, errors.LadderFull(unit="stamps", maximum=LADDER_MAX_RUNGS))
    assert full.json()["message"] == _html(expected)
    assert len((await service.rewards.ladder(owner.user_id)).rewards) == LADDER_MAX_RUNGS

    renamed = await miniapp.call(
        "reward_rename", owner, {"reward": cake.reward_id, "name": "Cheesecake"}
    )
    assert renamed.status_code == 200
    repriced = await miniapp.call("reward_cost", owner, {"reward": cake.reward_id, "cost": "6"})
    assert repriced.status_code == 200
    now = await service.rewards.reward(owner.user_id, cake.reward_id)
    assert (now.name, now.cost) == ("Cheesecake", 6)
    assert repriced.json()["message"] == _html(reward_texts.cost_changed(t, now))

    removed = await miniapp.call("reward_remove", owner, {"reward": cake.reward_id})
    assert removed.status_code == 200
    assert removed.json()["message"] == _html(reward_texts.removed(t, now))
    ladder = await service.rewards.ladder(owner.user_id)
    assert cake.reward_id not in [r.reward_id for r in ladder.rewards]
    assert 'data-question="Remove the reward' in removed.json()["html"]

    # Another owner's reward is not this owner's to touch.
    other = await open_shop(service, "Bäckerei Nord")
    theirs = (await service.rewards.ladder(other.owner.user_id)).rewards[0]
    foreign = await miniapp.call("reward_remove", owner, {"reward": theirs.reward_id})
    assert foreign.status_code == 409
    assert len((await service.rewards.ladder(other.owner.user_id)).rewards) == 1


async def test_the_owner_composes_and_sends_an_offer(miniapp: MiniAppClient) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux")
    second = await shop.add_store("Lux Gare")
    owner = shop.owner
    t = translator("en")
    wanting = [new_profile("Clara"), new_profile("Carl")]
    for customer in wanting:
        await service.customers.enrol(customer, shop.first_store.code)
        await service.consent.set_offers(customer.user_id, None, True)
    not_wanting = new_profile("Nora")
    await service.customers.enrol(not_wanting, second.code)

    screen = (await miniapp.call("offers", owner)).json()
    assert screen["ok"] is True and 'maxlength="1000"' in screen["html"]
    assert "Lux Gare" in screen["html"] and "recent-offers" not in screen["html"]

    too_long = await miniapp.call("offer_preview", owner, {"text": "x" * 1001, "audience": "all"})
    assert too_long.status_code == 409
    assert await service.offers.recent(owner.user_id) == []
    lapsed = await miniapp.call(
        "offer_preview", owner, {"text": "Hi", "audience": "lapsed", "arg": "0"}
    )
    assert lapsed.status_code == 409
    at_gare = await miniapp.call(
        "offer_preview", owner, {"text": "Hi", "audience": "store", "arg": second.store_id}
    )
    assert at_gare.json()["size"] == 0  # Nora did not opt in

    preview = await miniapp.call(
        "offer_preview", owner, {"text": "Two coffees for one today!", "audience": "all"}
    )
    answer = preview.json()
    assert answer["ok"] is True and answer["size"] == 2
    answer_text = "Two coffees for one today!"
    assert answer["html"] == _html(offer_texts.offer_message("Café Lux", answer_text))
    assert answer["confirm"].endswith("Send it?") and "2 customers" in answer["confirm"]

    sent = await miniapp.call("offer_send", owner, {"offer": answer["offer"]})
    assert sent.status_code == 200
    assert "2 customers" in sent.json()["message"]
    recent = await service.offers.recent(owner.user_id)
    assert [figures.text for figures in recent] == [answer_text]

    # Today's allowance (one a day) is used: the next one is refused before and at Send.
    again = await miniapp.call("offer_preview", owner, {"text": "More!", "audience": "all"})
    assert again.status_code == 409
    assert again.json()["message"] == _html(refusal_text(t, errors.OfferLimitReached(limit=1)))
    twice = await miniapp.call("offer_send", owner, {"offer": at_gare.json()["offer"]})
    assert twice.status_code == 409
    assert len(await service.offers.recent(owner.user_id)) == 1

    # The recipients are listed in the background; the screen shows the offer's figures.
    for _ in range(100):
        figures = (await service.offers.recent(owner.user_id))[0]
        if figures.listed == 2:
            break
        await asyncio.sleep(0.1)
    assert figures.listed == 2
    screen = (await miniapp.call("offers", owner)).json()
    assert "recent-offers" in screen["html"] and "Two coffees for one" in screen["html"]
