"""The playground's till (`:till`), driven in a terminal: the key and the one-line `curl` it
prints earn on the customer's card through the real API, run as printed; the webhook that
operation causes is printed in the playground with its signature checked; the same line again
earns nothing more."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import httpx
import pexpect
import pytest

from tests.playground.test_playground import _terminal

pytestmark = pytest.mark.workers

CURL = re.compile(r"(curl -s -X POST \S+ [^\r\n]+)\r?\n")


def _run(line: str) -> dict[str, object]:
    """The printed line, run as a shell would (by curl where there is one)."""
    words = shlex.split(line)
    if shutil.which("curl") is not None:
        done = subprocess.run(words, capture_output=True, text=True, timeout=30, check=True)
        answer = json.loads(done.stdout)
    else:  # the same request, read from the same words
        headers = dict(words[i + 1].split(": ", 1) for i, word in enumerate(words) if word == "-H")
        body = words[words.index("-d") + 1]
        answer = httpx.post(words[4], content=body, headers=headers, timeout=30).json()
    assert isinstance(answer, dict)
    return answer


def test_the_till_earns_with_a_curl_line_and_its_webhook_is_printed(tmp_path: Path) -> None:
    with _terminal(tmp_path, "playground", str(tmp_path / "playground.db")) as child:
        child.expect_exact("[owner] > ")
        child.sendline("/setup Café Demo")
        child.expect(r"<(\d+)> https://t\.me/\w+\?start=join_")
        join = child.match.group(1)
        child.expect_exact("[owner] > ")
        child.sendline(":as customer")
        child.expect_exact("[customer] > ")
        child.sendline(f":open {join}")
        child.expect(r"Card number: (\d{4}-\d{4}-\d{4})")
        number = child.match.group(1)
        child.expect_exact("[customer] > ")

        child.sendline(":till")
        child.expect(r"Your till's API key \(shown once; /apikeys lists it\): lk_\S+")
        child.expect_exact(f"Earn on {number} from another terminal:")
        child.expect(CURL)
        line = child.match.group(1)
        child.expect_exact("Webhooks go to http://127.0.0.1:")
        child.expect_exact("[customer] > ")

        answer = _run(line)
        assert answer["operation"]["kind"] == "stamp", answer  # type: ignore[index]
        assert answer["card"]["stamps"] == 1, answer  # type: ignore[index]
        child.expect(
            rf"📨 webhook operation\.created evt_\w+: card {number}, kind stamp, stamps 1,"
            r" points 0 \(signature ✓\)"
        )

        again = _run(line)  # the same Idempotency-Key: the first answer, nothing earned again
        assert (again.pop("replayed"), answer.pop("replayed")) == (True, False)
        assert again == answer
        child.sendline("/card")
        child.expect_exact("Stamps: 1/10")
        child.expect_exact("[customer] > ")
        child.sendline(":quit")
        child.expect_exact("Bye!")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 0
    shown = (tmp_path / "terminal-1.txt").read_text(encoding="utf-8")
    assert shown.count("You got a stamp at Café Demo — 1/10") == 1  # told, as at the counter
    assert shown.count("📨 webhook operation.created") == 1  # the repeat caused no event
    assert "signature ✗" not in shown
