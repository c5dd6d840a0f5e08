"""A step kind's payload goes to text and back in one place: whole or refused, never cut, and a
stored payload that does not read back as the kind's payload reads as None."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import pytest

from bot.step_kinds import PAYLOAD_LIMIT, Nothing, StepKind, StepPayloadTooLong
from infra.steps import Step


@dataclass(frozen=True)
class Change:
    key: str
    value: str
    origin: str | None


@dataclass(frozen=True)
class Screen:
    key: str
    choices: tuple[str, ...]
    page: int


CHANGE = StepKind("change", Change)
SCREEN = StepKind("screen", Screen)


def _stored(kind: str, payload: str | None) -> Step:
    return Step(
        id=1,
        chat_id=2,
        kind=kind,
        subject_id=None,
        payload=payload,
        prompt_ids=(),
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
        closed_as=None,
    )


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        (CHANGE, Change("type", "visits", "menu")),
        (CHANGE, Change("name", 'Café « Dëppen » "quoted" \\ ✓', None)),
        (SCREEN, Screen("stamps", ("8", "10", "12"), 0)),
        (SCREEN, Screen("stamps", (), 3)),
    ],
)
def test_a_payload_reads_back_as_it_was_written(kind: StepKind[object], payload: object) -> None:
    assert kind.parse(_stored(kind.name, kind.encode(payload))) == payload  # type: ignore[arg-type]


def test_a_payload_of_exactly_the_limit_is_kept_whole() -> None:
    empty = len(CHANGE.encode(Change("k", "", None)))
    payload = Change("k", "x" * (PAYLOAD_LIMIT - empty), None)
    text = CHANGE.encode(payload)
    assert len(text) == PAYLOAD_LIMIT
    assert CHANGE.parse(_stored("change", text)) == payload


def test_a_payload_one_character_too_long_is_refused_not_cut() -> None:
    empty = len(CHANGE.encode(Change("k", "", None)))
    with pytest.raises(StepPayloadTooLong):
        CHANGE.encode(Change("k", "x" * (PAYLOAD_LIMIT - empty + 1), None))


def test_the_limit_counts_characters_as_the_column_does() -> None:
    # ensure_ascii would turn each "é" into six characters "\u00e9"
    text = CHANGE.encode(Change("k", "é" * 200, None))
    assert text.count("é") == 200


def test_a_payload_of_another_type_is_not_written() -> None:
    with pytest.raises(TypeError):
        CHANGE.encode(Screen("k", (), 0))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "",
        "not json",
        '["type", "visits", "me',  # what cutting a JSON list at 256 characters used to leave
        '["type", "visits", "menu"]',  # the positional list steps were stored as before
        '"type"',
        '{"key": "type", "value": "visits"}',  # a field missing
        '{"key": "type", "value": "visits", "origin": null, "extra": 1}',  # one too many
        '{"key": "type", "value": 5, "origin": null}',  # a field of the wrong type
        '{"key": null, "value": "visits", "origin": null}',
    ],
)
def test_a_malformed_payload_reads_as_none(payload: str | None) -> None:
    assert CHANGE.parse(_stored("change", payload)) is None


@pytest.mark.parametrize(
    "payload",
    [
        '{"key": "k", "choices": "abc", "page": 0}',  # a string is not a tuple of strings
        '{"key": "k", "choices": ["a", 1], "page": 0}',
        '{"key": "k", "choices": [], "page": true}',  # a bool is not an int
        '{"key": "k", "choices": [], "page": 1.5}',
    ],
)
def test_fields_are_checked_inside_tuples_and_numbers(payload: str) -> None:
    assert SCREEN.parse(_stored("screen", payload)) is None


def test_a_step_of_another_kind_reads_as_none() -> None:
    text = CHANGE.encode(Change("type", "visits", None))
    assert CHANGE.parse(_stored("unknown", text)) is None
    assert SCREEN.parse(_stored("change", text)) is None


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Painted:
    colour: Colour


PAINTED = StepKind("painted", Painted)
ASKED = StepKind("asked", Nothing)


def test_a_kind_that_carries_nothing_stores_null_and_reads_back() -> None:
    assert ASKED.encode(Nothing()) is None
    assert ASKED.parse(_stored("asked", None)) == Nothing()
    assert ASKED.parse(_stored("asked", '{"key": "type"}')) is None  # not what it stored


def test_an_enum_field_reads_back_as_its_member_and_refuses_others() -> None:
    text = PAINTED.encode(Painted(Colour.BLUE))
    assert text == '{"colour":"blue"}'
    back = PAINTED.parse(_stored("painted", text))
    assert back == Painted(Colour.BLUE) and back is not None and back.colour is Colour.BLUE
    assert PAINTED.parse(_stored("painted", '{"colour": "green"}')) is None
    assert PAINTED.parse(_stored("painted", '{"colour": 1}')) is None


def test_the_refusal_says_by_how_much_a_payload_is_too_long() -> None:
    empty = len(CHANGE.encode(Change("k", "", None)) or "")
    with pytest.raises(StepPayloadTooLong) as refused:
        CHANGE.encode(Change("k", "x" * (PAYLOAD_LIMIT - empty + 7), None))
    assert refused.value.excess == 7
