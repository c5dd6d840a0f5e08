"""The records of the emulator's world (emulator/state.py): users, files, pending updates,
callback queries, webhook settings and the signal that wakes a waiting getUpdates."""

import asyncio
import contextlib
from dataclasses import dataclass, field

from emulator.models import (
    JsonDict,
)


class Signal:
    """Wakes every waiter when something changed (cheaper than a Condition per chat).

    The event is made on the first wait: an idle bot's signals cost nothing.
    """

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def notify(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, seconds: float) -> None:
        """Wait for the next :meth:`notify`, at most ``seconds``."""
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(seconds, 0)):
                await event.wait()


@dataclass
class UserRecord:
    """A Telegram user talking to the bot, and the private chat with them."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    blocked: bool = False
    started: bool = False  # the user wrote to the bot at least once

    def to_api(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data

    def chat(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        for name in ("last_name", "username"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data


@dataclass(frozen=True)
class StoredFile:
    """Bytes the bot uploaded, addressable by file_id and by download path."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None

    def to_api(self) -> JsonDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass(eq=False)
class PendingUpdate:
    """An update waiting for the bot's confirmation."""

    update_id: int
    kind: str
    payload: JsonDict
    chat_id: int | None
    forced: bool = False  # re-delivered on purpose: returned even below the current offset
    delivered: bool = False
    confirmed: bool = False


@dataclass
class CallbackQuery:
    chat_id: int
    created_at: float
    answered: bool = False


@dataclass
class WebhookConfig:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    extra_targets: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def targets(self) -> list[tuple[str, str | None]]:
        """(URL, secret token) of every endpoint updates are spread over, round-robin."""
        main = [(self.url, self.secret_token)] if self.url else []
        extra = [(url, secret or self.secret_token) for url, secret in self.extra_targets]
        return main + extra
