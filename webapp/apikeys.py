"""The owner's API keys in the Mini App: the same use cases and words as /apikeys in the chat.

A key is made with a name, the whole café or one store, and its scopes; its secret is in the
answer to that one call and nowhere else (the list never holds it), so the page shows it once,
with a copy button. Keys are listed with their last use and revoked after a confirmation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from bot.texts import apikeys as texts
from domain.apikeys import Scope
from domain.program import DEFAULT_TIMEZONE
from webapp import bodies
from webapp.requests import json_answer, tg_html

if TYPE_CHECKING:
    from webapp.screen import Endpoint, Person, ScreenHost


class ApiKeysScreen:
    def __init__(self, app: ScreenHost) -> None:
        self._app = app

    def endpoints(self) -> dict[str, Endpoint]:
        return {
            "apikeys": (self.apikeys, bodies.Empty),
            "apikey_create": (self.create, bodies.ApiKeyCreateBody),
            "apikey_revoke": (self.revoke, bodies.ApiKeyRevokeBody),
        }

    async def _html(self, person: Person) -> str:
        t = person.t
        service = self._app.service
        keys = await service.api_keys.keys(person.user_id)
        stores = await service.merchants.stores(person.user_id)
        membership = person.identity.membership
        timezone = membership.timezone if membership else DEFAULT_TIMEZONE
        return self._app.render(
            "apikeys.html",
            person,
            K=texts.screen_labels(t),
            keys=[
                (
                    key.name,
                    tg_html(texts.key_line(t, key, timezone)),
                    texts.revoke_question(t, key.name),
                )
                for key in keys
            ],
            stores=stores if len(stores) > 1 else [],
            scopes=texts.scope_choices(t),
        )

    async def apikeys(self, person: Person, _: bodies.Empty) -> Response:
        return json_answer({"ok": True, "html": await self._html(person)})

    async def create(self, person: Person, body: bodies.ApiKeyCreateBody) -> Response:
        """A new key: its secret goes to this answer only, beside the chat's words for it."""
        new = await self._app.service.api_keys.create_key(
            person.user_id, body.name, frozenset(Scope(s) for s in body.scopes), body.store
        )
        return json_answer(
            {
                "ok": True,
                "created": tg_html(texts.key_created(person.t, new)),
                "secret": new.secret,
                "html": await self._html(person),
            }
        )

    async def revoke(self, person: Person, body: bodies.ApiKeyRevokeBody) -> Response:
        await self._app.service.api_keys.revoke_key(person.user_id, body.name)
        message = tg_html(texts.key_revoked(person.t, body.name))
        return json_answer({"ok": True, "message": message, "html": await self._html(person)})
