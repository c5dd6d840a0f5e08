"""The verification snippet of docs/api.md works on what the sender signs (it is what
integrators copy), and refuses what it must."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.webhooks import EventType, event_body, new_endpoint_secret, signature

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _snippet() -> Any:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("### Verifying the signature") :]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    namespace: dict[str, Any] = {}
    # Our own document, run as an integrator would paste it.
    exec(compile(code.group(1), str(DOC), "exec"), namespace)
    return namespace["verify"]


def test_the_documented_check_accepts_a_signed_event_and_refuses_tampering() -> None:
    verify = _snippet()
    secret = new_endpoint_secret()
    when = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    body = event_body("evt_1", EventType.CARD_CREATED, when, 7, {"store": {"name": "Café Lux"}})
    stamp = int(when.timestamp())
    header = signature(secret, stamp, body)
    raw = body.encode()
    assert verify(secret, header, raw, now=stamp + 10)
    assert not verify(secret, header, raw.replace(b"Lux", b"Lax"), now=stamp + 10)
    assert not verify(new_endpoint_secret(), header, raw, now=stamp + 10)
    assert not verify(secret, header, raw, now=stamp + 3600)  # a replay an hour later
    assert not verify(secret, "t=nonsense", raw, now=stamp)
    assert not verify(secret, "", raw, now=stamp)


def test_the_event_catalogue_lists_every_event_type() -> None:
    text = DOC.read_text(encoding="utf-8")
    catalogue = text[text.index("### Events") : text.index("### Delivery")]
    listed = set(re.findall(r"^\| `([a-z_.]+)` \|", catalogue, re.MULTILINE))
    assert listed == {event.value for event in EventType}
