"""WEB_APP_URL and WEB_APP_MAX_AGE as read from the environment."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ"


def test_without_web_app_url_there_is_no_mini_app() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings.web_app_url is None and settings.web_app_max_age == 86400


def test_the_mini_apps_settings_are_read() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "WEB_APP_URL": "https://bot.example.com/app",
            "WEB_APP_MAX_AGE": "3600",
        }
    )
    assert (settings.web_app_url, settings.web_app_max_age) == ("https://bot.example.com/app", 3600)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WEB_APP_URL", "bot.example.com/app"),
        ("WEB_APP_URL", "http://bot.example.com/app"),
        ("WEB_APP_MAX_AGE", "soon"),
        ("WEB_APP_MAX_AGE", "5"),
    ],
)
def test_malformed_mini_app_settings_are_named(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as bad:
        load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, name: value})
    assert str(bad.value).startswith(name)
