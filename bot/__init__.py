"""The Telegram layer: features (handlers), texts, keyboards, the outbox's dispatcher and the
bots the platform serves. The composition root that wires them is app/."""

import os

# python-telegram-bot 22 warns unless retry_after and similar durations are timedeltas; opt in
# before telegram is first imported, as the library asks.
os.environ.setdefault("PTB_TIMEDELTA", "1")
