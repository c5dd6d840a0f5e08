"""Logging set-up: plain lines by default, one JSON object per line with LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from bot.wallet.paths import IDENTIFYING_ROUTES

# The PassKit web service's paths carry card numbers (as serial numbers) and device ids: from
# its first "/v1/devices/" or "/v1/passes/" on, an access log line shows the route instead.
_PASSKIT_TAIL = re.compile(r"/v1/(?:devices|passes)/.*", re.DOTALL)
_PASSKIT_ROUTES = tuple(
    (re.compile("[^/]+".join(map(re.escape, re.split(r"\{\w+\}", route)))), route)
    for route in IDENTIFYING_ROUTES
)
UNKNOWN_PASSKIT_ROUTE = "/v1/{unknown}"


def redact_path(path: str) -> str:
    """The path with any PassKit route's parameters (and query) replaced by the route template."""
    tail = _PASSKIT_TAIL.search(path)
    if tail is None:
        return path
    route = tail.group().partition("?")[0]
    template = next(
        (template for pattern, template in _PASSKIT_ROUTES if pattern.fullmatch(route)),
        UNKNOWN_PASSKIT_ROUTE,
    )
    return path[: tail.start()] + template


class RedactPasskitPaths(logging.Filter):
    """For uvicorn's access log, whose record arguments include the request's path."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_path(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


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
    # On the logger, which uvicorn's own logging configuration leaves in place (it replaces the
    # handlers); each worker process builds its app, and so comes here, before serving.
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(each, RedactPasskitPaths) for each in access.filters):
        access.addFilter(RedactPasskitPaths())
