"""`python -m benchmarks.bot_unthrottled`: `python -m bot` without the outgoing-message limit.

A diagnostic only: it shows what the bot's own code could do if the 30 messages/s overall
budget of `bot.ratelimit` (Telegram's limit for a bot) were not there. It is the real
application with TELEGRAM_MESSAGES_PER_SECOND=0, started the same way.
"""

from __future__ import annotations

import os
import sys

from app.cli import main

if __name__ == "__main__":
    os.environ["TELEGRAM_MESSAGES_PER_SECOND"] = "0"
    raise SystemExit(main(sys.argv[1:]))
