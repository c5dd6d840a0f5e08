"""An owner's API keys in the chat (/apikeys), told end to end: a key made in the chat works
over HTTP at once, is listed with its last use, and stops working the moment it is revoked."""

from __future__ import annotations

import re

from bot.i18n import translator
from bot.texts import apikeys as texts
from bot.texts.refusals import refusal_text
from domain import errors
from tests.support.api import ApiClient
from tests.support.chat import link_in, say

SECRET = re.compile(r"lk_[A-Za-z0-9_-]{43}")


def _plain(html: str) -> str:
    """A message as the chat shows it: the markup's tags are not part of the text."""
    return re.sub(r"<[^>]+>", "", html)


async def test_an_owner_makes_uses_lists_and_revokes_a_key(api: ApiClient) -> None:
    tg = api.running.tg
    owner = tg.user(801, "Anne", language_code="fr")
    t = translator("fr")
    join = link_in(await say(owner, "/setup Café Lux"), "join_")
    customer = tg.user(802, "Clara", language_code="fr")
    await customer.open_link(join)
    await customer.next_message()
    card_message = await customer.next_message()
    number = re.search(r"\d{4}-\d{4}-\d{4}", card_message.content)
    assert number is not None

    none = await say(owner, "/apikeys")
    assert none.content == _plain(texts.keys_list(t, [], "Europe/Luxembourg"))

    made = await say(owner, "/apikeys new caisse read")
    found = SECRET.search(made.content)
    assert found is not None, made.content
    secret = found.group(0)
    assert "caisse" in made.content and "read" in made.content

    # The key works at once; it may read, not earn.
    read = await api.get(f"/cards/{number.group(0)}", secret)
    assert read.status_code == 200, read.text
    assert (
        await api.post(f"/cards/{number.group(0)}/earn", secret, {"stamps": 1})
    ).status_code == 403

    listed = await say(owner, "/apikeys")
    assert "caisse" in listed.content and secret not in listed.content
    assert t.gettext("never used") not in listed.content  # it was just used

    same_name = await say(owner, "/apikeys new caisse")
    assert same_name.content == _plain(refusal_text(t, errors.DuplicateApiKeyName(name="caisse")))

    revoked = await say(owner, "/apikeys revoke caisse")
    assert revoked.content == _plain(texts.key_revoked(t, "caisse"))
    assert (await api.get(f"/cards/{number.group(0)}", secret)).status_code == 401
    gone = await say(owner, "/apikeys revoke caisse")
    assert gone.content == _plain(refusal_text(t, errors.ApiKeyNotFound(name="caisse")))

    # A cashier or a customer has no keys to see.
    refused = await say(customer, "/apikeys new mine")
    assert SECRET.search(refused.content) is None
