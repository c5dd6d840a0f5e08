"""Which webhook URLs an owner may register, the signature, the back-off (pure rules)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from domain import errors
from domain.webhooks import (
    MAX_BACKOFF_SECONDS,
    RETRY_WINDOW,
    EventType,
    WebhookPolicy,
    backoff,
    check_addresses,
    event_body,
    new_endpoint_secret,
    parse_url,
    signature,
)
from infra.dns import resolve_host

STRICT = WebhookPolicy()
LOCAL = WebhookPolicy(allow_http=True)
LAN = WebhookPolicy(allow_private=True)


def _check(url: str, addresses: list[str], policy: WebhookPolicy) -> None:
    check_addresses(parse_url(url, policy), addresses, policy)


@pytest.mark.parametrize(
    ("url", "addresses", "policy"),
    [
        ("https://hooks.example.com/loyalty", ["93.184.215.14"], STRICT),
        (
            "https://hooks.example.com:8443/x?y=1",
            ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
            STRICT,
        ),
        ("http://127.0.0.1:9000/hook", ["127.0.0.1"], LOCAL),
        ("http://localhost/hook", ["127.0.0.1", "::1"], LOCAL),
        ("https://till.lan/hook", ["192.168.1.20"], LAN),
        ("https://till.lan/hook", ["10.0.0.7"], LAN),
    ],
)
def test_allowed_urls(url: str, addresses: list[str], policy: WebhookPolicy) -> None:
    _check(url, addresses, policy)


@pytest.mark.parametrize(
    ("url", "addresses", "policy", "refusal"),
    [
        ("http://hooks.example.com/x", ["93.184.215.14"], STRICT, errors.WebhookNeedsHttps),
        ("http://127.0.0.1/x", ["127.0.0.1"], STRICT, errors.WebhookNeedsHttps),
        ("https://127.0.0.1/x", ["127.0.0.1"], STRICT, errors.WebhookAddressRefused),
        ("https://inside.example/x", ["10.1.2.3"], STRICT, errors.WebhookAddressRefused),
        ("https://inside.example/x", ["172.16.0.1"], LOCAL, errors.WebhookAddressRefused),
        ("https://inside.example/x", ["192.168.0.1"], STRICT, errors.WebhookAddressRefused),
        ("https://inside.example/x", ["fd00::1"], STRICT, errors.WebhookAddressRefused),
        ("https://inside.example/x", ["::ffff:10.0.0.1"], STRICT, errors.WebhookAddressRefused),
        # A public name that also resolves inside: any one address is enough to refuse.
        (
            "https://mixed.example/x",
            ["93.184.215.14", "10.0.0.1"],
            STRICT,
            errors.WebhookAddressRefused,
        ),
        # Link-local (a cloud's metadata service) stays refused even on a LAN policy.
        ("https://169.254.169.254/latest", ["169.254.169.254"], LAN, errors.WebhookAddressRefused),
        ("https://meta.example/x", ["fe80::1%eth0"], LAN, errors.WebhookAddressRefused),
        ("https://shared.example/x", ["100.64.0.1"], STRICT, errors.WebhookAddressRefused),
        # Plain http goes nowhere but this machine, whatever the policy.
        (
            "http://till.lan/hook",
            ["192.168.1.20"],
            WebhookPolicy(True, True),
            errors.WebhookNeedsHttps,
        ),
        ("https://nowhere.example/x", [], STRICT, errors.WebhookHostUnknown),
    ],
)
def test_refused_addresses(
    url: str, addresses: list[str], policy: WebhookPolicy, refusal: type[errors.DomainError]
) -> None:
    with pytest.raises(refusal):
        _check(url, addresses, policy)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "hooks.example.com/x",
        "ftp://hooks.example.com/x",
        "https:///x",
        "https://user:pass@hooks.example.com/x",
        "https://hooks.example.com:99999/x",
        "https://hooks.example.com/a b",
        "https://hooks.example.com/" + "x" * 400,
        "javascript:alert(1)",
    ],
)
def test_malformed_urls(url: str) -> None:
    with pytest.raises((errors.InvalidWebhookUrl, errors.WebhookNeedsHttps)):
        parse_url(url, LOCAL)


async def test_a_name_resolves_to_what_the_server_would_reach() -> None:
    """localhost is loopback, as a request would find it: refused unless allowed."""
    addresses = await resolve_host("localhost")
    assert addresses and all(a in ("127.0.0.1", "::1") for a in addresses)
    with pytest.raises(errors.WebhookAddressRefused):
        check_addresses(parse_url("https://localhost/x", STRICT), addresses, STRICT)
    assert await resolve_host("no-such-host.invalid") == []


def test_the_signature_is_hmac_sha256_of_time_dot_body() -> None:
    secret = new_endpoint_secret()
    when = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    body = event_body("evt_1", EventType.OPERATION_CREATED, when, 7, {"card": "1234-5678-9012"})
    header = signature(secret, 1_796_472_000, body)
    stamp, digest = header.split(",")
    assert stamp == "t=1796472000"
    expected = hmac.new(secret.encode(), f"1796472000.{body}".encode(), hashlib.sha256)
    assert digest == f"v1={expected.hexdigest()}"
    assert signature(new_endpoint_secret(), 1_796_472_000, body) != header
    event = json.loads(body)
    assert event == {
        "id": "evt_1",
        "type": "operation.created",
        "created_at": "2026-12-05T12:00:00Z",
        "merchant": 7,
        "data": {"card": "1234-5678-9012"},
    }


def test_backoff_grows_to_an_hour_and_retries_fill_three_days() -> None:
    waits = [backoff(n) for n in range(1, 100)]
    assert waits == sorted(waits)
    assert waits[0] == timedelta(seconds=15)
    assert waits[-1] == timedelta(seconds=MAX_BACKOFF_SECONDS)
    elapsed, tries = timedelta(0), 0
    while elapsed < RETRY_WINDOW:
        tries += 1
        elapsed += backoff(tries)
    assert 60 <= tries <= 90  # tried about hourly for three days, not hammered
