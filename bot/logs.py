"""Logging set-up: plain lines by default, one JSON object per line with LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """For platforms that index JSON logs: time, level, logger, message and any exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, log_format: str) -> None:
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # httpx logs every request URL at INFO, and those URLs contain the bot token; at DEBUG
    # python-telegram-bot logs API parameters (invite links, QR tokens, card numbers) and
    # aiosqlite logs SQL parameters. Those stay quiet whatever LOG_LEVEL says.
    for name, floor in (
        ("httpx", logging.WARNING),
        ("httpcore", logging.WARNING),
        ("telegram", logging.INFO),
        ("aiosqlite", logging.INFO),
    ):
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))
