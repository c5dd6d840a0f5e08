"""`python -m bot backup FILE`: an online copy of the SQLite database, taken while it is in use."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from domain.service import LoyaltyService
from infra.db.backup import BackupRefused, backup_sqlite
from tests.support.scenario import new_profile, open_shop

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine_name() -> str:
    return "sqlite"  # the backup command is for the embedded database


@pytest.mark.workers
async def test_backup_copies_a_database_in_use(
    service: LoyaltyService, database_url: str, tmp_path: Path
) -> None:
    shop = await open_shop(service)
    cashier = await shop.hire("Cashier")
    card = (await service.customers.enrol(new_profile(), shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, card.number)
    target = tmp_path / "backup.db"
    result = subprocess.run(  # noqa: ASYNC221 - nothing else runs on the loop meanwhile
        [sys.executable, "-m", "bot", "backup", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": "1:abcdefghij",
            "DATABASE_URL": database_url,
        },
    )
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("SELECT stamp_count FROM cards").fetchall() == [(1,)]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        copy.close()
    with pytest.raises(BackupRefused):  # never overwrites
        backup_sqlite(database_url, str(target))


def test_backup_refuses_postgresql() -> None:
    with pytest.raises(BackupRefused) as refused:
        backup_sqlite("postgresql+asyncpg://u@h/db", "/tmp/x.db")
    assert "pg_dump" in str(refused.value)
