"""A worker freezes its start-up heap, after collecting what was already garbage."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from app.memory import settle_after_start


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


@pytest.fixture
def unfrozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()  # the test process runs many apps: keep nothing for its life


def test_garbage_made_before_start_is_collected_and_the_rest_frozen(
    unfrozen_afterwards: None,
) -> None:
    garbage = _Node()
    gone = weakref.ref(garbage)
    kept = _Node()
    del garbage
    settle_after_start()
    assert gone() is None  # collected, not frozen for the life of the process
    assert gc.get_freeze_count() > 0
    # Still alive, and out of the collector's sight (the permanent generation is not listed).
    assert all(tracked is not kept for tracked in gc.get_objects())
