"""What tests read back from the emulator: the bot's messages, answers and timings.

These are immutable snapshots. They are shared by the in-process driver and the HTTP
client of the standalone emulator, hence the ``to_json``/``from_json`` pairs.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

JsonDict = dict[str, Any]
EventKind = Literal["message", "edit", "delete", "callback_answer", "chat_action"]


class Button(NamedTuple):
    """One inline keyboard button: its label and its callback data or URL."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    web_app: str | None = None  # the Mini App's address of a web_app button


class ReplyButton(NamedTuple):
    """One reply keyboard button: its label and its ``request_managed_bot`` request, if any."""

    text: str
    request_managed_bot: JsonDict | None = None


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


def _unb64(data: str | None) -> bytes | None:
    return None if data is None else base64.b64decode(data)


@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent (as it was at one moment), with its files' bytes."""

    message_id: int
    chat_id: int
    raw: JsonDict = field(repr=False)
    photo_bytes: bytes | None = field(default=None, repr=False)
    document_bytes: bytes | None = field(default=None, repr=False)
    # The ReplyKeyboardMarkup sent with the message (Telegram does not echo it in the Message).
    keyboard_markup: JsonDict | None = field(default=None, repr=False)

    @classmethod
    def from_api(
        cls,
        raw: JsonDict,
        file_bytes: Callable[[str], bytes | None],
        *,
        keyboard: JsonDict | None = None,
    ) -> SentMessage:
        """Build from a Bot API Message dict; ``file_bytes`` resolves a file_id to its bytes;
        ``keyboard`` is the reply keyboard the bot sent with it."""
        photo = raw.get("photo")
        document = raw.get("document")
        return cls(
            message_id=raw["message_id"],
            chat_id=raw["chat"]["id"],
            raw=raw,
            photo_bytes=file_bytes(photo[-1]["file_id"]) if photo else None,
            document_bytes=file_bytes(document["file_id"]) if document else None,
            keyboard_markup=keyboard,
        )

    @property
    def text(self) -> str | None:
        """The plain text (markup already parsed away), for text messages."""
        return self.raw.get("text")

    @property
    def caption(self) -> str | None:
        """The plain caption, for photos and documents."""
        return self.raw.get("caption")

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has (``""`` if neither)."""
        return self.raw.get("text") or self.raw.get("caption") or ""

    @property
    def entities(self) -> list[JsonDict]:
        """Text or caption entities (bold, links ...) with UTF-16 offsets."""
        return list(self.raw.get("entities") or self.raw.get("caption_entities") or [])

    @property
    def document_name(self) -> str | None:
        """The document's file name, if the message is a document."""
        return (self.raw.get("document") or {}).get("file_name")

    @property
    def document_mime_type(self) -> str | None:
        """The document's MIME type, if the message is a document."""
        return (self.raw.get("document") or {}).get("mime_type")

    @property
    def reply_markup(self) -> JsonDict | None:
        """The raw reply markup (inline keyboard, reply keyboard ...)."""
        return self.raw.get("reply_markup")

    @property
    def buttons(self) -> list[list[Button]]:
        """The inline keyboard as rows of :class:`Button` (empty without one)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            [
                Button(
                    b["text"],
                    b.get("callback_data"),
                    b.get("url"),
                    (b.get("web_app") or {}).get("url"),
                )
                for b in row
            ]
            for row in rows
        ]

    @property
    def keyboard(self) -> list[list[ReplyButton]]:
        """The reply keyboard sent with the message, as rows of :class:`ReplyButton`."""
        rows = (self.keyboard_markup or {}).get("keyboard") or []
        return [
            [
                ReplyButton(b, None)
                if isinstance(b, str)
                else ReplyButton(b["text"], b.get("request_managed_bot"))
                for b in row
            ]
            for row in rows
        ]

    @property
    def button_texts(self) -> list[list[str]]:
        """Only the labels of :attr:`buttons`, handy for assertions."""
        return [[button.text for button in row] for row in self.buttons]

    @property
    def edited(self) -> bool:
        """Whether this snapshot is of an edited message."""
        return "edit_date" in self.raw

    def to_json(self, include_files: bool = True) -> JsonDict:
        """JSON for the control API; file bytes as base64 when asked for."""
        return {
            "raw": self.raw,
            "photo_bytes": _b64(self.photo_bytes) if include_files else None,
            "document_bytes": _b64(self.document_bytes) if include_files else None,
            "keyboard": self.keyboard_markup,
        }

    @classmethod
    def from_json(cls, data: JsonDict) -> SentMessage:
        """Inverse of :meth:`to_json`."""
        raw = data["raw"]
        return cls(
            message_id=raw["message_id"],
            chat_id=raw["chat"]["id"],
            raw=raw,
            photo_bytes=_unb64(data.get("photo_bytes")),
            document_bytes=_unb64(data.get("document_bytes")),
            keyboard_markup=data.get("keyboard"),
        )


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot said in answerCallbackQuery."""

    callback_query_id: str
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


@dataclass(frozen=True)
class ChatEvent:
    """Something the bot did in one chat, in order: a message, an edit, a deletion ...

    ``update_id`` is the update this event most plausibly answers (see
    :meth:`emulator.state.EmulatorState.record`).
    """

    seq: int
    kind: EventKind
    chat_id: int
    at: float
    update_id: int | None = None
    message: SentMessage | None = None
    message_id: int | None = None
    answer: CallbackAnswer | None = None
    action: str | None = None

    def to_json(self, include_files: bool = True) -> JsonDict:
        """JSON for the control API."""
        return {
            "seq": self.seq,
            "kind": self.kind,
            "chat_id": self.chat_id,
            "at": self.at,
            "update_id": self.update_id,
            "message": self.message.to_json(include_files) if self.message else None,
            "message_id": self.message_id,
            "answer": vars(self.answer) if self.answer else None,
            "action": self.action,
        }

    @classmethod
    def from_json(cls, data: JsonDict) -> ChatEvent:
        """Inverse of :meth:`to_json`."""
        message = data.get("message")
        answer = data.get("answer")
        return cls(
            seq=data["seq"],
            kind=data["kind"],
            chat_id=data["chat_id"],
            at=data["at"],
            update_id=data.get("update_id"),
            message=SentMessage.from_json(message) if message else None,
            message_id=data.get("message_id"),
            answer=CallbackAnswer(**answer) if answer else None,
            action=data.get("action"),
        )


@dataclass
class UpdateTiming:
    """When an update became available, was confirmed, and first got a reply (monotonic)."""

    update_id: int
    chat_id: int | None
    kind: str
    available_at: float
    confirmed_at: float | None = None
    first_reply_at: float | None = None
    replies: int = 0

    @property
    def latency(self) -> float | None:
        """Seconds from availability to the bot's first message/edit/answer in that chat."""
        if self.first_reply_at is None:
            return None
        return self.first_reply_at - self.available_at
