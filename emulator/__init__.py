"""A local Telegram Bot API server for tests, benchmarks and the playground.

Start it in-process with :class:`BotApiEmulator` (``async with``), point python-telegram-bot
at :attr:`BotApiEmulator.base_url`, and drive users with :meth:`BotApiEmulator.user`. Run it
in another process with ``python -m emulator`` and drive it with
:class:`emulator.client.EmulatorClient`.

One emulator hosts several bots: the platform bot given to :class:`BotApiEmulator`, more with
:meth:`BotApiEmulator.create_bot`, and managed bots users create (Bot API 9.6); each is an
:class:`EmulatedBot`, and ``user.at(bot)`` is a user's chat with it.
"""

from emulator.bots import EmulatedBot
from emulator.driver import BotApiEmulator
from emulator.errors import ApiError
from emulator.models import (
    Button,
    CallbackAnswer,
    ChatEvent,
    ReplyButton,
    SentMessage,
    UpdateTiming,
)
from emulator.user import EmulatedUser

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "Button",
    "CallbackAnswer",
    "ChatEvent",
    "EmulatedBot",
    "EmulatedUser",
    "ReplyButton",
    "SentMessage",
    "UpdateTiming",
]
