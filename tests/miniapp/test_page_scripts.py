"""The page's scripts stay small, and the real server serves every module the entry script
imports, as JavaScript: a browser refuses a module with another content type, and a missing one
stops the whole page, not one screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.miniapp import MiniAppClient

STATIC = Path(__file__).resolve().parents[2] / "webapp" / "static"
ENTRY = re.compile(r'<script type="module" src="/app/static/([^"]+)"></script>')
# `import "./x.js";` and `import { a, b } from "./x.js";`, one per line as the modules write them
IMPORT = re.compile(r'^import\s+(?:[^"\n]*\s+from\s+)?"\./([^"]+)";', re.MULTILINE)
JAVASCRIPT = {"text/javascript", "application/javascript"}


@pytest.fixture(params=["sqlite"])
def engine_name(request: pytest.FixtureRequest) -> str:
    """The scripts are files: one engine is enough."""
    return str(request.param)


def test_every_file_the_page_is_made_of_stays_under_400_lines() -> None:
    # Telegram's own script (vendor/) is not ours to split.
    lengths = {p.name: len(p.read_text().splitlines()) for p in STATIC.iterdir() if p.is_file()}
    assert "app.js" in lengths
    assert {name: n for name, n in lengths.items() if n >= 400} == {}


async def test_the_server_serves_every_module_the_entry_script_imports(
    miniapp: MiniAppClient,
) -> None:
    page = await miniapp.http.get(f"{miniapp.base_url}/app/")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    [entry] = ENTRY.findall(page.text)
    served: dict[str, str] = {}
    wanted = [entry]
    while wanted:
        name = wanted.pop()
        if name in served:
            continue
        script = await miniapp.http.get(f"{miniapp.base_url}/app/static/{name}")
        assert script.status_code == 200, name
        assert script.headers["content-type"].split(";")[0] in JAVASCRIPT, name
        served[name] = script.text
        wanted += IMPORT.findall(script.text)
    # Every module on disk is reached from the entry (one left out would never run), and the
    # classic scripts (telegram.js, the playground's simulator.js) are not modules.
    modules = {
        p.name for p in STATIC.glob("*.js") if re.search(r"^(import|export) ", p.read_text(), re.M)
    }
    assert set(served) == modules
    assert {"telegram.js", "simulator.js"}.isdisjoint(modules)
