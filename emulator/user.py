"""A Telegram user in a test: sends messages, taps buttons, reads what the bot answered.

An :class:`EmulatedUser` is the user *in their private chat with one bot*: the one from
``tg.user(...)`` talks to the platform bot, ``user.at(other_bot)`` to another hosted bot (same
user id and profile, a separate chat, message ids and update ids).

Reading is cursor-based so that stories read naturally: each ``next_*`` call returns the
next unread event of its kind in this user's chat and moves that kind's cursor past it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

from emulator.models import Button, CallbackAnswer, ChatEvent, ReplyButton, SentMessage
from emulator.records import UserRecord

if TYPE_CHECKING:
    from emulator.bots import EmulatedBot

_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class EmulatedUser:
    """One user and their private chat with one bot (chat id = user id)."""

    def __init__(self, bot: EmulatedBot, record: UserRecord) -> None:
        self._bot = bot
        self._state = bot.state
        self.record = record
        self._cursors: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"EmulatedUser({self.id}, {self.first_name!r}, @{self._bot.username})"

    @property
    def bot(self) -> EmulatedBot:
        """The bot this chat is with."""
        return self._bot

    def at(self, bot: EmulatedBot | str | int, *, started: bool = False) -> EmulatedUser:
        """This user in their private chat with ``bot`` (an EmulatedBot, username or id);
        ``started=True`` pretends they already wrote to it (so it may write to them)."""
        target = bot if not isinstance(bot, str | int) else self._bot.hub.find(bot)
        return target.user(self.id, started=started)

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
        """Open a t.me link as the Telegram app does; returns the update_id.

        ``https://t.me/<bot>?start=<payload>`` sends ``/start <payload>`` (``/start`` without
        a payload) in this user's chat with THAT hosted bot, which the user has then started;
        ValueError for a bot the emulator does not host. ``https://t.me/newbot/<manager>/
        <username>[?name=<name>]`` creates a managed bot (see
        :meth:`create_managed_bot_via_link`, which returns the bot) and returns the update_id
        of the manager's ``managed_bot`` update.
        """
        parsed = urlparse(link)
        path = parsed.path.strip("/")
        if parsed.netloc == "t.me" and path.lower().startswith("newbot/"):
            return self.open_newbot_link(link)[1]
        bot = self._bot.hub.bot_by_username(path) if parsed.netloc == "t.me" and path else None
        if bot is None:
            raise ValueError(f"{link!r} is not a t.me link to a bot the emulator hosts")
        payload = parse_qs(parsed.query).get("start", [""])[0]
        if payload and not _PAYLOAD.match(payload):
            raise ValueError(f"invalid start payload {payload!r}: 1-64 chars of A-Za-z0-9_-")
        return await self.at(bot).send(f"/start {payload}".strip())

    async def create_managed_bot_via_link(self, link: str) -> EmulatedBot:
        """Open ``https://t.me/newbot/<manager>/<suggested username>[?name=<name>]`` and
        create the bot as suggested: it is managed by @<manager>, which gets the service
        message (``managed_bot_created``) in its chat with this user and a ``managed_bot``
        update. ValueError for another link, an unknown manager or a taken username."""
        return self.open_newbot_link(link)[0]

    def open_newbot_link(self, link: str) -> tuple[EmulatedBot, int]:
        """:meth:`create_managed_bot_via_link`, also returning the update_id of the manager's
        ``managed_bot`` update."""
        parsed = urlparse(link)
        parts = parsed.path.strip("/").split("/")
        if parsed.netloc != "t.me" or len(parts) != 3 or parts[0].lower() != "newbot":
            raise ValueError(f"{link!r} is not a https://t.me/newbot/<manager>/<username> link")
        manager = self._bot.hub.bot_by_username(parts[1])
        if manager is None:
            raise ValueError(f"@{parts[1]} is not a bot the emulator hosts")
        name = parse_qs(parsed.query).get("name", [None])[0]
        return self._bot.hub.create_managed_bot(self, manager, parts[2], name)

    async def press_keyboard(
        self,
        message: SentMessage | int,
        text: str,
        *,
        username: str | None = None,
        name: str | None = None,
    ) -> EmulatedBot | int:
        """Tap a reply-keyboard button the bot sent with ``message`` (by label, as press).

        A plain button sends its text as a message: returns the update_id. A
        ``request_managed_bot`` button creates the bot (``username``/``name``: as given, else
        as suggested; ValueError if the username is taken) and returns it as EmulatedBot; the
        bot that sent the keyboard manages it and gets the ``managed_bot_created`` message and
        the ``managed_bot`` update. :meth:`create_managed_bot` is the same, typed.
        """
        button = self._keyboard_button(message, text)
        if button.request_managed_bot is None:
            return await self.send(button.text)
        return self._create_from_button(button, username, name)

    async def create_managed_bot(
        self,
        message: SentMessage | int,
        text: str,
        *,
        username: str | None = None,
        name: str | None = None,
    ) -> EmulatedBot:
        """Tap the ``request_managed_bot`` button ``text`` of ``message``: the new bot (see
        :meth:`press_keyboard`); ValueError if the button requests no managed bot."""
        button = self._keyboard_button(message, text)
        if button.request_managed_bot is None:
            raise ValueError(f"button {button.text!r} does not request a managed bot")
        return self._create_from_button(button, username, name)

    def _keyboard_button(self, message: SentMessage | int, text: str) -> ReplyButton:
        message_id = message if isinstance(message, int) else message.message_id
        current = self._state.message(self.id, message_id)
        if current is None:
            raise LookupError(f"message {message_id} is not in {self.first_name}'s chat anymore")
        buttons = [b for row in self._state.snapshot(current).keyboard for b in row]
        found = [b for b in buttons if b.text == text] or [
            b for b in buttons if text.lower() in b.text.lower()
        ]
        if len(found) != 1:
            labels = [b.text for b in buttons]
            raise LookupError(f"{len(found)} keyboard buttons match {text!r}; they are {labels}")
        return found[0]

    def _create_from_button(
        self, button: ReplyButton, username: str | None, name: str | None
    ) -> EmulatedBot:
        request = button.request_managed_bot or {}
        chosen = username or request.get("suggested_username")
        if not chosen:
            raise ValueError("the button suggests no username: give one")
        chosen_name = name or request.get("suggested_name")
        return self._bot.hub.create_managed_bot(self, self._bot, chosen, chosen_name)[0]

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
        snapshot = self._state.snapshot(current)
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
            state.snapshot(message)
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
        errors = [c for c in self._bot.calls if c.error][-3:]
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
