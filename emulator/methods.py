"""The Bot API methods the emulator implements, on top of :class:`EmulatorState`.

Each method takes the request's :class:`Params` and returns the ``result`` Telegram would
return, or raises :class:`ApiError`. Method names are case-insensitive, as on Telegram.
"""

from __future__ import annotations

import mimetypes
import time
from typing import Any

from emulator import limits
from emulator.bot_methods import BotMethods
from emulator.errors import (
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
    bad_request,
)
from emulator.models import CallbackAnswer, JsonDict
from emulator.params import Params, UploadedFile
from emulator.records import StoredFile, UserRecord

# Methods that post or change a message: subject to flood control.
SENDING_METHODS = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "editmessagetext", "editmessagecaption"}
    | {"editmessagereplymarkup"}
)
_MARKUP_ERROR = "can't parse reply keyboard markup JSON object"


class BotApiMethods(BotMethods):
    """All implemented Bot API methods: the bot's own (base class) and message methods."""

    # -- sending ---------------------------------------------------------------------------

    def _bot_message(self, user: UserRecord, p: Params) -> JsonDict:
        """A new message from the bot in ``user``'s chat, with reply and markup handled."""
        markup = limits.reply_markup(p.get_json("reply_markup", _MARKUP_ERROR))
        reply = p.get_json("reply_parameters") or {}
        reply_to = reply.get("message_id") if isinstance(reply, dict) else None
        reply_to = reply_to or p.get_int("reply_to_message_id")
        replied = self.state.message(user.id, int(reply_to)) if reply_to else None
        if reply_to and replied is None and not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        message = self.state.new_message(user.id, self.state.bot.to_api(), user.chat())
        if replied is not None:
            message["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
        # Telegram echoes only inline keyboards in the returned Message.
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if markup is not None and markup.get("force_reply"):
            self.state.force_replies.add((user.id, message["message_id"]))
        if markup is not None and "keyboard" in markup:
            self.state.reply_keyboards[(user.id, message["message_id"])] = markup
        return message

    def _finish_send(self, message: JsonDict) -> JsonDict:
        self.state.record("message", message["chat"]["id"], message=message)
        return message

    async def _api_send_message(self, p: Params) -> JsonDict:
        user = self.state.chat(p.chat_id())
        text, entities = limits.formatted_text(
            p.get_str("text"), p.get_str("parse_mode"), p.get_json("entities")
        )
        message = self._bot_message(user, p)
        message["text"] = text
        if entities:
            message["entities"] = entities
        return self._finish_send(message)

    def _caption(self, p: Params, message: JsonDict) -> None:
        caption, entities = limits.formatted_text(
            p.get_str("caption"),
            p.get_str("parse_mode"),
            p.get_json("caption_entities"),
            caption=True,
        )
        if caption:
            message["caption"] = caption
        if entities:
            message["caption_entities"] = entities

    async def _api_send_photo(self, p: Params) -> JsonDict:
        user = self.state.chat(p.chat_id())
        stored = self._input_file(p, "photo", "photos")
        width, height = limits.photo_dimensions(stored.data)
        message = self._bot_message(user, p)
        self._caption(p, message)
        # Telegram returns several sizes; the emulator keeps the original only.
        message["photo"] = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": width,
                "height": height,
                "file_size": len(stored.data),
            }
        ]
        return self._finish_send(message)

    async def _api_send_document(self, p: Params) -> JsonDict:
        user = self.state.chat(p.chat_id())
        stored = self._input_file(p, "document", "documents")
        message = self._bot_message(user, p)
        self._caption(p, message)
        message["document"] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
            "file_size": len(stored.data),
        }
        return self._finish_send(message)

    def _input_file(self, p: Params, name: str, folder: str) -> StoredFile:
        """The uploaded file (stored now) or the earlier upload a file_id refers to."""
        value = p.input_file(name)
        if isinstance(value, str):
            stored = self.state.files.get(value)
            if stored is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return stored
        if value is None:
            raise bad_request(f"there is no {name} in the request")
        if not value.data:
            raise bad_request("file must be non-empty")
        if len(value.data) > limits.MAX_UPLOAD_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        return self.state.store_file(value.data, folder, *_file_meta(value, name))

    # -- editing ---------------------------------------------------------------------------

    def _editable(self, p: Params, missing: str = "message to edit not found") -> JsonDict:
        if "inline_message_id" in p:
            raise bad_request("inline messages are not supported by the emulator")
        chat_id = p.chat_id()
        message_id = p.get_int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        self.state.chat(chat_id)
        message = self.state.message(int(chat_id), message_id)
        if message is None:
            raise bad_request(missing)
        if message["from"]["id"] != self.state.bot.id:
            raise bad_request("message can't be edited")
        return message

    def _apply_edit(self, message: JsonDict, content: dict[str, Any], p: Params) -> JsonDict:
        """Replace content and markup; omitting reply_markup removes the inline keyboard."""
        markup = limits.reply_markup(p.get_json("reply_markup", _MARKUP_ERROR))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        content = {**content, "reply_markup": inline}
        if all(message.get(key) == value for key, value in content.items()):
            raise ApiError(400, NOT_MODIFIED)
        for key, value in content.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = int(self.state.clock())
        self.state.record("edit", message["chat"]["id"], message=message)
        return message

    async def _api_edit_message_text(self, p: Params) -> JsonDict:
        message = self._editable(p)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text, entities = limits.formatted_text(
            p.get_str("text"), p.get_str("parse_mode"), p.get_json("entities")
        )
        return self._apply_edit(message, {"text": text, "entities": entities or None}, p)

    async def _api_edit_message_caption(self, p: Params) -> JsonDict:
        message = self._editable(p)
        if "text" in message:
            raise bad_request("there is no caption in the message to edit")
        caption, entities = limits.formatted_text(
            p.get_str("caption"),
            p.get_str("parse_mode"),
            p.get_json("caption_entities"),
            caption=True,
        )
        content = {"caption": caption or None, "caption_entities": entities or None}
        return self._apply_edit(message, content, p)

    async def _api_edit_message_reply_markup(self, p: Params) -> JsonDict:
        return self._apply_edit(self._editable(p), {}, p)

    async def _api_delete_message(self, p: Params) -> bool:
        chat_id = p.chat_id()
        message_id = p.get_int("message_id")
        if not isinstance(chat_id, int) or chat_id not in self.state.users:
            raise bad_request("chat not found")
        if message_id is None or self.state.messages.pop((chat_id, message_id), None) is None:
            raise bad_request("message to delete not found")
        self.state.record("delete", chat_id, message_id=message_id)
        return True

    # -- callbacks, commands, misc ---------------------------------------------------------

    async def _api_answer_callback_query(self, p: Params) -> bool:
        query_id = p.get_str("callback_query_id") or ""
        query = self.state.callbacks.get(query_id)
        expired = query is None or time.monotonic() - query.created_at > self.state.callback_ttl
        if query is None or expired or query.answered:
            raise ApiError(400, QUERY_TOO_OLD)
        text = limits.callback_answer_text(p.get_str("text"))
        query.answered = True
        answer = CallbackAnswer(query_id, text, p.get_bool("show_alert"), p.get_str("url"))
        self.state.record("callback_answer", query.chat_id, answer=answer)
        return True

    async def _api_send_chat_action(self, p: Params) -> bool:
        user = self.state.chat(p.chat_id())
        action = p.get_str("action")
        if action not in limits.CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.state.record("chat_action", user.id, action=action)
        return True

    async def _api_get_file(self, p: Params) -> JsonDict:
        stored = self.state.files.get(p.get_str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.to_api()

    async def _api_get_chat(self, p: Params) -> JsonDict:
        chat_id = p.chat_id()
        user = self.state.users.get(chat_id) if isinstance(chat_id, int) else None
        if user is None:
            raise bad_request("chat not found")
        return user.chat() | {"accent_color_id": 0, "max_reaction_count": 11}


def _file_meta(upload: UploadedFile, name: str) -> tuple[str, str]:
    file_name = upload.filename or name
    guessed = mimetypes.guess_type(file_name)[0]
    if upload.content_type and upload.content_type != "application/octet-stream":
        return file_name, upload.content_type
    return file_name, guessed or "application/octet-stream"
