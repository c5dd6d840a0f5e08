"""`python -m benchmarks.bot_unthrottled`: `python -m bot` without PTB's AIORateLimiter.

A diagnostic only: it shows what the bot's own code could do if the 30 messages/s overall
limit of the rate limiter were not there (Telegram itself enforces limits of that order, so
production keeps it). Everything else is the real application, started the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import BaseRateLimiter

import bot.application
from bot.__main__ import main


class NoRateLimiter(BaseRateLimiter[int]):
    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        return await callback(*args, **kwargs)


if hasattr(bot.application, "AIORateLimiter"):
    bot.application.AIORateLimiter = lambda **_: NoRateLimiter()  # type: ignore[attr-defined,misc]
else:  # the composition root changed: say so rather than measure the wrong thing
    print("benchmarks.bot_unthrottled: bot.application has no AIORateLimiter", file=sys.stderr)

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
