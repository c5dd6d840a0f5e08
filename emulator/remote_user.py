"""A user of a standalone emulator, driven over HTTP (emulator/client.py is the emulator's
control client); what tests of separate processes use where in-process tests use EmulatedUser."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Any, Protocol

from emulator.models import CallbackAnswer, ChatEvent, JsonDict, SentMessage
from emulator.remote_bots import BotRef, RemoteBot, bot_key, with_bot


class ControlApi(Protocol):
    """What a remote user needs of the emulator's control client (emulator/client.py)."""

    include_files: bool

    async def request(
        self, method: str, path: str, *, wait: float = 0.0, **kwargs: Any
    ) -> JsonDict: ...

    async def post(self, path: str, wait: float = 0.0, **body: Any) -> JsonDict: ...

    async def events(
        self,
        chat_id: int | None = None,
        *,
        after: int = 0,
        kinds: Collection[str] | None = None,
        wait: float = 0.0,
        bot: BotRef = None,
    ) -> list[ChatEvent]: ...


class RemoteUser:
    """A user of a standalone emulator in their chat with one bot (``bot``: a username or
    id; None: the platform bot); reading is cursor-based as in EmulatedUser."""

    def __init__(
        self,
        client: ControlApi,
        user_id: int,
        first_name: str,
        *,
        bot: str | int | None = None,
    ) -> None:
        self.client = client
        self.id = user_id
        self.first_name = first_name
        self.bot = bot
        self._cursors: dict[str, int] = {}

    def at(self, bot: BotRef) -> RemoteUser:
        """This user in their chat with ``bot`` (its own cursors)."""
        return RemoteUser(self.client, self.id, self.first_name, bot=bot_key(bot))

    async def _post(self, path: str, **body: Any) -> JsonDict:
        return await self.client.post(path, user_id=self.id, **with_bot(body, self.bot))

    async def send(self, text: str) -> int:
        """Write ``text`` to the bot; returns the update_id."""
        data = await self._post("/send", text=text)
        return int(data["update_id"])

    async def reply(self, message: SentMessage | int, text: str) -> int:
        """Answer a message of the bot with a reply; returns the update_id."""
        message_id = message if isinstance(message, int) else message.message_id
        data = await self._post("/reply", message_id=message_id, text=text)
        return int(data["update_id"])

    async def open_link(self, link: str) -> int:
        """Open a t.me link (to any hosted bot, or t.me/newbot/...); returns the update_id."""
        data = await self._post("/open_link", link=link)
        return int(data["update_id"])

    async def create_managed_bot_via_link(self, link: str) -> RemoteBot:
        """Open a ``https://t.me/newbot/<manager>/<username>[?name=...]`` link: the new bot."""
        data = await self._post("/open_link", link=link)
        if "created" not in data:
            raise ValueError(f"{link!r} created no bot")
        return RemoteBot.from_json(data["created"])

    async def press_keyboard(
        self,
        message: SentMessage | int,
        text: str,
        *,
        username: str | None = None,
        name: str | None = None,
    ) -> RemoteBot | int:
        """Tap a reply-keyboard button: the update_id, or the bot a request_managed_bot
        button created."""
        message_id = message if isinstance(message, int) else message.message_id
        data = await self._post(
            "/press_keyboard", message_id=message_id, text=text, username=username, name=name
        )
        if "created" in data:
            return RemoteBot.from_json(data["created"])
        return int(data["update_id"])

    async def create_managed_bot(
        self,
        message: SentMessage | int,
        text: str,
        *,
        username: str | None = None,
        name: str | None = None,
    ) -> RemoteBot:
        """Tap a request_managed_bot button: the new bot."""
        created = await self.press_keyboard(message, text, username=username, name=name)
        if isinstance(created, int):
            raise ValueError(f"button {text!r} does not request a managed bot")
        return created

    async def press(
        self,
        message: SentMessage | int,
        text: str | None = None,
        *,
        callback_data: str | None = None,
    ) -> str:
        """Tap an inline button by label or callback data; returns the callback query id."""
        message_id = message if isinstance(message, int) else message.message_id
        data = await self._post(
            "/press", message_id=message_id, text=text, callback_data=callback_data
        )
        return str(data["callback_query_id"])

    async def messages(self) -> list[SentMessage]:
        """The bot's messages in this chat, each as it is now."""
        files = "1" if self.client.include_files else "0"
        params = with_bot({"chat_id": self.id, "files": files}, self.bot)
        data = await self.client.request("GET", "/messages", params=params)
        return [SentMessage.from_json(item) for item in data["messages"]]

    async def next_message(self, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        event = await self._next("message", {"message"}, None, timeout)
        assert event.message is not None
        return event.message

    async def next_edit(self, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        event = await self._next("edit", {"edit"}, None, timeout)
        assert event.message is not None
        return event.message

    async def next_callback_answer(self, timeout: float = 5.0) -> CallbackAnswer:  # noqa: ASYNC109
        event = await self._next("callback_answer", {"callback_answer"}, None, timeout)
        assert event.answer is not None
        return event.answer

    async def wait_for(
        self,
        predicate: Callable[[ChatEvent], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> ChatEvent:
        return await self._next("any", None, predicate, timeout)

    async def _next(
        self,
        cursor: str,
        kinds: Collection[str] | None,
        predicate: Callable[[ChatEvent], bool] | None,
        seconds: float,
    ) -> ChatEvent:
        deadline = time.monotonic() + seconds
        while True:
            remaining = max(deadline - time.monotonic(), 0.0)
            after = self._cursors.get(cursor, 0)
            events = await self.client.events(
                self.id, after=after, kinds=kinds, wait=remaining, bot=self.bot
            )
            for event in events:
                self._cursors[cursor] = event.seq
                if predicate is None or predicate(event):
                    return event
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{self.first_name} got no {cursor} within {seconds}s")
