"""`python -m benchmarks.echo_bot`: the smallest python-telegram-bot bot, for the ceiling.

It answers every text with the same text: no database, no translations, no rate limiter
(unless ECHO_RATE_LIMITER=1, which adds the bot's own rate limiter, bot.ratelimit, with the
bot's settings).
It handles up to 32 updates at once, as the loyalty bot does.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.ratelimit import CounterFirstRateLimiter

CONCURRENT_UPDATES = 32


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.chat.send_message(message.text)


def main() -> None:
    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .concurrent_updates(CONCURRENT_UPDATES)
    )
    if os.environ.get("ECHO_RATE_LIMITER") == "1":
        # PTB types a fresh builder's limiter by its default bot's (no) limiter arguments.
        limiter = CounterFirstRateLimiter(max_retries=3)
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
