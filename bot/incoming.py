"""Reading one raw update (a webhook body, an entry of getUpdates) into a PTB Update.

Update.de_json assumes Telegram's shapes and fails with any exception on others, or worse
succeeds and leaves a crash for later (a string where a message belongs). The shape is
checked first, and every failure becomes UnreadableUpdate, whose message names the problem
and never quotes the content (updates carry people's names and messages).
"""

from __future__ import annotations

import json
from typing import Any

from telegram import Bot, Update

MAX_UPDATE_ID = 2**31 - 1  # Telegram's update_id is a signed 32-bit integer


class UnreadableUpdate(ValueError):
    """Not an update the bot can read; the message is safe to log."""


def parse_body(body: bytes) -> object:
    """The JSON of a webhook body, which Telegram sends as UTF-8."""
    try:
        # Decoded first and strictly: json.loads(bytes) would also accept UTF-16 and UTF-32.
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableUpdate("the body is not UTF-8") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise UnreadableUpdate("the JSON is nested too deeply") from None
    except ValueError:
        raise UnreadableUpdate("the body is not JSON") from None


def update_id_of(data: object) -> int:
    if not isinstance(data, dict):
        raise UnreadableUpdate(f"the update is a JSON {type(data).__name__}, not an object")
    update_id = data.get("update_id")
    # type() and not isinstance(): True is an int to Python, never an update_id to Telegram.
    if type(update_id) is not int or not 0 <= update_id <= MAX_UPDATE_ID:
        raise UnreadableUpdate("update_id is not an integer from 0 to 2^31-1")
    return update_id


def id_for_log(data: object) -> str:
    """The update_id, or what stands for a missing one: all a log line may say of an update."""
    try:
        return str(update_id_of(data))
    except UnreadableUpdate:
        return "without an update_id"


def read_update(data: object, bot: Bot) -> Update:
    """The Update in `data`, or UnreadableUpdate."""
    update_id_of(data)
    assert isinstance(data, dict)
    fields: dict[str, Any] = data
    # Every field of an Update but update_id is an object (message, callback_query, ...).
    if any(not isinstance(value, dict) for name, value in fields.items() if name != "update_id"):
        raise UnreadableUpdate("a field of the update is not a JSON object")
    try:
        return Update.de_json(fields, bot)
    except Exception as failure:  # whatever the library raises, it is this update's fault
        raise UnreadableUpdate(f"the library cannot read it ({type(failure).__name__})") from None
