"""API keys' pure rules: names, scopes, secrets and their fingerprints."""

from __future__ import annotations

import pytest

from domain import errors
from domain.apikeys import (
    ALL_SCOPES,
    ApiKeyActor,
    Scope,
    check_key_name,
    looks_like_secret,
    new_secret,
    parse_scopes,
    scopes_of,
    scopes_text,
    secret_hash,
    secret_matches,
)


def test_scopes_are_read_as_owners_type_them_and_default_to_all() -> None:
    assert parse_scopes([]) == ALL_SCOPES
    assert parse_scopes(["read,EARN"]) == {Scope.READ, Scope.EARN}
    assert parse_scopes(["read", "redeem"]) == {Scope.READ, Scope.REDEEM}
    with pytest.raises(errors.InvalidApiKeyScopes):
        parse_scopes(["read,write"])
    assert scopes_of(scopes_text(frozenset({Scope.REDEEM, Scope.READ}))) == {
        Scope.READ,
        Scope.REDEEM,
    }
    assert scopes_text(ALL_SCOPES) == "read,earn,redeem"


@pytest.mark.parametrize("name", ["till", "Till-2", "zapier.sheet", "a" * 32])
def test_good_names(name: str) -> None:
    assert check_key_name(f" {name} ") == name


@pytest.mark.parametrize("name", ["", " ", "two words", "-dash-first", "a" * 33, "café", "x\x00"])
def test_bad_names(name: str) -> None:
    with pytest.raises(errors.InvalidApiKeyName):
        check_key_name(name)


def test_a_secret_is_long_random_and_kept_only_as_its_fingerprint() -> None:
    secrets = {new_secret() for _ in range(100)}
    assert len(secrets) == 100
    secret = secrets.pop()
    assert looks_like_secret(secret) and len(secret) == 46
    stored = secret_hash(secret)
    assert len(stored) == 64 and secret not in stored
    assert secret_matches(secret, stored)
    assert not secret_matches(secret[:-1] + ("A" if secret[-1] != "A" else "B"), stored)
    assert not looks_like_secret("Bearer x") and not looks_like_secret("lk_short")


def test_a_key_does_only_what_its_scopes_allow() -> None:
    key = ApiKeyActor(key_id=1, merchant_id=2, store_id=None, scopes=frozenset({Scope.READ}))
    key.require(Scope.READ)
    with pytest.raises(errors.ApiKeyScopeMissing) as refused:
        key.require(Scope.EARN)
    assert refused.value.scope == "earn"
