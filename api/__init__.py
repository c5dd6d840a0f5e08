"""The JSON API for tills and tools (PRODUCT.md §12), under /api/v1 on the bot's web server.

A third front end beside bot/ and webapp/: it speaks JSON to machines, authenticates them by
API key, and calls the same use cases as the counter, so the same rules and refusals apply.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from api.endpoint import PREFIX, Endpoint
from api.server import ENDPOINTS, Api
from bot.context import LoyaltyApplication

__all__ = ["ENDPOINTS", "PREFIX", "Endpoint", "mount_for", "standalone_app"]


def mount_for(application: LoyaltyApplication) -> Mount:
    """The /api/v1 routes, for the web server's ASGI app."""
    return Mount(PREFIX, routes=Api(application).routes())


def standalone_app(application: LoyaltyApplication) -> Starlette:
    """The API alone, for polling mode, the playground and tests: the bot is already running."""
    return Starlette(routes=[mount_for(application)])
