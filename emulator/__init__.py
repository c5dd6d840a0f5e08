"""A local Telegram Bot API server for tests, benchmarks and the playground.

Start it in-process with :class:`BotApiEmulator` (``async with``), point python-telegram-bot
at :attr:`BotApiEmulator.base_url`, and drive users with :meth:`BotApiEmulator.user`. Run it
in another process with ``python -m emulator`` and drive it with
:class:`emulator.client.EmulatorClient`.
"""

from emulator.driver import BotApiEmulator
from emulator.errors import ApiError
from emulator.models import Button, CallbackAnswer, ChatEvent, SentMessage, UpdateTiming
from emulator.user import EmulatedUser

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "Button",
    "CallbackAnswer",
    "ChatEvent",
    "EmulatedUser",
    "SentMessage",
    "UpdateTiming",
]
