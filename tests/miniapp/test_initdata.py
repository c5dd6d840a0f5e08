"""The initData check, as Telegram specifies it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest

from webapp.initdata import InitDataRefused, sign, signed_for, verify

TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NOW = datetime(2026, 1, 13, 9, 0, tzinfo=UTC)


def _fields(data: str) -> list[tuple[str, str]]:
    return parse_qsl(data, keep_blank_values=True)


def test_a_valid_init_data_gives_its_user() -> None:
    data = signed_for(42, TOKEN, now=NOW, first_name="Zoé", username="zoe", language_code="fr")
    user = verify(data, TOKEN, now=NOW + timedelta(hours=1))
    assert (user.user_id, user.first_name, user.username, user.language_code) == (
        42,
        "Zoé",
        "zoe",
        "fr",
    )
    assert user.auth_date == NOW


def test_the_hash_is_telegrams_own_construction() -> None:
    """Computed independently from the documented recipe, not through the module's helpers."""
    import hashlib
    import hmac

    fields = {"auth_date": str(int(NOW.timestamp())), "user": json.dumps({"id": 7})}
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    assert verify(urlencode({**fields, "hash": digest}), TOKEN, now=NOW).user_id == 7


def test_a_tampered_field_is_refused() -> None:
    data = signed_for(42, TOKEN, now=NOW)
    tampered = [
        (k, v.replace('"id":42', '"id":43') if k == "user" else v) for k, v in _fields(data)
    ]
    assert urlencode(tampered) != data
    with pytest.raises(InitDataRefused):
        verify(urlencode(tampered), TOKEN, now=NOW)


def test_an_added_field_is_refused() -> None:
    data = signed_for(42, TOKEN, now=NOW) + "&start_param=x"
    with pytest.raises(InitDataRefused):
        verify(data, TOKEN, now=NOW)


def test_another_bots_token_is_refused() -> None:
    data = signed_for(42, "999999:ANOTHERBOTTOKEN", now=NOW)
    with pytest.raises(InitDataRefused):
        verify(data, TOKEN, now=NOW)


def test_a_stale_auth_date_is_refused_and_the_age_is_configurable() -> None:
    data = signed_for(42, TOKEN, now=NOW)
    assert verify(data, TOKEN, now=NOW + timedelta(hours=23, minutes=59)).user_id == 42
    with pytest.raises(InitDataRefused):
        verify(data, TOKEN, now=NOW + timedelta(hours=24, seconds=1))
    with pytest.raises(InitDataRefused):
        verify(data, TOKEN, now=NOW + timedelta(minutes=11), max_age=timedelta(minutes=10))


def test_an_auth_date_from_the_future_is_refused() -> None:
    with pytest.raises(InitDataRefused):
        verify(signed_for(42, TOKEN, now=NOW + timedelta(hours=1)), TOKEN, now=NOW)


@pytest.mark.parametrize("data", ["", "user=%7B%22id%22%3A1%7D&auth_date=1", "hash="])
def test_a_missing_hash_is_refused(data: str) -> None:
    with pytest.raises(InitDataRefused):
        verify(data, TOKEN, now=NOW)


def test_duplicated_keys_are_refused_even_when_one_copy_is_signed() -> None:
    data = signed_for(42, TOKEN, now=NOW)
    other = json.dumps({"id": 666})
    for doubled in (
        data + "&" + urlencode({"user": other}),
        urlencode({"user": other}) + "&" + data,
    ):
        with pytest.raises(InitDataRefused):
            verify(doubled, TOKEN, now=NOW)
    hash_twice = data + "&hash=" + dict(_fields(data))["hash"]
    with pytest.raises(InitDataRefused):
        verify(hash_twice, TOKEN, now=NOW)


@pytest.mark.parametrize("user", ['{"id":"42"}', '{"id":true}', '{"id":-1}', "[]", "not json"])
def test_a_signed_but_unusable_user_is_refused(user: str) -> None:
    data = sign({"auth_date": str(int(NOW.timestamp())), "user": user}, TOKEN)
    with pytest.raises(InitDataRefused):
        verify(data, TOKEN, now=NOW)
