"""Settings from the environment. A missing or malformed one stops start-up with one clear line."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

from domain.apikeys import DEFAULT_REQUESTS_PER_MINUTE
from domain.program import LANGUAGES
from domain.webhooks import WebhookPolicy

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///loyalty.db"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

NO_TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather in Telegram "
    "(send /newbot) and export it, or try the bot locally without one: "
    "uv run python -m bot playground"
)


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""


class MissingToken(ConfigError):
    """No TELEGRAM_BOT_TOKEN at all (the message says how to get one or try the playground)."""


@dataclass(frozen=True)
class Settings:
    token: str
    database_url: str = DEFAULT_DATABASE_URL
    api_base_url: str = DEFAULT_API_BASE_URL
    log_level: str = "INFO"
    default_language: str = "en"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    port: int = 8080
    log_format: str = "text"  # or "json"
    job_interval_scale: float = 1.0  # < 1 runs scheduled checks more often (tests, demos)
    # Telegram's limit for a bot; 0 sends without limit (a local Bot API server, benchmarks).
    messages_per_second: float = 30.0
    # How long a claim on an effect holds unless renewed: a worker that died holds the effects
    # it was delivering this long (its live dispatcher renews them while they wait).
    outbox_lease_seconds: float = 30.0
    # The Mini App's public address (https://…/app); None: no Mini App buttons, and in polling
    # mode no web server. initData older than web_app_max_age seconds is refused.
    web_app_url: str | None = None
    web_app_max_age: float = 86400.0
    # Fernet keys (comma-separated; the first encrypts) for café bots' tokens at rest; None:
    # the platform cannot take on café bots (/mybot says so).
    bot_token_key: str | None = None
    # Which webhook URLs (PRODUCT.md §12) owners may register besides public HTTPS ones:
    # ALLOW_HTTP_WEBHOOKS plain http to this machine (tests, the playground),
    # ALLOW_PRIVATE_WEBHOOKS servers on a private network.
    webhook_policy: WebhookPolicy = field(default_factory=WebhookPolicy)
    # Requests an API key may make in a minute, across all workers; 0: no limit (benchmarks).
    api_requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE

    @property
    def api_file_url(self) -> str:
        """Bot API servers serve files under /file/bot<token>/ beside /bot<token>/."""
        base = self.api_base_url.rstrip("/")
        head, _, _ = base.rpartition("/")
        return f"{head}/file/bot"


def _number(
    env: Mapping[str, str], name: str, default: float, low: float, high: float, expected: str
) -> float:
    text = env.get(name) or str(default)
    try:
        value = float(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ConfigError(f"{name} is malformed: expected {expected}, got {text!r}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    text = (env.get(name) or "").strip().casefold()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} is malformed: expected 1 or 0, got {text!r}")


def _token(value: str | None) -> str:
    if not value:
        raise MissingToken(NO_TOKEN_HELP)
    bot_id, sep, secret = value.partition(":")
    if not sep or not bot_id.isdigit() or len(secret) < 8:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is malformed: expected <digits>:<secret> as given by @BotFather"
        )
    return value


def _url(name: str, value: str, schemes: tuple[str, ...]) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ConfigError(f"{name} is malformed: expected a {'/'.join(schemes)} URL, got {value!r}")
    return value


def _fernet_keys(value: str) -> None:
    from cryptography.fernet import Fernet

    for key in value.split(","):
        try:
            Fernet(key.strip().encode())
        except ValueError:
            raise ConfigError(
                "BOT_TOKEN_KEY is malformed: expected Fernet keys (32 url-safe base64 bytes), "
                "comma-separated; make one with: python -m bot newkey"
            ) from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    token = _token(env.get("TELEGRAM_BOT_TOKEN"))
    database_url = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not database_url.startswith(
        ("sqlite+aiosqlite://", "postgresql+asyncpg://", "postgresql://", "postgres://")
    ):
        raise ConfigError(
            "DATABASE_URL is malformed: expected sqlite+aiosqlite:///file.db or postgresql://user@host/db"
        )
    api_base_url = _url(
        "TELEGRAM_API_BASE_URL",
        env.get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL,
        ("http", "https"),
    )
    log_level = (env.get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL is malformed: expected one of {', '.join(LOG_LEVELS)}")
    language = (env.get("DEFAULT_LANGUAGE") or "en").lower()
    if language not in LANGUAGES:
        raise ConfigError(f"DEFAULT_LANGUAGE is malformed: expected one of {', '.join(LANGUAGES)}")
    webhook_url = env.get("WEBHOOK_URL") or None
    if webhook_url is not None:
        _url("WEBHOOK_URL", webhook_url, ("https", "http"))
    webhook_secret = env.get("WEBHOOK_SECRET") or None
    if webhook_secret is not None and not (
        1 <= len(webhook_secret) <= 256
        and all(c.isascii() and (c.isalnum() or c in "_-") for c in webhook_secret)
    ):
        raise ConfigError("WEBHOOK_SECRET is malformed: 1-256 characters of A-Z, a-z, 0-9, _ and -")
    port_text = env.get("PORT") or "8080"
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ConfigError(
            f"PORT is malformed: expected a number from 1 to 65535, got {port_text!r}"
        )
    log_format = (env.get("LOG_FORMAT") or "text").lower()
    if log_format not in ("text", "json"):
        raise ConfigError("LOG_FORMAT is malformed: expected text or json")
    job_interval_scale = _number(env, "JOB_INTERVAL_SCALE", 1, 0.001, 1, "0.001 to 1")
    messages_per_second = _number(
        env, "TELEGRAM_MESSAGES_PER_SECOND", 30, 0, 1000, "0 (no limit) to 1000"
    )
    outbox_lease = _number(env, "OUTBOX_LEASE_SECONDS", 30, 1, 3600, "1 to 3600 seconds")
    web_app_url = env.get("WEB_APP_URL") or None
    if web_app_url is not None:
        _url("WEB_APP_URL", web_app_url, ("https",))  # Telegram opens Mini Apps over HTTPS only
    web_app_max_age = _number(env, "WEB_APP_MAX_AGE", 86400, 60, 2_592_000, "60 to 2592000 seconds")
    bot_token_key = env.get("BOT_TOKEN_KEY") or None
    if bot_token_key is not None:
        _fernet_keys(bot_token_key)
    webhook_policy = WebhookPolicy(
        allow_http=_flag(env, "ALLOW_HTTP_WEBHOOKS"),
        allow_private=_flag(env, "ALLOW_PRIVATE_WEBHOOKS"),
    )
    api_requests_per_minute = _number(
        env,
        "API_REQUESTS_PER_MINUTE",
        DEFAULT_REQUESTS_PER_MINUTE,
        0,
        1_000_000,
        "0 (no limit) to 1000000",
    )
    if api_requests_per_minute != int(api_requests_per_minute):
        raise ConfigError("API_REQUESTS_PER_MINUTE is malformed: expected a whole number")
    return Settings(
        token=token,
        api_requests_per_minute=int(api_requests_per_minute),
        webhook_policy=webhook_policy,
        bot_token_key=bot_token_key,
        outbox_lease_seconds=outbox_lease,
        messages_per_second=messages_per_second,
        job_interval_scale=job_interval_scale,
        log_format=log_format,
        database_url=database_url,
        api_base_url=api_base_url,
        log_level=log_level,
        default_language=language,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        port=int(port_text),
        web_app_url=web_app_url,
        web_app_max_age=web_app_max_age,
    )
