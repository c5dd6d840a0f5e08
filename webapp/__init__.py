"""The Telegram Mini App: the customer's cards, the cashier's scanner and the owner's dashboard,
served under /app by the bot's own web server.

A package of its own beside bot/ because it is a second front end onto the same use cases: it
speaks HTTP and HTML where bot/ speaks Telegram updates, and reuses bot/'s texts and
catalogues so that both say the same things.
"""

from __future__ import annotations

from datetime import timedelta

from starlette.applications import Starlette
from starlette.routing import Mount

from bot.config import Settings
from bot.context import LoyaltyApplication
from webapp.server import MiniApp, WebAppConfig

__all__ = ["MiniApp", "WebAppConfig", "mount_for", "standalone_app"]


def config_of(settings: Settings) -> WebAppConfig:
    return WebAppConfig(
        token=settings.token,
        max_age=timedelta(seconds=settings.web_app_max_age),
        default_language=settings.default_language,
    )


def mount_for(application: LoyaltyApplication, config: WebAppConfig) -> Mount:
    """The /app routes, for the webhook's ASGI app."""
    return MiniApp(application, config).mount()


def standalone_app(application: LoyaltyApplication, config: WebAppConfig) -> Starlette:
    """The Mini App alone, for polling mode and the playground: the bot is already running."""
    return Starlette(routes=[mount_for(application, config)])
