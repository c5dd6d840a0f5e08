"""A read session runs outside a transaction: what it reads is committed data, and the suite's
guard (tests/support/read_guard.py) sees a statement that would write through one."""

from __future__ import annotations

from sqlalchemy import text

from domain.db.uow import Database
from tests.support import read_guard


async def test_a_read_session_sees_what_was_committed_before_each_statement(
    database: Database,
) -> None:
    async with database.write() as session:
        await session.execute(text("CREATE TABLE marks (n integer)"))
    async with database.read() as reading:
        before = (await reading.execute(text("SELECT count(*) FROM marks"))).scalar_one()
        async with database.write() as session:  # meanwhile, another transaction commits
            await session.execute(text("INSERT INTO marks VALUES (1)"))
        after = (await reading.execute(text("SELECT count(*) FROM marks"))).scalar_one()
    assert (before, after) == (0, 1)


async def test_the_guard_notes_a_write_through_a_read_session(database: Database) -> None:
    async with database.write() as session:
        await session.execute(text("CREATE TABLE notes (n integer)"))
    async with database.read() as session:
        await session.execute(text("INSERT INTO notes VALUES (1)"))
    assert read_guard.written == ["INSERT INTO notes VALUES (1)"]
    read_guard.written.clear()  # noted as it should be: this test is not the offender
