"""Every test checks that no read session writes.

`Database.read` runs outside a transaction (each statement is its own), so a write made by
mistake in a read session would be kept, where a read transaction used to roll it back. The
hook notes any statement other than a query on a read session's connection, and the fixture
fails the test that made it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from domain.db.uow import READ_OPTION

_QUERIES = ("SELECT", "WITH")
written: list[str] = []


def _note_writes(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
    if conn.get_execution_options().get(READ_OPTION) and not statement.lstrip().upper().startswith(
        _QUERIES
    ):
        written.append(" ".join(statement.split())[:160])


@pytest.fixture(scope="session", autouse=True)
def _read_sessions_watched() -> Iterator[None]:
    event.listen(Engine, "before_cursor_execute", _note_writes)
    yield
    event.remove(Engine, "before_cursor_execute", _note_writes)


@pytest.fixture(autouse=True)
def _no_writes_in_read_sessions(_read_sessions_watched: None) -> Iterator[None]:
    written.clear()
    yield
    assert written == [], "a read session wrote (it would be committed)"
