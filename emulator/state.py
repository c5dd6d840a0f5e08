"""The emulator's in-memory world: users, chats, messages, files and the update queue.

This module knows nothing about HTTP. The Bot API methods (``methods.py``) and the test
driver (``driver.py``) both act on one :class:`EmulatorState`.

Update delivery follows Telegram: an update stays *pending* until the bot confirms it, by
calling getUpdates with a higher ``offset`` or by answering the webhook POST with a 2xx. A
pending update is returned by every getUpdates call, which is how Telegram re-delivers
updates to a bot that crashed before confirming them.
"""

from __future__ import annotations

import itertools
import re
import secrets
import time
from collections import deque
from collections.abc import Callable

from emulator.errors import bad_request, forbidden
from emulator.limits import photo_dimensions
from emulator.models import (
    CallbackAnswer,
    ChatEvent,
    EventKind,
    JsonDict,
    SentMessage,
    UpdateTiming,
)
from emulator.records import (
    CallbackQuery,
    PendingUpdate,
    Signal,
    StoredFile,
    UserRecord,
    WebhookConfig,
)

# Update kinds getUpdates returns when allowed_updates was never given (Telegram's default).
DEFAULT_UPDATE_KINDS = frozenset(
    {"message", "edited_message", "callback_query", "my_chat_member", "inline_query"}
    | {"managed_bot"}
)
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?")
# Events that count as the bot answering an update, for latency figures.
_REPLY_KINDS = {"message", "edit", "callback_answer"}
# Updates a bot is expected to answer (a my_chat_member update usually gets no reply).
_ANSWERABLE = {"message", "callback_query"}


def _set_text(message: JsonDict, text: str) -> None:
    message["text"] = text
    command = _COMMAND.match(text)
    if command:
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]


class EmulatorState:
    """Everything the emulated Telegram remembers about one bot."""

    def __init__(
        self,
        bot: UserRecord,
        *,
        first_update_id: int = 1,
        callback_ttl: float = 15.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bot = bot
        self.callback_ttl = callback_ttl
        self.clock = clock
        self.users: dict[int, UserRecord] = {}
        self.messages: dict[tuple[int, int], JsonDict] = {}
        # Messages sent with a ForceReply (Telegram does not echo it in the Message).
        self.force_replies: set[tuple[int, int]] = set()
        # Reply keyboards sent with a message (not echoed either), for SentMessage.keyboard.
        self.reply_keyboards: dict[tuple[int, int], JsonDict] = {}
        self.files: dict[str, StoredFile] = {}
        self.pending: dict[int, PendingUpdate] = {}  # by update_id, in arrival order
        self.history: dict[int, PendingUpdate] = {}
        self.timings: dict[int, UpdateTiming] = {}
        self.events: list[ChatEvent] = []
        self.events_by_chat: dict[int, list[ChatEvent]] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.menu_buttons: dict[int | None, JsonDict] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}  # (name|description|..., language)
        self.profile_photo: bytes | None = None  # set by setMyProfilePhoto (a JPEG)
        self.webhook = WebhookConfig()
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_KINDS
        self.poll_generation = 0
        self.updates_changed = Signal()  # wakes long polls and webhook workers
        self.events_changed = Signal()  # wakes tests waiting for the bot
        self.requests_in_flight = 0
        self.last_request_at = 0.0
        self.on_enqueue: Callable[[PendingUpdate], None] | None = None  # webhook delivery hook
        self.on_webhook_change: Callable[[], None] | None = None  # starts webhook delivery
        # Whether a user id exists at all (users are shared by the bots of one emulator).
        self.knows_user: Callable[[int], bool] = lambda user_id: False
        self._update_ids = itertools.count(first_update_id)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._event_seq = itertools.count(1)
        self._last_update_by_chat: dict[int, int] = {}
        self._unanswered: dict[int, deque[PendingUpdate]] = {}

    # -- users and chats -------------------------------------------------------------------

    def add_user(self, user: UserRecord) -> UserRecord:
        existing = self.users.get(user.id)
        if existing is not None:
            user.started, user.blocked = existing.started, existing.blocked
        self.users[user.id] = user
        return user

    def chat(self, chat_id: int | str) -> UserRecord:
        """The user behind a chat the bot writes to, refusing as Telegram would."""
        user = self.users.get(chat_id) if isinstance(chat_id, int) else None
        if user is None:
            if isinstance(chat_id, int) and self.knows_user(chat_id):
                # A user of another hosted bot who never wrote to this one.
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        if user.blocked:
            raise forbidden("bot was blocked by the user")
        if not user.started:
            raise forbidden("bot can't initiate conversation with a user")
        return user

    def new_message(self, chat_id: int, sender: JsonDict, chat: JsonDict) -> JsonDict:
        """A message skeleton with the chat's next message_id (shared by both sides)."""
        ids = self._message_ids.setdefault(chat_id, itertools.count(1))
        message: JsonDict = {
            "message_id": next(ids),
            "from": sender,
            "chat": chat,
            "date": int(self.clock()),
        }
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def message(self, chat_id: int, message_id: int) -> JsonDict | None:
        return self.messages.get((chat_id, message_id))

    def snapshot(self, message: JsonDict) -> SentMessage:
        """A :class:`SentMessage` of ``message`` as it is now, with its reply keyboard."""
        key = (message["chat"]["id"], message["message_id"])
        keyboard = self.reply_keyboards.get(key)
        return SentMessage.from_api(dict(message), self.file_bytes, keyboard=keyboard)

    def webhook_changed(self) -> None:
        """setWebhook/deleteWebhook or a test's extra target: (re)start or stop delivery."""
        if self.on_webhook_change is not None:
            self.on_webhook_change()
        self.updates_changed.notify()

    # -- files -----------------------------------------------------------------------------

    def store_file(
        self, data: bytes, folder: str, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        number = len(self.files) + 1
        suffix = file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else "bin"
        stored = StoredFile(
            file_id=f"BQACAgIAAx{secrets.token_urlsafe(24)}",
            file_unique_id=f"AgAD{secrets.token_urlsafe(8)}",
            data=data,
            file_path=f"{folder}/file_{number}.{suffix}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_bytes(self, file_id: str) -> bytes | None:
        stored = self.files.get(file_id)
        return stored.data if stored else None

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    # -- updates ---------------------------------------------------------------------------

    def enqueue(self, kind: str, body: JsonDict, chat_id: int | None) -> PendingUpdate:
        """Make a new update available to the bot."""
        update_id = next(self._update_ids)
        update = PendingUpdate(update_id, kind, {"update_id": update_id, kind: body}, chat_id)
        self.pending[update_id] = update
        self.history[update_id] = update
        self.timings[update_id] = UpdateTiming(update_id, chat_id, kind, time.monotonic())
        if chat_id is not None:
            self._last_update_by_chat[chat_id] = update_id
            if kind in _ANSWERABLE:
                self._unanswered.setdefault(chat_id, deque()).append(update)
        self._announce(update)
        return update

    def _announce(self, update: PendingUpdate) -> None:
        if self.on_enqueue is not None:
            self.on_enqueue(update)
        self.updates_changed.notify()

    def user_message(
        self, user: UserRecord, text: str, *, reply_to: int | None = None
    ) -> PendingUpdate:
        """The user writes ``text``; a leading /command gets its bot_command entity.

        ``reply_to``: the id of a message in the chat this one replies to (as the app does after
        a ForceReply prompt); Telegram then includes that message as ``reply_to_message``.
        """
        user.started = True
        message = self.new_message(user.id, user.to_api(), user.chat())
        _set_text(message, text)
        if reply_to is not None:
            replied = self.message(user.id, reply_to)
            if replied is None:
                raise LookupError(f"message {reply_to} is not in the chat")
            message["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
        return self.enqueue("message", dict(message), user.id)

    def user_photo(
        self,
        user: UserRecord,
        data: bytes,
        caption: str | None = None,
        *,
        reply_to: int | None = None,
    ) -> PendingUpdate:
        """The user sends a photo (with a caption), as a reply to ``reply_to`` if given."""
        user.started = True
        stored = self.store_file(data, "photos", "photo.jpg", "image/jpeg")
        width, height = photo_dimensions(data)
        message = self.new_message(user.id, user.to_api(), user.chat())
        message["photo"] = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": width,
                "height": height,
                "file_size": len(data),
            }
        ]
        if caption:
            message["caption"] = caption
        if reply_to is not None:
            replied = self.message(user.id, reply_to)
            if replied is None:
                raise LookupError(f"message {reply_to} is not in the chat")
            message["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
        return self.enqueue("message", dict(message), user.id)

    def user_edits(self, user: UserRecord, message_id: int, text: str) -> PendingUpdate:
        """The user edits a message they sent: Telegram sends it again as edited_message."""
        original = self.message(user.id, message_id)
        if original is None or original.get("from", {}).get("id") != user.id:
            raise LookupError(f"message {message_id} is not one of {user.id}'s")
        edited = {k: v for k, v in original.items() if k not in ("text", "entities")}
        _set_text(edited, text)
        edited["edit_date"] = int(self.clock())
        self.messages[(user.id, message_id)] = edited
        return self.enqueue("edited_message", dict(edited), user.id)

    def user_presses(self, user: UserRecord, message: JsonDict, data: str) -> PendingUpdate:
        """The user taps an inline button carrying callback ``data`` under ``message``."""
        query_id = str(secrets.randbits(63))
        self.callbacks[query_id] = CallbackQuery(user.id, time.monotonic())
        body = {
            "id": query_id,
            "from": user.to_api(),
            "message": dict(message),
            "chat_instance": str(user.id * 7919 % 10**9),
            "data": data,
        }
        return self.enqueue("callback_query", body, user.id)

    def user_blocks(self, user: UserRecord, blocked: bool) -> PendingUpdate:
        """The user blocks (or unblocks) the bot; Telegram tells the bot with my_chat_member."""
        user.blocked = blocked
        statuses = ("member", "kicked") if blocked else ("kicked", "member")
        member: JsonDict = {"user": self.bot.to_api()}
        # A "kicked" member always carries until_date (0: forever), as Telegram sends it.
        old, new = ({**member, "status": status} for status in statuses)
        for entry in (old, new):
            if entry["status"] == "kicked":
                entry["until_date"] = 0
        body = {
            "chat": user.chat(),
            "from": user.to_api(),
            "date": int(self.clock()),
            "old_chat_member": old,
            "new_chat_member": new,
        }
        return self.enqueue("my_chat_member", body, user.id)

    def managed_bot_created(self, user: UserRecord, bot: JsonDict) -> PendingUpdate:
        """The service message in ``user``'s chat telling the manager a bot was created."""
        user.started = True
        message = self.new_message(user.id, user.to_api(), user.chat())
        message["managed_bot_created"] = {"bot": bot}
        return self.enqueue("message", dict(message), user.id)

    def managed_bot_updated(self, user: JsonDict, bot: JsonDict) -> PendingUpdate:
        """A ``managed_bot`` update: a bot managed by this one was created or got a new token."""
        return self.enqueue("managed_bot", {"user": user, "bot": bot}, user["id"])

    def confirm(self, update: PendingUpdate) -> None:
        """The bot acknowledged ``update``: forget it."""
        if self.pending.get(update.update_id) is update:
            del self.pending[update.update_id]
        update.confirmed = True
        # A just-confirmed update is still being handled by the bot: not idle yet.
        self.last_request_at = max(self.last_request_at, time.monotonic())
        timing = self.timings.get(update.update_id)
        if timing is not None and timing.confirmed_at is None:
            timing.confirmed_at = time.monotonic()

    def apply_offset(self, offset: int | None) -> None:
        """getUpdates ``offset``: forget updates below it; negative keeps the last ``-offset``."""
        if not offset:
            return
        if offset < 0:
            for update in list(self.pending.values())[:offset]:
                self.confirm(update)
            return
        for update in list(self.pending.values()):
            if update.update_id < offset and (not update.forced or update.delivered):
                self.confirm(update)

    def deliverable(self, limit: int) -> list[PendingUpdate]:
        """Up to ``limit`` pending updates the bot asked for; other kinds are dropped."""
        for update in list(self.pending.values()):
            if update.kind not in self.allowed_updates:
                self.confirm(update)
        ordered = sorted(self.pending.values(), key=lambda u: (not u.forced, u.update_id))
        return ordered[:limit]

    def redeliver(self, update_id: int) -> PendingUpdate:
        """Deliver an old update again with the same update_id (a lost confirmation)."""
        original = self.history[update_id]
        if self.pending.get(update_id) is not None:
            return self.pending[update_id]
        copy = PendingUpdate(
            update_id, original.kind, original.payload, original.chat_id, forced=True
        )
        self.pending[update_id] = copy
        self._announce(copy)
        return copy

    # -- what the bot did ------------------------------------------------------------------

    def record(
        self,
        kind: EventKind,
        chat_id: int,
        *,
        message: JsonDict | None = None,
        message_id: int | None = None,
        answer: CallbackAnswer | None = None,
        action: str | None = None,
    ) -> ChatEvent:
        """Log an action of the bot in a chat, attributed to the update it most plausibly
        answers: the oldest update of the chat already handed to the bot and not answered
        yet (bots answer in order), else the chat's latest update."""
        update_id = self._last_update_by_chat.get(chat_id)
        waiting = self._unanswered.get(chat_id)
        if kind in _REPLY_KINDS and waiting and (waiting[0].delivered or waiting[0].confirmed):
            update_id = waiting.popleft().update_id
        snapshot = self.snapshot(message) if message else None
        event = ChatEvent(
            seq=next(self._event_seq),
            kind=kind,
            chat_id=chat_id,
            at=time.monotonic(),
            update_id=update_id,
            message=snapshot,
            message_id=message_id if message_id is not None else (message or {}).get("message_id"),
            answer=answer,
            action=action,
        )
        self.events.append(event)
        self.events_by_chat.setdefault(chat_id, []).append(event)
        timing = self.timings.get(update_id) if update_id is not None else None
        if timing is not None and kind in _REPLY_KINDS:
            timing.replies += 1
            if timing.first_reply_at is None:
                timing.first_reply_at = event.at
        self.events_changed.notify()
        return event

    def is_idle(self, quiet: float) -> bool:
        """No pending update, no request being served, and none for ``quiet`` seconds."""
        return (
            not self.pending
            and self.requests_in_flight == 0
            and time.monotonic() - self.last_request_at >= quiet
        )
