"""`python -m bot playground` serves the Mini App too: the printed address opens it as the
person being played, with initData the server accepts."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import httpx
import pexpect
import pytest

pytestmark = pytest.mark.workers

ROOT = Path(__file__).resolve().parents[2]


def test_the_playground_prints_the_mini_apps_address_and_serves_it(tmp_path: Path) -> None:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "playground", str(tmp_path / "playground.db")],
        cwd=str(tmp_path),
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        encoding="utf-8",
        timeout=30,
    )
    try:
        child.expect(r"The Mini App: (http://127\.0\.0\.1:\d+/app/)\?as=owner")
        address = child.match.group(1)
        child.expect_exact("[owner] > ")
        child.sendline("/setup Café Demo")
        child.expect(r"start=join_")
        child.expect_exact("[owner] > ")
        page = httpx.get(f"{address}?as=owner", timeout=10)
        assert page.status_code == 200
        init_data = re.search(r'"initData": "([^"]+)"', page.text)
        assert init_data is not None and "/app/static/simulator.js" in page.text
        home = httpx.post(
            f"{address}api/home",
            json={},
            headers={"Authorization": f"tma {init_data.group(1)}"},
            timeout=10,
        )
        assert home.status_code == 200
        assert home.json()["tabs"] == ["counter", "business"]  # the owner, holding no card
        refused = httpx.post(f"{address}api/home", json={}, timeout=10)
        assert refused.status_code == 401
        child.sendline(":quit")
        child.expect_exact("Bye!")
    finally:
        child.close(force=True)
