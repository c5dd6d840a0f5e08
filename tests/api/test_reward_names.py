"""A till asks for the rewards in its language (Accept-Language), over real HTTP on both
engines: each reward as the owner named it in that language, else the name given; the answer
says which language it used, and the OpenAPI document describes the header."""

from __future__ import annotations

from domain.model import RewardUnit
from tests.support.api import ApiClient, open_cafe

CAKE_FR = "Gâteau du jour"


async def test_a_till_reads_the_rewards_in_the_language_it_asks_for(api: ApiClient) -> None:
    cafe = await open_cafe(api, type="stamps", stamps_target="8", cooldown="0", daily_limit="0")
    owner, rewards = cafe.shop.owner.user_id, api.service.rewards
    cake = (await rewards.add(owner, 12, "Cake", RewardUnit.STAMPS)).reward
    coffee = next(r for r in (await rewards.ladder(owner)).rewards if r.name == "Free coffee")
    await rewards.name_in_language(owner, coffee.reward_id, "fr", "Café offert")
    await rewards.name_in_language(owner, coffee.reward_id, "lb", "Gratis Kaffi")
    await rewards.name_in_language(owner, cake.reward_id, "fr", CAKE_FR)

    async def names(accept: str | None) -> tuple[list[str], str | None]:
        headers = {"Authorization": f"Bearer {cafe.secret}"}
        if accept is not None:
            headers["Accept-Language"] = accept
        url = f"{api.base_url}/api/v1/cards/{cafe.card.number}"
        answer = await api.http.get(url, headers=headers)
        assert answer.status_code == 200, answer.text
        found = [r["name"] for r in answer.json()["card"]["rewards"]]
        return found, answer.headers.get("content-language")

    assert await names(None) == (["Free coffee", "Cake"], None)
    assert await names("fr-LU, de;q=0.8") == (["Café offert", CAKE_FR], "fr")
    # German was never given: the names given; Luxembourgish only for the coffee.
    assert await names("de") == (["Free coffee", "Cake"], "de")
    assert await names("de;q=0.5, lb") == (["Gratis Kaffi", "Cake"], "lb")
    assert await names("ja, *;q=0.5") == (["Free coffee", "Cake"], None)
    assert await names("fr;q=0, junk;;q=x") == (["Free coffee", "Cake"], None)

    # Earning and redeeming answer with the card in the same words.
    earned = await api.post(
        f"/cards/{cafe.card.number}/earn",
        cafe.secret,
        {"stamps": 8},
        headers={"Accept-Language": "lb"},
    )
    assert earned.status_code == 200, earned.text
    assert [r["name"] for r in earned.json()["card"]["rewards"]] == ["Gratis Kaffi", "Cake"]
    assert earned.headers["content-language"] == "lb"
    redeemed = await api.post(
        f"/cards/{cafe.card.number}/redeem",
        cafe.secret,
        {"reward": coffee.reward_id},
        headers={"Accept-Language": "fr"},
    )
    assert redeemed.status_code == 200, redeemed.text
    assert [r["name"] for r in redeemed.json()["card"]["rewards"]] == ["Café offert", CAKE_FR]


async def test_the_openapi_document_describes_the_header_where_rewards_are_named(
    api: ApiClient,
) -> None:
    document = (await api.http.get(f"{api.base_url}/api/v1/openapi.json")).json()
    asked = {
        (path, method)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == "Accept-Language" for p in operation.get("parameters", ()))
    }
    assert asked == {
        ("/cards/{ref}", "get"),
        ("/cards/{ref}/earn", "post"),
        ("/cards/{ref}/redeem", "post"),
    }
