"""Typed callback data: what an inline button carries, encoded and parsed in one place.

A button's data is `<code>:<arg>:<arg>…`, at most 64 bytes (Telegram's limit, checked when the
data is made). Each `ButtonAction` declares its code and the types of its arguments; parsing
checks both, so a forged or stale button never reaches a handler with the wrong shape.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

MAX_BYTES = 64
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,40}")
_CODE = re.compile(r"[a-z]{1,4}")
MAX_INT_DIGITS = 18


def nonce() -> str:
    """A random one-time token (8 characters, 48 bits) for buttons that change balances."""
    return secrets.token_urlsafe(6)


class Token(str):
    """An argument of letters, digits, '_' and '-' (codes, nonces, language tags)."""


ArgType = type[int] | type[Token]


@dataclass(frozen=True)
class ButtonAction:
    """One kind of button: its code and the types of the arguments it carries."""

    code: str
    args: tuple[ArgType, ...] = ()

    def __post_init__(self) -> None:
        assert _CODE.fullmatch(self.code), self.code

    def data(self, *values: int | str) -> str:
        """The callback data for a button of this kind."""
        assert len(values) == len(self.args), (self.code, values)
        parts = [self.code]
        for kind, value in zip(self.args, values, strict=True):
            text = str(value)
            if kind is int:
                assert isinstance(value, int) and value >= 0, (self.code, value)
            else:
                assert _TOKEN.fullmatch(text), (self.code, value)
            parts.append(text)
        data = ":".join(parts)
        assert len(data.encode()) <= MAX_BYTES, data
        return data

    def parse(self, parts: list[str]) -> tuple[Any, ...] | None:
        if len(parts) != len(self.args):
            return None
        values: list[Any] = []
        for kind, part in zip(self.args, parts, strict=True):
            if kind is int:
                if not (part.isascii() and part.isdigit() and len(part) <= MAX_INT_DIGITS):
                    return None
                values.append(int(part))
            elif _TOKEN.fullmatch(part):
                values.append(Token(part))
            else:
                return None
        return tuple(values)


ButtonHandler = Callable[..., Awaitable[None]]


class ButtonRouter:
    """Finds the handler and typed arguments of a tap; codes are unique across features."""

    def __init__(self, routes: Iterable[tuple[ButtonAction, ButtonHandler]]) -> None:
        self._routes: dict[str, tuple[ButtonAction, ButtonHandler]] = {}
        for action, handler in routes:
            assert action.code not in self._routes, f"button code {action.code!r} used twice"
            self._routes[action.code] = (action, handler)

    def route(self, data: str | None) -> tuple[ButtonHandler, tuple[Any, ...]] | None:
        if not data or len(data.encode()) > MAX_BYTES:
            return None
        code, *parts = data.split(":")
        found = self._routes.get(code)
        if found is None:
            return None
        action, handler = found
        values = action.parse(parts)
        return None if values is None else (handler, values)
