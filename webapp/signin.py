"""Who sends an API call of the Mini App: the initData in its Authorization header, checked with
the token of the bot the page was opened from (webapp/initdata.py checks the signature).

The page names that bot (X-Loyalty-Bot) when a café's own bot opened it: the initData is then
signed with that bot's token, and the page serves that café only. Without the header it is the
platform bot's page, for every café."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from starlette.requests import Request

from bot.serving import Bots
from domain.clock import Clock
from webapp.initdata import InitDataRefused, WebAppUser, verify

BOT_HEADER = "X-Loyalty-Bot"


@dataclass(frozen=True)
class SignedIn:
    user: WebAppUser
    merchant_id: int | None  # the café whose bot opened the page; None: the platform bot's


async def sign_in(
    request: Request, *, platform_token: str, bots: Bots, clock: Clock, max_age: timedelta
) -> SignedIn:
    """The sender of the request, or InitDataRefused."""
    scheme, _, init_data = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "tma":
        raise InitDataRefused("no initData")
    token, merchant_id = await _opening_bot(request, platform_token, bots)
    user = verify(init_data.strip(), token, now=clock.now(), max_age=max_age)
    return SignedIn(user, merchant_id)


async def _opening_bot(request: Request, platform_token: str, bots: Bots) -> tuple[str, int | None]:
    """The token initData must be signed with, and the café served: the café bot the page
    names, else the platform bot's (every café)."""
    named = request.headers.get(BOT_HEADER, "")
    if not named:
        return platform_token, None
    if not named.isdigit() or len(named) > 20:
        raise InitDataRefused("no such bot")
    bot = bots.served(int(named)) or await bots.refresh(int(named))
    if bot is None or bot.merchant_id is None:
        raise InitDataRefused("a bot this platform does not serve")
    return bot.token, bot.merchant_id
