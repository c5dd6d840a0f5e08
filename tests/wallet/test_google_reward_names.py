"""A Google pass names the rewards in its reader's language, as the Apple pass and the card do:
each rung as the owner named it in the device's language, else the name given, with the café's
own language as the default for any other device."""

from __future__ import annotations

from bot.wallet import scan_link
from bot.wallet.config import GoogleWalletConfig
from bot.wallet.google import loyalty_object
from domain.model import RewardUnit
from domain.service import LoyaltyService
from tests.support.wallet import BOT_USERNAME, new_holder
from tests.wallet.fake_google import loyalty_object_problems


async def test_the_pass_names_each_rung_in_the_devices_language(
    service: LoyaltyService, google: GoogleWalletConfig
) -> None:
    holder = await new_holder(service, type="stamps", stamps_target="8", language="fr")
    owner, rewards = holder.shop.owner.user_id, service.rewards
    cake = (await rewards.add(owner, 12, "Cake", RewardUnit.STAMPS)).reward
    coffee = next(r for r in (await rewards.ladder(owner)).rewards if r.reward_id != cake.reward_id)
    await rewards.name_in_language(owner, coffee.reward_id, "fr", "Café offert")
    await rewards.name_in_language(owner, coffee.reward_id, "lb", "Gratis Kaffi")
    await rewards.name_in_language(owner, cake.reward_id, "de", "Kuchen")

    wallet_card = await service.wallet.issue(holder.card.card_id)
    loyalty = loyalty_object(google, wallet_card, scan_link(BOT_USERNAME, holder.card.qr_token))
    assert loyalty_object_problems(loyalty) == []
    [stamps] = loyalty["textModulesData"]
    assert stamps["body"] == f"8 · {coffee.name}\n12 · Cake"  # the names given
    names = stamps["localizedBody"]
    assert names["defaultValue"] == {"language": "fr", "value": "8 · Café offert\n12 · Cake"}
    assert {each["language"]: each["value"] for each in names["translatedValues"]} == {
        "en": f"8 · {coffee.name}\n12 · Cake",
        "de": f"8 · {coffee.name}\n12 · Kuchen",
        "lb": "8 · Gratis Kaffi\n12 · Cake",
    }
