"""The hosting stories run the real application against the emulator, as tests/e2e/ does."""

from tests.e2e.conftest import bot, tg  # noqa: F401 - the same fixtures
