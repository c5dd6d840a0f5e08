"""The owner's API keys screen over the Mini App's API (real HTTP, both engines): the same use
cases and words as /apikeys in the chat. A key is made for the café or one store with the
scopes ticked, its secret is in that answer only, it is listed with its last use and revoked;
what the chat refuses is refused in the same sentence and changes nothing."""

from __future__ import annotations

import re
from html import unescape

from bot.i18n import translator
from bot.texts import apikeys as texts
from bot.texts.refusals import refusal_text
from domain import errors
from domain.apikeys import NAME_MAX_LENGTH, NewApiKey, Scope
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import open_shop

ALLOWED = tuple(s.value for s in Scope)
SECRET = re.compile(r"lk_[A-Za-z0-9_-]{43}")


def _plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def test_an_owner_makes_lists_and_revokes_keys_in_the_mini_app(
    miniapp: MiniAppClient,
) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux")
    gare = await shop.add_store("Gare")
    owner = shop.owner
    await service.customers.set_language(owner, "de")
    t = translator("de")

    empty = await miniapp.call("apikeys", owner)
    assert empty.status_code == 200
    screen = empty.json()["html"]
    assert texts.screen_labels(t)["none"] in unescape(screen)
    assert f'value="{gare.code}"' in screen  # the stores to choose from

    made = await miniapp.call(
        "apikey_create", owner, {"name": "kasse", "scopes": ["read", "earn"], "store": gare.code}
    )
    assert made.status_code == 200, made.text
    answer = made.json()
    secret = answer["secret"]
    assert SECRET.fullmatch(secret)
    key = await service.api_keys.authenticate(secret)  # the secret shown is the key's
    assert key.scopes == {Scope.READ, Scope.EARN} and key.store_id == gare.store_id
    (listed,) = await service.api_keys.keys(owner.user_id)
    assert listed.store_name == "Gare"
    assert _plain(answer["created"]) == _plain(
        texts.key_created(t, NewApiKey(key=listed, secret=secret))
    )
    # The list never holds a secret: the screen drawn again shows the key, not its secret.
    again = (await miniapp.call("apikeys", owner)).json()["html"]
    assert secret not in again and secret not in answer["html"]
    assert _plain(texts.key_line(t, listed, "Europe/Luxembourg")) in _plain(again)

    # What the chat refuses, in the chat's words; nothing is made.
    refusals = [
        (
            {"name": "my key!", "scopes": ["read"]},
            errors.InvalidApiKeyName(max_length=NAME_MAX_LENGTH),
        ),
        (
            {"name": "x" * 33, "scopes": ["read"]},
            errors.InvalidApiKeyName(max_length=NAME_MAX_LENGTH),
        ),
        ({"name": "kasse", "scopes": ["read"]}, errors.DuplicateApiKeyName(name="kasse")),
        ({"name": "other", "scopes": []}, errors.InvalidApiKeyScopes(allowed=ALLOWED)),
        (
            {"name": "other", "scopes": ["read"], "store": "Nord"},
            errors.StoreNotFound(reference="Nord"),
        ),
    ]
    for body, refusal in refusals:
        refused = await miniapp.call("apikey_create", owner, body)
        assert refused.status_code == 409, (body, refused.text)
        assert _plain(refused.json()["message"]) == _plain(refusal_text(t, refusal)), body
    assert [k.name for k in await service.api_keys.keys(owner.user_id)] == ["kasse"]

    revoked = await miniapp.call("apikey_revoke", owner, {"name": "kasse"})
    assert revoked.status_code == 200
    assert _plain(revoked.json()["message"]) == _plain(texts.key_revoked(t, "kasse"))
    assert await service.api_keys.keys(owner.user_id) == []
    gone = await miniapp.call("apikey_revoke", owner, {"name": "kasse"})
    assert gone.status_code == 409
    assert _plain(gone.json()["message"]) == _plain(
        refusal_text(t, errors.ApiKeyNotFound(name="kasse"))
    )
