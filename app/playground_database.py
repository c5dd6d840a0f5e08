"""What the playground reads back from its SQLite file when it starts again on it.

A new session brings a new Bot API emulator, which knows nothing of the last one: the bot's
database must be read before the application starts, so this reads the file directly (and
read-only where it can) instead of through the application's repositories.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from emulator.driver import BotApiEmulator
from infra.bots import TokenCipher

# Café bots' tokens are stored encrypted; the playground's tokens are the emulator's, not
# Telegram's, so a fixed key (not a secret) lets the next session read them back.
PLAYGROUND_TOKEN_KEY = "cGxheWdyb3VuZC1rZXktbm90LWEtc2VjcmV0LTMyYiE="


def last_update_id(database_file: str) -> int:
    """The newest update id the bot stored in this database (0 for a new one)."""
    if not Path(database_file).is_file():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)) as db:
            row = db.execute(
                "SELECT max(update_id) FROM inbound_updates WHERE bot_id = 0"
            ).fetchone()
    except sqlite3.Error:  # not a database of this bot (yet): nothing to skip
        return 0
    return int(row[0] or 0)


def host_cafe_bots_again(tg: BotApiEmulator, database_file: str) -> None:
    """A new emulator knows no café bot: host again those of this database, with their tokens.
    Their update ids start again at 1, so the updates they handled before are forgotten."""
    if not Path(database_file).is_file():
        return
    cipher = TokenCipher(PLAYGROUND_TOKEN_KEY)
    try:
        with closing(sqlite3.connect(database_file)) as db:
            rows = db.execute("SELECT username, name, token FROM hosted_bots").fetchall()
            db.execute("DELETE FROM inbound_updates WHERE bot_id <> 0")
            db.commit()
    except sqlite3.Error:  # a database from before café bots: nothing to host
        return
    for username, name, stored in rows:
        tg.create_bot(
            username=username, name=name, token=cipher.decrypt(stored), managed_by=tg.platform
        )
