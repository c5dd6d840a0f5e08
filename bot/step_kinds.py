"""Step kinds declared once, each with the frozen payload it carries.

A step's payload is stored as text in a 256-character column (infra.tables.PendingStep). A kind
turns its payload into that text and back in one place: a payload too long is refused when the
step is made (never cut: cut JSON cannot be read back), and a stored payload that does not read
back as this kind's payload — a step from before a change of shape, a row edited by hand — reads
as None, which the caller answers like an expired question.

Every step the bot opens is of a StepKind (tests/codebase/test_architecture.py checks that each
`steps.open` names a kind's `.name` and stores only a kind's `encode`): one encoding, a JSON
object, for every payload. A kind that carries nothing (what it is about is the step's subject)
has the payload `Nothing`, stored as NULL.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from infra.steps import Step

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

PAYLOAD_LIMIT = 256  # the width of pending_steps.payload

P = TypeVar("P", bound="DataclassInstance")


class StepPayloadTooLong(ValueError):
    """The payload does not fit the step's column: the question is not asked."""

    def __init__(self, kind: str, length: int) -> None:
        super().__init__(f"{kind}: {length} characters")
        self.excess = length - PAYLOAD_LIMIT


@dataclass(frozen=True)
class Nothing:
    """The payload of a kind that carries nothing: stored as NULL."""


@dataclass(frozen=True)
class StepKind(Generic[P]):
    """`name` is the stored kind; `payload` a frozen dataclass of str, int, bool, None, StrEnum
    and tuple[str, ...] fields."""

    name: str
    payload: type[P]

    def encode(self, value: P) -> str | None:
        """The payload as stored: JSON, or None for a payload without fields."""
        if not isinstance(value, self.payload):
            raise TypeError(f"{self.name} carries {self.payload.__name__}, not {value!r}")
        if not dataclasses.fields(value):
            return None
        text = json.dumps(dataclasses.asdict(value), separators=(",", ":"), ensure_ascii=False)
        if len(text) > PAYLOAD_LIMIT:
            raise StepPayloadTooLong(self.name, len(text))
        return text

    def fitting(self, value: P, text_field: str) -> P:
        """`value` with its `text_field` (a note the step may shorten, such as a reason) cut as
        far as the column needs; StepPayloadTooLong if even without it the payload is too long.
        """
        try:
            self.encode(value)
            return value
        except StepPayloadTooLong as long:
            text: str | None = getattr(value, text_field)
            if not text:
                raise
            shorter = _without_encoded(text, long.excess) or None
            return self.fitting(dataclasses.replace(value, **{text_field: shorter}), text_field)

    def parse(self, step: Step) -> P | None:
        """The step's payload, or None if the step is of another kind or its payload does not
        read back."""
        if step.kind != self.name:
            return None
        if not dataclasses.fields(self.payload):
            return self.payload() if step.payload is None else None
        if step.payload is None:
            return None
        try:
            data = json.loads(step.payload)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        hints = typing.get_type_hints(self.payload)
        fields = {field.name for field in dataclasses.fields(self.payload)}
        if set(data) != fields:
            return None
        values: dict[str, Any] = {}
        for name, raw in data.items():
            value = _as(raw, hints[name])
            if value is _WRONG:
                return None
            values[name] = value
        return self.payload(**values)


def _without_encoded(text: str, excess: int) -> str:
    """`text` without as few of its last characters as take `excess` characters in JSON (a
    quote or a control character takes more than one)."""
    end = len(text)
    while excess > 0 and end > 0:
        end -= 1
        excess -= len(json.dumps(text[end], ensure_ascii=False)) - 2
    return text[:end]


_WRONG = object()


def _as(raw: Any, hint: Any) -> Any:
    """`raw` as a value of `hint`, or _WRONG."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        for option in typing.get_args(hint):
            value = _as(raw, option)
            if value is not _WRONG:
                return value
        return _WRONG
    if hint is type(None):
        return None if raw is None else _WRONG
    if typing.get_origin(hint) is tuple:
        (item, _) = typing.get_args(hint)
        if not isinstance(raw, list):
            return _WRONG
        items = tuple(_as(element, item) for element in raw)
        return _WRONG if _WRONG in items else items
    if hint is int and isinstance(raw, bool):
        return _WRONG
    if isinstance(hint, type) and issubclass(hint, enum.StrEnum):
        return hint(raw) if isinstance(raw, str) and raw in hint._value2member_map_ else _WRONG
    return raw if isinstance(hint, type) and isinstance(raw, hint) else _WRONG
