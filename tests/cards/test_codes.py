"""Random identifiers: card numbers, QR tokens, store codes, invite tokens and their hashes."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import codes
from domain.model import format_card_number, normalise_card_number

PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")  # Telegram deep-link payload
SAMPLES = 2_000


def test_card_numbers_are_twelve_ascii_digits() -> None:
    for _ in range(200):
        number = codes.new_card_number()
        assert re.fullmatch(r"[0-9]{12}", number), number
        assert normalise_card_number(format_card_number(number)) == number


def test_card_numbers_are_distinct_and_spread() -> None:
    numbers = [codes.new_card_number() for _ in range(SAMPLES)]
    assert len(set(numbers)) == SAMPLES
    # Leading zeros are kept (the number is zero-padded, not an int): about 10% start with 0.
    first_digits = {n[0] for n in numbers}
    assert first_digits == set("0123456789")
    assert all(len(n) == 12 for n in numbers)


def test_qr_tokens_fit_the_payload_and_the_contract() -> None:
    tokens = [codes.new_qr_token() for _ in range(SAMPLES)]
    assert len(set(tokens)) == SAMPLES
    for token in tokens:
        assert 16 <= len(token) <= 40
        assert PAYLOAD.fullmatch(token), token
        assert PAYLOAD.fullmatch("card_" + token)
        assert len("card_" + token) <= 64
        assert codes.looks_like_qr_token(token)


def test_invite_tokens_fit_the_payload() -> None:
    tokens = [codes.new_invite_token() for _ in range(SAMPLES)]
    assert len(set(tokens)) == SAMPLES
    for token in tokens:
        assert PAYLOAD.fullmatch("staff_" + token), token
        assert len(token) >= 22  # at least 128 bits of URL-safe base64


def test_store_codes_use_the_documented_alphabet() -> None:
    assert codes.STORE_CODE_ALPHABET == "abcdefghjkmnpqrstuvwxyz23456789"
    assert not set("0o1li") & set(codes.STORE_CODE_ALPHABET)
    store_codes = [codes.new_store_code() for _ in range(SAMPLES)]
    assert len(set(store_codes)) == SAMPLES
    for code in store_codes:
        assert len(code) == codes.STORE_CODE_LENGTH == 8
        assert set(code) <= set(codes.STORE_CODE_ALPHABET), code
        assert PAYLOAD.fullmatch("join_" + code)
    # Over 16,000 characters drawn, every letter of the alphabet turns up.
    assert set("".join(store_codes)) == set(codes.STORE_CODE_ALPHABET)


@pytest.mark.parametrize(
    ("token", "digest"),
    [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ],
)
def test_hash_token_is_sha256_hex(token: str, digest: str) -> None:
    assert codes.hash_token(token) == digest


@given(token=st.text(max_size=80))
def test_hash_token_is_deterministic_lowercase_hex(token: str) -> None:
    digest = codes.hash_token(token)
    assert digest == codes.hash_token(token)
    assert digest == hashlib.sha256(token.encode("utf-8")).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)


def test_hash_token_differs_for_different_tokens() -> None:
    token = codes.new_invite_token()
    assert codes.hash_token(token) != codes.hash_token(token + "x")
    assert codes.hash_token(token) != token


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A" * 16, True),
        ("a-b_c" * 8, True),  # 40 characters
        ("A" * 15, False),
        ("A" * 41, False),
        ("", False),
        ("A" * 15 + "!", False),
        ("A" * 15 + " ", False),
        ("A" * 15 + "é", False),
        ("1234-5678-9012", False),  # a card number is not a QR token
    ],
)
def test_looks_like_qr_token(text: str, expected: bool) -> None:
    assert codes.looks_like_qr_token(text) is expected
