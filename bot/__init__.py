"""The Telegram layer: handlers, texts, keyboards and the application that wires them."""

import os

# python-telegram-bot 22 warns unless retry_after and similar durations are timedeltas; opt in
# before telegram is first imported, as the library asks.
os.environ.setdefault("PTB_TIMEDELTA", "1")
