"""Every refusal of the domain has its place in the API's one error shape: a 4xx status, a
snake_case code, an English message without markup, its figures as JSON."""

from __future__ import annotations

import json
import re

import pytest

from api.errors import refusal_answer
from domain import errors
from tests.codebase.test_errors import SAMPLES


@pytest.mark.parametrize(
    ("cls", "values"), SAMPLES.items(), ids=lambda x: getattr(x, "__name__", "")
)
def test_each_refusal_has_a_status_a_code_and_a_plain_message(
    cls: type[errors.DomainError], values: dict[str, object]
) -> None:
    answer = refusal_answer(cls(**values))
    assert 400 <= answer.status_code < 500
    error = json.loads(bytes(answer.body))["error"]
    assert re.fullmatch(r"[a-z][a-z_]*", error["code"])
    assert error["message"] and "<" not in error["message"]
    assert set(error) == {"code", "message", *values}


def test_the_codes_an_integrator_acts_on() -> None:
    codes = {
        errors.ApiKeyRefused(): (401, "unauthorized"),
        errors.ApiKeyScopeMissing(scope="earn"): (403, "scope_missing"),
        errors.CardNumberWrongLength(digits=11): (404, "card_not_found"),
        errors.CooldownActive(minutes_left=3): (409, "cooldown"),
        errors.DailyLimitReached(daily_limit=1, remaining_today=0): (409, "daily_limit"),
        errors.KeyUsedForAnotherRequest(): (409, "idempotency_key_reused"),
        errors.KeyUsedForAnotherCard(): (409, "idempotency_key_reused"),
        errors.ReceiptAlreadyUsed(receipt="R"): (409, "receipt_used"),
        errors.TooManyFailedLookups(retry_after_minutes=2): (429, "too_many_failed_lookups"),
    }
    for refusal, (status, code) in codes.items():
        answer = refusal_answer(refusal)
        assert (answer.status_code, json.loads(bytes(answer.body))["error"]["code"]) == (
            status,
            code,
        )
    assert (
        refusal_answer(errors.TooManyFailedLookups(retry_after_minutes=2)).headers["retry-after"]
        == "120"
    )
