"""Telegram's limits on what a bot may send, with Telegram's error texts.

Everything here is pure: values in, normalised values (or an :class:`ApiError`) out. The
numbers are the Bot API's documented limits; the error descriptions are the ones Telegram's
server returns, so a bot tested against the emulator handles the real ones.
"""

from __future__ import annotations

import json
import re
import struct
from typing import Any

from emulator.entities import Entity, parse_html, parse_markdown_v2, strip_text
from emulator.errors import bad_request

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_COMMANDS = 100
MAX_BOT_NAME = 64
_BOT_USERNAME = re.compile(r"^[A-Za-z0-9_]{5,32}$")

_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL = re.compile(r"^(https?://[^\s/$.?#][^\s]*|tg://[^\s]+)$", re.IGNORECASE)
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE = re.compile(r"^([a-z]{2})?$")
_SCOPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


def formatted_text(
    text: str | None, parse_mode: str | None, entities: Any, *, caption: bool = False
) -> tuple[str, list[Entity]]:
    """Parse ``text`` per ``parse_mode`` and enforce the text or caption length limits.

    The limits apply to the text *after* entity parsing, as on Telegram: markup does not count.
    """
    source = text or ""
    mode = (parse_mode or "").lower()
    if mode == "html":
        plain, parsed = parse_html(source)
    elif mode == "markdownv2":
        plain, parsed = parse_markdown_v2(source)
    elif mode == "":
        plain, parsed = source, _explicit_entities(entities)
    else:
        raise bad_request("unsupported parse_mode")
    plain, parsed = strip_text(plain, parsed)
    if caption:
        if len(plain) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
    elif not plain:
        raise bad_request("message text is empty")
    elif len(plain) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return plain, parsed


def _explicit_entities(entities: Any) -> list[Entity]:
    if entities is None:
        return []
    if not isinstance(entities, list) or not all(
        isinstance(e, dict) and {"type", "offset", "length"} <= e.keys() for e in entities
    ):
        raise bad_request("can't parse entities JSON object")
    return [dict(e) for e in entities]


def reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a ``reply_markup`` object; ``None`` when absent."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "keyboard" must be an Array of Arrays')
        for row in rows:
            for button in row:
                label = button.get("text") if isinstance(button, dict) else button
                if not isinstance(label, str) or not label:
                    raise bad_request("keyboard button text must be non-empty")
                if isinstance(button, dict) and "request_managed_bot" in button:
                    request_managed_bot(button["request_managed_bot"])
    elif not ({"remove_keyboard", "force_reply"} & markup.keys()):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def request_managed_bot(request: Any) -> None:
    """A KeyboardButtonRequestManagedBot: a signed 32-bit request_id, an optional name and an
    optional username of 5–32 characters a-z, 0-9 and _ ending in "bot"."""
    if not isinstance(request, dict):
        raise bad_request(
            'can\'t parse keyboard button: field "request_managed_bot" must be an Object'
        )
    request_id = request.get("request_id")
    if isinstance(request_id, bool) or not isinstance(request_id, int):
        raise bad_request('can\'t parse keyboard button: field "request_id" must be a Number')
    if not -(2**31) <= request_id < 2**31:
        raise bad_request("REQUEST_ID_INVALID")
    name = request.get("suggested_name")
    if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= MAX_BOT_NAME):
        raise bad_request("BOT_NAME_INVALID")
    username = request.get("suggested_username")
    if username is not None and not (isinstance(username, str) and valid_bot_username(username)):
        raise bad_request("BOT_USERNAME_INVALID")


def valid_bot_username(username: str) -> bool:
    """5–32 characters a-z, A-Z, 0-9 and _, ending in "bot" (any case), as Telegram wants."""
    return bool(_BOT_USERNAME.match(username)) and username.lower().endswith("bot")


def _inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" must be an Array of Arrays')
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            inline_button(button)


def inline_button(button: Any) -> None:
    """One inline keyboard button: a non-empty text and exactly one action field."""
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text must be a String")
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [name for name in _BUTTON_ACTIONS if button.get(name) is not None]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be used"
        )
    if "callback_data" in actions:
        data = button["callback_data"]
        size = len(data.encode()) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "web_app" in actions:
        web_app_url(button["web_app"], "inline keyboard button Web App URL")
    if "url" in actions and not (isinstance(button["url"], str) and _URL.match(button["url"])):
        raise bad_request(
            f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL"
        )


def commands(value: Any) -> list[dict[str, str]]:
    """The ``commands`` of setMyCommands, checked like Telegram (lowercase, 1–32 chars)."""
    if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
        raise bad_request("can't parse commands JSON object")
    if len(value) > MAX_COMMANDS:
        raise bad_request("too many commands")
    result = []
    for item in value:
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not _COMMAND.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        result.append({"command": command, "description": description})
    return result


def command_scope(value: Any) -> dict[str, Any]:
    """A BotCommandScope, normalised so equal scopes compare equal (chat ids as ints)."""
    if value is None:
        return {"type": "default"}
    if not isinstance(value, dict) or value.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    scope: dict[str, Any] = {"type": value["type"]}
    if scope["type"] in {"chat", "chat_administrators", "chat_member"}:
        scope["chat_id"] = _int_or_name(value.get("chat_id"))
    if scope["type"] == "chat_member":
        scope["user_id"] = _int_or_name(value.get("user_id"))
    return scope


def _int_or_name(value: Any) -> int | str:
    if isinstance(value, str) and value.startswith("@"):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request("chat not found") from None


def scope_key(scope: dict[str, Any]) -> str:
    """A hashable key for a normalised scope."""
    return json.dumps(scope, sort_keys=True)


def language_code(value: str | None) -> str:
    """An optional two-letter language code, ``""`` for all languages."""
    code = value or ""
    if not _LANGUAGE.match(code):
        raise bad_request("invalid language code specified")
    return code


def callback_answer_text(text: str | None) -> str | None:
    """The notification text of answerCallbackQuery (0–200 characters)."""
    if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
        raise bad_request("MESSAGE_TOO_LONG")
    return text


def photo_dimensions(data: bytes) -> tuple[int, int]:
    """Width and height of an uploaded photo, refusing what Telegram cannot process."""
    if not data:
        raise bad_request("file must be non-empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise bad_request("PHOTO_SAVE_FILE_INVALID")
    size = image_size(data)
    if size is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    width, height = size
    if (
        width <= 0
        or height <= 0
        or width + height > 10000
        or max(width, height) > 20 * min(width, height)
    ):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    return size


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height read from a PNG, GIF, JPEG or WebP header; ``None`` otherwise."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            width, height = struct.unpack(">II", data[16:24])
            return int(width), int(height)
        if data[:6] in {b"GIF87a", b"GIF89a"}:
            width, height = struct.unpack("<HH", data[6:10])
            return int(width), int(height)
        if data.startswith(b"\xff\xd8"):
            return _jpeg_size(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp_size(data)
    except struct.error:
        return None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        (segment_length,) = struct.unpack(">H", data[index + 2 : index + 4])
        # Start-of-frame markers carry the size; C4, C8 and CC are other tables.
        if 0xC0 <= marker <= 0xCF and marker not in {0xC4, 0xC8, 0xCC}:
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + segment_length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":  # extended: 24-bit little-endian sizes minus one
        width = int.from_bytes(data[24:27], "little") + 1
        return width, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8 ":  # lossy: 14-bit sizes after the frame tag and start code
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    if chunk == b"VP8L":  # lossless: two 14-bit sizes minus one, packed after a 0x2F byte
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def web_app_url(web_app: Any, what: str) -> str:
    """The ``url`` of a WebAppInfo; Telegram opens Mini Apps over HTTPS only."""
    url = web_app.get("url") if isinstance(web_app, dict) else None
    if not isinstance(url, str) or not _URL.match(url):
        raise bad_request(f"{what} is invalid: Wrong HTTP URL")
    if not url.lower().startswith("https://"):
        raise bad_request(f"{what} '{url}' is invalid: Only HTTPS links are allowed")
    return url
