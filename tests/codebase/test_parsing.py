"""What the bot reads from users: languages, amounts, card arguments, callback data, settings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.callbacks import ButtonAction, ButtonRouter, Token
from bot.config import NO_TOKEN_HELP, ConfigError, load_settings
from bot.features.common import split_card_reference
from bot.i18n import choose_language, normalise_language, translator

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("de-CH", "de"),
        ("lb-LU", "lb"),
        ("lb_LU", "lb"),
        ("FR", "fr"),
        ("en", "en"),
        ("pt-BR", None),
        ("", None),
        (None, None),
    ],
)
def test_telegram_language_codes_are_normalised(code: str | None, expected: str | None) -> None:
    assert normalise_language(code) == expected


def test_language_choice_order() -> None:
    assert choose_language("fr", "de-CH", "lb", "en") == "fr"
    assert choose_language(None, "de-CH", "lb", "en") == "de"
    assert choose_language(None, "pt-BR", "lb", "en") == "lb"
    assert choose_language(None, None, None, "en") == "en"


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("fr", "12,50", "12.50"),
        ("fr", "12.50", "12.50"),
        ("en", "12.50", "12.50"),
        ("en", "12,50", "12.50"),
        ("de", "€ 7", "7"),
        ("de", "7 EUR", "7"),
        ("de", "1.234,50", "1234.50"),
        ("en", "1,234.50", "1234.50"),
        ("lb", "0,99", "0.99"),
    ],
)
def test_amounts_are_read_in_the_users_locale(language: str, typed: str, expected: str) -> None:
    assert translator(language).parse_amount(typed) == Decimal(expected)


@pytest.mark.parametrize(
    "typed", ["", "abc", "-5", "1e3", "12,505", "١٢", "NaN", "12,50,3", "∞", "0x10"]
)
def test_unreadable_amounts_are_none(typed: str) -> None:
    assert translator("fr").parse_amount(typed) is None


@pytest.mark.parametrize(
    ("tokens", "reference", "rest"),
    [
        (["1234-5678-9012"], "1234-5678-9012", []),
        (["1234", "5678", "9012", "2"], "1234 5678 9012", ["2"]),
        (["123456789012", "12,50"], "123456789012", ["12,50"]),
        (["token_ABCdef1234567890"], "token_ABCdef1234567890", []),
        (["12", "34"], "12", ["34"]),
        ([], None, []),
    ],
)
def test_card_reference_is_split_from_the_arguments(
    tokens: list[str], reference: str | None, rest: list[str]
) -> None:
    assert split_card_reference(tokens) == (reference, rest)


async def _tapped(*arguments: object) -> None:
    return None


def test_callback_data_is_typed_parsed_and_bounded() -> None:
    stamp = ButtonAction("st", (Token, Token))
    history = ButtonAction("h", (int, int))
    router = ButtonRouter([(stamp, _tapped), (history, _tapped)])
    assert stamp.data("123456789012", "abc") == "st:123456789012:abc"
    assert router.route("st:123456789012:abc") == (_tapped, ("123456789012", "abc"))
    assert router.route("h:12:7") == (_tapped, (12, 7))
    for forged in (
        "h:12:x",
        "h:12",
        "h:12:7:1",
        "h:-1:7",
        "st:a b:c",
        "zz:1",
        "",
        None,
        "h:" + "9" * 70,
    ):
        assert router.route(forged) is None, forged
    with pytest.raises(AssertionError):
        stamp.data("x" * 40, "y" * 40)  # over Telegram's 64 bytes: refused when made


def test_a_button_code_is_used_by_one_feature_only() -> None:
    with pytest.raises(AssertionError):
        ButtonRouter([(ButtonAction("st"), _tapped), (ButtonAction("st", (int,)), _tapped)])


def test_settings_need_a_token_and_say_how_to_get_one() -> None:
    with pytest.raises(ConfigError) as missing:
        load_settings({})
    assert str(missing.value) == NO_TOKEN_HELP
    assert "BotFather" in NO_TOKEN_HELP and "playground" in NO_TOKEN_HELP


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("DATABASE_URL", "mysql://x"),
        ("TELEGRAM_API_BASE_URL", "ftp://x"),
        ("LOG_LEVEL", "LOUD"),
        ("DEFAULT_LANGUAGE", "es"),
        ("PORT", "70000"),
        ("WEBHOOK_URL", "nope"),
        ("WEBHOOK_SECRET", "has spaces"),
        ("TELEGRAM_MESSAGES_PER_SECOND", "fast"),
        ("TELEGRAM_MESSAGES_PER_SECOND", "-1"),
        ("TELEGRAM_MESSAGES_PER_SECOND", "nan"),
    ],
)
def test_malformed_settings_are_named(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as bad:
        load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, name: value})
    assert str(bad.value).startswith(name)
    assert "\n" not in str(bad.value)


def test_settings_defaults_and_postgres_urls() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": "postgres://u@h/db"})
    assert settings.database_url == "postgres://u@h/db"  # as given: create_engine normalises
    assert settings.api_file_url == "https://api.telegram.org/file/bot"
    assert settings.messages_per_second == 30
    local = load_settings(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot"}
    )
    assert local.api_file_url == "http://127.0.0.1:9/file/bot"
