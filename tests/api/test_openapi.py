"""The OpenAPI document and the running routes agree: every route is documented, and every
documented operation answers, with a status code the document lists."""

from __future__ import annotations

import json

from starlette.routing import Mount, Route

from api import PREFIX, mount_for
from tests.support.api import ApiClient, open_cafe


def _served(client: ApiClient) -> set[tuple[str, str]]:
    mount = mount_for(client.running.application)
    assert isinstance(mount, Mount) and mount.path == PREFIX
    served = set()
    for route in mount.routes:
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method != "HEAD":
                served.add((method, route.path.replace(":path}", "}")))
    return served


# A body each POST answers 200 to, in the order they run (sorted): three stamps on a receipt,
# the reward they make ready, then the receipt's refund (nothing left to take back: said so).
EXAMPLES = {
    "/cards/{ref}/earn": {"stamps": 3, "receipt": "R-1"},
    "/cards/{ref}/redeem": {"reward": 0, "unit": "stamps"},
    "/refunds": {"receipt": "R-1"},
}


async def test_every_route_is_documented_and_every_documented_route_answers(
    api: ApiClient,
) -> None:
    cafe = await open_cafe(api, type="hybrid", cooldown="0", stamps_target="3")
    answer = await api.get("/openapi.json", None)
    assert answer.status_code == 200
    document = answer.json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": PREFIX}]
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    assert documented == _served(api)

    # Each documented operation, called as its document says, answers as it says.
    schemas = document["components"]["schemas"]
    for method, path in sorted(documented):
        operation = document["paths"][path][method.lower()]
        url = path.replace("{ref}", cafe.card.number)
        if method == "GET":
            secret = None if operation.get("security") == [] else cafe.secret
            response = await api.get(url, secret)
        else:
            body_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert body_ref.split("/")[-1] in schemas
            response = await api.post(url, cafe.secret, EXAMPLES[path])
        assert str(response.status_code) in operation["responses"], (method, path)
        assert response.status_code == 200, (method, path, response.text)

    # Refusals documented per operation use the one error shape.
    error = schemas["ErrorAnswer"]
    assert error["required"] == ["error"]
    assert "ErrorDetail" in json.dumps(error)
    earn = document["paths"]["/cards/{ref}/earn"]["post"]
    assert {"400", "401", "403", "404", "409", "422"} <= set(earn["responses"])
    assert [p["name"] for p in earn["parameters"]] == ["ref", "Accept-Language", "Idempotency-Key"]
    body = schemas["EarnBody"]
    assert set(body["properties"]) == {"stamps", "amount", "receipt"}
    assert body["additionalProperties"] is False
    refund = document["paths"]["/refunds"]["post"]
    assert {"404", "409"} <= set(refund["responses"])
    assert "`earn` scope" in refund["description"]
    listing = document["paths"]["/operations"]["get"]
    assert [(p["name"], p["in"]) for p in listing["parameters"]] == [
        ("after", "query"),
        ("limit", "query"),
    ]
    assert listing["parameters"][1]["schema"]["maximum"] == 500
    assert "`read` scope" in listing["description"]
