"""The readable page of the OpenAPI document (GET /api/v1/docs) in headless Chromium: every
documented operation is on it with its parameters, body, answers, refusal codes and an example;
its links lead somewhere on the page; it fetches nothing from anywhere else and runs no script;
it reads on a phone without sideways scrolling. Screenshots: test-output/api/docs-*.png."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import api
from api.errors import code_of, status_of
from api.openapi import CODES
from tests.codebase.test_errors import SAMPLES
from tests.miniapp.test_browser import browser, engine_name  # noqa: F401 - fixtures used here
from tests.support.api import ApiClient

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "api"


async def _open(browser: Any, api: ApiClient, width: int) -> tuple[Any, list[str], list[str]]:  # noqa: F811
    context = await browser.new_context(viewport={"width": width, "height": 800})
    page = await context.new_page()
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text))
    answer = await page.goto(f"{api.base_url}/api/v1/docs")
    assert answer is not None and answer.status == 200
    assert answer.headers["content-type"].startswith("text/html")
    return page, requested, problems


@pytest.mark.parametrize("width", [1024, 360])
async def test_every_documented_operation_is_on_the_page(
    browser: Any,  # noqa: F811 - the fixture
    api: ApiClient,
    width: int,
) -> None:
    document = (await api.get("/openapi.json", None)).json()
    prefix = document["servers"][0]["url"]
    page, requested, problems = await _open(browser, api, width)

    listed = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            listed += 1
            selector = (
                f'section.operation[data-method="{method.upper()}"][data-path="{prefix}{path}"]'
            )
            section = page.locator(selector)
            assert await section.count() == 1, (method, path)
            assert await section.is_visible()
            heading = " ".join((await section.locator("h2").inner_text()).split())
            assert heading == f"{method.upper()} {prefix}{path}"
            text = " ".join((await section.inner_text()).split())
            assert " ".join(operation["summary"].split()).replace("`", "") in text
            # Its parameters, one row each.
            parameters = operation.get("parameters", [])
            assert await section.locator("table.parameters tbody tr").count() == len(parameters)
            for parameter in parameters:
                assert parameter["name"] in text
            # Its answers: one row per status, the refusals with their codes.
            statuses = await section.locator(
                "table.responses tbody td:first-child"
            ).all_inner_texts()
            assert statuses == list(operation["responses"])
            for status, response in operation["responses"].items():
                for code in response.get("x-error-codes", []):
                    row = section.locator(f'tr.refusal[data-status="{status}"]')
                    assert code in await row.inner_text(), (path, status, code)
            if status_429 := operation["responses"].get("429"):
                assert "Retry-After" in text and status_429["x-error-codes"][0] == "rate_limited"
            # Its example: the request as curl, with a body from the document for a POST.
            example = await section.locator("pre.example").inner_text()
            assert f"{api.base_url}{prefix}" in example
            body = operation.get("requestBody")
            if body is not None:
                name = body["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
                sample = document["components"]["schemas"][name]["examples"][0]
                assert json.dumps(sample, ensure_ascii=False) in example
                assert "Idempotency-Key" in example
                await section.locator(f'a[href="#schema-{name}"]').first.click()
                assert await page.locator(f"#schema-{name}").is_visible()
    assert listed == await page.locator("section.operation").count() == 7

    # Every schema, field by field; every link on the page leads to something on it.
    for name, schema in document["components"]["schemas"].items():
        fields = page.locator(f"#schema-{name} tbody tr")
        assert await fields.count() == len(schema.get("properties", {})), name
    broken = await page.evaluate(
        """() => [...document.querySelectorAll('a[href^="#"]')]
             .map(a => a.getAttribute('href'))
             .filter(href => !document.getElementById(href.slice(1)))"""
    )
    assert broken == []
    # Nothing fetched but the page, no script, nothing the browser complained about.
    assert requested == [f"{api.base_url}/api/v1/docs"]
    assert await page.locator("script").count() == 0
    assert problems == []
    assert await page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"docs-{width}.png"), full_page=True)
    await page.context.close()


def test_the_codes_listed_under_a_status_are_answered_with_it() -> None:
    """A code of the document is a refusal's with that status, or one the API writes itself
    with that status (api/*.py)."""
    source = " ".join(
        " ".join(path.read_text().split()) for path in Path(api.__file__).parent.glob("*.py")
    )
    refusals = {(status_of(c(**v)), code_of(c(**v))) for c, v in SAMPLES.items()}
    for status, codes in CODES.items():
        for code in codes:
            assert (status, code) in refusals or f'{status}, "{code}"' in source, (status, code)
