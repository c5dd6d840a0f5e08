"""The playground, driven in a terminal as a person would (pexpect on a pseudo-terminal)."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[2]


def test_a_newcomer_tries_every_role_in_the_playground(tmp_path: Path) -> None:
    database = tmp_path / "playground.db"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "playground", str(database)],
        cwd=str(tmp_path),
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        encoding="utf-8",
        timeout=30,
    )
    try:
        child.expect_exact("[owner] > ")
        child.sendline("/setup Café Demo")
        child.expect(r"<(\d+)> https://t\.me/\w+\?start=join_")
        join = child.match.group(1)
        child.expect_exact("[owner] > ")
        child.sendline("/invite")
        child.expect(r"<(\d+)> https://t\.me/\w+\?start=staff_")
        invite = child.match.group(1)
        child.expect_exact("[owner] > ")

        child.sendline(":as customer")
        child.expect_exact("[customer] > ")
        child.sendline(f":open {join}")
        child.expect(r"saved to (\S+card\.png)")
        assert (tmp_path / child.match.group(1)).stat().st_size > 500
        child.expect(r"<(\d+)> the QR code: https://t\.me/\w+\?start=card_")
        card = child.match.group(1)
        child.expect_exact("[customer] > ")

        child.sendline(":as staff")
        child.expect_exact("[staff] > ")
        child.sendline(f":open {invite}")
        child.expect_exact("You are now staff at Café Demo")
        child.expect_exact("[staff] > ")
        child.sendline(f":open {card}")
        child.expect(r"\[(\d+)\] \+1 stamp")
        stamp_button = child.match.group(1)
        child.expect_exact("[staff] > ")
        child.sendline(f":press {stamp_button}")
        child.expect_exact("You got a stamp at Café Demo — 1/10")
        child.expect_exact("✅ 1 stamp added.")
        child.expect_exact("[staff] > ")

        child.sendline(":wait 5m")
        child.expect_exact("The bot's clock now says")
        child.sendline(":quit")
        child.expect_exact("Bye!")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert database.exists()
