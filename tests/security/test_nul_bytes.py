"""A NUL character in what a user types, on both engines.

PostgreSQL refuses U+0000 in text ("invalid byte sequence for encoding UTF8: 0x00") where
SQLite stores it, so text that reaches a query unvalidated fails only there; the fuzzing runs
on SQLite, hence these cases on both engines.
"""

from __future__ import annotations

import pytest

from tests.support.secure_bot import SecureBot, assert_handled_well, changed_sections, snapshot

TEXTS = [
    "/join ab\x00cdefg",
    "/start join_ab\x00cdefg",
    "/start staff_a\x00b",
    "/start card_a\x00b",
    "/stamp 1234\x00",
    "/lookup " + "A" * 20 + "\x00",
    "/setup Caf\x00e",
    "/addstore X\x00",
    "/invite X\x00",
    "/poster X\x00",
    "/revoke 1\x00",
    "/program set reward a\x00b",
    "/program set timezone Europe/Lux\x00",
    "/program set ty\x00pe x",
    "/summary w\x00",
    "/export 1\x00",
    "hello\x00",
    "1234-5678-9012\x00",
]


@pytest.mark.parametrize("text", TEXTS, ids=lambda text: repr(text)[1:-1])
async def test_a_nul_character_gets_a_clear_reply_and_changes_nothing(
    secure_bot: SecureBot, text: str
) -> None:
    owner = secure_bot.tg.user(10, "Owner", language_code="en")
    assert_handled_well(await secure_bot.send(owner, "/setup Café"), secure_bot)
    stranger = secure_bot.tg.user(11, "Stranger", language_code="en")
    for user in (owner, stranger):
        before = await snapshot(secure_bot.service)
        exchange = await secure_bot.send(user, text)
        assert_handled_well(exchange, secure_bot)
        assert changed_sections(before, await snapshot(secure_bot.service)) == set()
