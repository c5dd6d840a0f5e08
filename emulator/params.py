"""Reading Bot API parameters the way Telegram's server does.

A method's parameters may come in the query string, a JSON body, a urlencoded form or a
multipart form. python-telegram-bot sends forms in which every non-string value (numbers,
booleans, ``reply_markup``, ``commands`` ...) is a JSON-encoded string, and files as multipart
parts: either under the parameter's own name or under another name referenced as
``attach://<name>``. :class:`Params` hides these differences behind typed getters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from emulator.errors import ApiError, bad_request


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """The parameters of one Bot API call, with type normalisation."""

    def __init__(
        self, values: dict[str, Any], files: dict[str, UploadedFile] | None = None
    ) -> None:
        self.values = values
        self.files = files or {}

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) is not None or name in self.files

    def get_str(self, name: str) -> str | None:
        """A string parameter (numbers given as JSON numbers are accepted, as Telegram does)."""
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool | dict | list):
            return json.dumps(value)
        return str(value)

    def get_int(self, name: str) -> int | None:
        """An integer parameter; forms carry integers as decimal strings."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f"{name} must be an integer") from None

    def get_float(self, name: str) -> float | None:
        """A number parameter (timeouts may be fractional)."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"{name} must be a number") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        """A boolean: JSON ``true``/``false``, or the strings ``"true"``/``"1"`` in forms."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"true", "1"}

    def get_json(self, name: str, error: str | None = None) -> Any:
        """A structured parameter: JSON-decoded when it arrives as a string (forms)."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error or f"can't parse {name} JSON object") from None

    def chat_id(self, name: str = "chat_id") -> int | str:
        """A required chat id: an integer, or ``@username`` as a string."""
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if text.startswith("@"):
            return text
        try:
            return int(text)
        except ValueError:
            raise bad_request("chat not found") from None

    def input_file(self, name: str) -> UploadedFile | str | None:
        """A file parameter: an uploaded part, or a string (file_id or URL)."""
        if name in self.files:
            return self.files[name]
        return self.attached(self.get_str(name))

    def attached(self, value: str | None) -> UploadedFile | str | None:
        """A file named inside a parameter (``attach://<part>``), or the string as it is."""
        if value is not None and value.startswith("attach://"):
            attached = self.files.get(value.removeprefix("attach://"))
            if attached is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return attached
        return value


async def read_params(request: web.Request) -> Params:
    """Collect the parameters of ``request`` from its query string and body."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            values.update(body)
        elif request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    files[key] = UploadedFile(value.filename, value.content_type, data)
                elif isinstance(value, bytes | bytearray):
                    values[key] = bytes(value).decode()
                else:
                    values[key] = value
        elif request.content_type not in {"", "application/octet-stream"}:
            raise ApiError(400, "Bad Request: unsupported Content-Type")
    return Params(values, files)
