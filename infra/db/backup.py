"""Online backups of the SQLite database with SQLite's backup API (consistent while in use)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupRefused(Exception):
    """The backup cannot be made; the message says why and what to do instead."""


def backup_sqlite(database_url: str, destination: str) -> str:
    """Copy the database to `destination` page by page; returns the source file's path."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise BackupRefused(
            "backup copies SQLite databases; for PostgreSQL use pg_dump (see docs/operating.md)"
        )
    source_path, target = Path(url.database), Path(destination)
    if not source_path.exists():
        raise BackupRefused(f"there is no database at {source_path}")
    if target.exists():
        raise BackupRefused(f"{target} exists already; choose a new file name")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        with copy:
            # A few pages at a time, so the bot's writers are never blocked for long.
            source.backup(copy, pages=256)
    finally:
        copy.close()
        source.close()
    return str(source_path)
