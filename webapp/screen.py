"""What a screen of the Mini App is made of: the person asking, its endpoints, and the app it
renders with. The screens in their own modules (owner_extras, insights, settings, …) know the
app through `ScreenHost`, so they need not import webapp/server.py, which imports them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.responses import Response

from bot.context import LoyaltyApplication
from bot.i18n import Translator
from bot.links import LinkKind
from domain.model import Identity, UserProfile
from domain.service import LoyaltyService
from webapp import bodies
from webapp.initdata import WebAppUser


@dataclass(frozen=True)
class Person:
    """Who sent a request, as the initData and the database say."""

    user: WebAppUser
    identity: Identity
    t: Translator

    @property
    def user_id(self) -> int:
        return self.user.user_id

    @property
    def profile(self) -> UserProfile:
        return UserProfile(
            user_id=self.user.user_id,
            first_name=self.user.first_name,
            username=self.user.username,
            telegram_language=self.user.language_code,
        )


Handler = Callable[[Person, Any], Awaitable[Response]]  # its body: a model of webapp/bodies.py
Endpoint = tuple[Handler, type[bodies.Body]]


class ScreenHost(Protocol):
    """The Mini App as its screens use it (webapp/server.py's MiniApp)."""

    @property
    def service(self) -> LoyaltyService: ...

    @property
    def application(self) -> LoyaltyApplication: ...

    def render(self, name: str, person: Person, **values: Any) -> str: ...

    def link(self, kind: LinkKind, value: str, merchant_id: int) -> str: ...
