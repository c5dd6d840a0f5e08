"""A Telegram user in a test: sends messages, taps buttons, reads what the bot answered.

Reading is cursor-based so that stories read naturally: each ``next_*`` call returns the
next unread event of its kind in this user's chat and moves that kind's cursor past it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

from emulator.models import Button, CallbackAnswer, ChatEvent, SentMessage
from emulator.state import UserRecord

if TYPE_CHECKING:
    from emulator.driver import BotApiEmulator

_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class EmulatedUser:
    """One user and their private chat with the bot (chat id = user id)."""

    def __init__(self, emulator: BotApiEmulator, record: UserRecord) -> None:
        self._emulator = emulator
        self._state = emulator.state
        self.record = record
        self._cursors: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"EmulatedUser({self.id}, {self.first_name!r})"

    @property
    def id(self) -> int:
        """The user id, which is also the private chat id."""
        return self.record.id

    @property
    def first_name(self) -> str:
        return self.record.first_name

    # -- acting --------------------------------------------------------------------------

    async def send(self, text: str) -> int:
        """Write ``text`` to the bot (a leading /command gets its entity); the update_id."""
        return self._state.user_message(self.record, text).update_id

    async def reply(self, message: SentMessage | int, text: str) -> int:
        """Answer a message of the bot with a reply (what the app does after a ForceReply)."""
        message_id = message if isinstance(message, int) else message.message_id
        return self._state.user_message(self.record, text, reply_to=message_id).update_id

    async def send_photo(
        self, data: bytes, caption: str | None = None, *, reply_to: SentMessage | int | None = None
    ) -> int:
        """Send a photo (image bytes) with a caption, optionally as a reply; the update_id."""
        message_id = reply_to.message_id if isinstance(reply_to, SentMessage) else reply_to
        return self._state.user_photo(self.record, data, caption, reply_to=message_id).update_id

    async def edit(self, update_id: int, text: str) -> int:
        """Edit the message this user sent in update ``update_id``; the edit's update_id."""
        sent = self._state.history[update_id].payload["message"]
        return self._state.user_edits(self.record, sent["message_id"], text).update_id

    async def open_link(self, link: str) -> int:
        """Open a ``https://t.me/<bot>?start=<payload>`` deep link, as the Telegram app does."""
        parsed = urlparse(link)
        username = parsed.path.strip("/")
        if parsed.netloc != "t.me" or username.lower() != self._emulator.bot_username.lower():
            raise ValueError(f"{link!r} is not a t.me link to @{self._emulator.bot_username}")
        payload = parse_qs(parsed.query).get("start", [""])[0]
        if payload and not _PAYLOAD.match(payload):
            raise ValueError(f"invalid start payload {payload!r}: 1-64 chars of A-Za-z0-9_-")
        return await self.send(f"/start {payload}".strip())

    async def press(
        self,
        message: SentMessage | int,
        text: str | None = None,
        *,
        callback_data: str | None = None,
    ) -> str:
        """Tap an inline button of ``message`` (as it is now), by label or callback data.

        A label matches exactly, or else as the only button containing it (case-insensitive).
        Returns the callback query id.
        """
        message_id = message if isinstance(message, int) else message.message_id
        current = self._state.message(self.id, message_id)
        if current is None:
            raise LookupError(f"message {message_id} is not in {self.first_name}'s chat anymore")
        snapshot = SentMessage.from_api(current, self._state.file_bytes)
        button = _find_button(snapshot.buttons, text, callback_data)
        if button.callback_data is None:
            raise ValueError(f"button {button.text!r} opens {button.url!r}; it sends no update")
        update = self._state.user_presses(self.record, current, button.callback_data)
        return str(update.payload["callback_query"]["id"])

    # -- reading -------------------------------------------------------------------------

    @property
    def all_events(self) -> list[ChatEvent]:
        """Everything the bot did in this chat, in order (messages, edits, deletions ...)."""
        return list(self._state.events_by_chat.get(self.id, []))

    @property
    def messages(self) -> list[SentMessage]:
        """The bot's messages still in the chat, oldest first, each as it is now."""
        state = self._state
        return [
            SentMessage.from_api(dict(message), state.file_bytes)
            for (chat_id, _), message in state.messages.items()
            if chat_id == self.id and message["from"]["id"] == state.bot.id
        ]

    @property
    def last_message(self) -> SentMessage | None:
        """The bot's most recent message still in the chat."""
        messages = self.messages
        return messages[-1] if messages else None

    def skip_unread(self) -> None:
        """Mark everything received so far as read, for every ``next_*`` cursor."""
        end = len(self._state.events_by_chat.get(self.id, []))
        for key in ("message", "edit", "callback_answer", "any"):
            self._cursors[key] = end

    async def next_message(self, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """The next new message from the bot (text, photo or document)."""
        event = await self._next("message", {"message"}, None, timeout)
        assert event.message is not None
        return event.message

    async def next_edit(self, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """The next edit of one of the bot's messages, as the message looks after it."""
        event = await self._next("edit", {"edit"}, None, timeout)
        assert event.message is not None
        return event.message

    async def next_callback_answer(self, timeout: float = 5.0) -> CallbackAnswer:  # noqa: ASYNC109
        """The next answerCallbackQuery the bot made for this user's button taps."""
        event = await self._next("callback_answer", {"callback_answer"}, None, timeout)
        assert event.answer is not None
        return event.answer

    async def next_event(
        self,
        kinds: Collection[str] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> ChatEvent:
        """The next event of any (or one of ``kinds``) kind; shares the cursor of wait_for."""
        return await self._next("any", kinds, None, timeout)

    async def wait_for(
        self,
        predicate: Callable[[ChatEvent], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> ChatEvent:
        """The next unread event for which ``predicate`` holds (skipping the others)."""
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
            events = self._state.events_by_chat.get(self.id, [])
            for index in range(self._cursors.get(cursor, 0), len(events)):
                event = events[index]
                if (kinds is None or event.kind in kinds) and (
                    predicate is None or predicate(event)
                ):
                    self._cursors[cursor] = index + 1
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(self._describe_timeout(cursor, seconds))
            await self._state.events_changed.wait(remaining)

    def _describe_timeout(self, what: str, timeout: float) -> str:
        events = self._state.events_by_chat.get(self.id, [])
        recent = ", ".join(f"{e.kind}#{e.message_id}" for e in events[-5:]) or "none"
        errors = [c for c in self._emulator.calls if c.error][-3:]
        failed = "; ".join(f"{c.method}: {c.error}" for c in errors) or "none"
        return (
            f"{self.first_name} got no {what} event from the bot within {timeout}s "
            f"(last events: {recent}; last Bot API errors: {failed})"
        )


def _find_button(rows: list[list[Button]], text: str | None, callback_data: str | None) -> Button:
    buttons = [button for row in rows for button in row]
    if callback_data is not None:
        found = [b for b in buttons if b.callback_data == callback_data]
    elif text is not None:
        found = [b for b in buttons if b.text == text] or [
            b for b in buttons if text.lower() in b.text.lower()
        ]
    else:
        raise TypeError("press() needs the button text or callback_data")
    if len(found) != 1:
        labels = [b.text for b in buttons]
        wanted = text if callback_data is None else callback_data
        raise LookupError(f"{len(found)} buttons match {wanted!r}; the buttons are {labels}")
    return found[0]
