"""The café's ledger through the API (GET /operations): every entry once, in order, page by page
from an opaque cursor, also while others write; a store's key reads its store's entries; no
holder's name or Telegram id; on both engines over real HTTP."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from sqlalchemy import select

from domain.apikeys import Scope
from domain.db.ledger import LedgerRepository
from domain.db.tables import LedgerEntry
from domain.model import LedgerKind
from tests.support.api import ApiClient, Cafe, open_cafe
from tests.support.scenario import new_profile


async def _ledger_ids(client: ApiClient, cafe: Cafe) -> list[int]:
    """Every entry of the café, as the database holds them."""
    async with client.service.database.read() as session:
        query = select(LedgerEntry.id).where(LedgerEntry.merchant_id == cafe.card.merchant_id)
        return sorted((await session.scalars(query)).all())


async def _read_all(
    client: ApiClient, secret: str, limit: int, after: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    """Pages until one is not full; the rows and where to go on from."""
    rows: list[dict[str, Any]] = []
    while True:
        params: dict[str, Any] = {"limit": limit} | ({} if after is None else {"after": after})
        answer = await client.get("/operations", secret, params=params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert len(page["operations"]) <= limit
        rows += page["operations"]
        after = page["next"]
        if not page["more"]:
            return rows, after


async def test_the_ledger_is_read_page_by_page_without_any_holder(api: ApiClient) -> None:
    cafe = await open_cafe(api, type="hybrid", cooldown="0", stamps_target="3")
    otto = new_profile("Otto")
    other = (await api.service.customers.enrol(otto, cafe.shop.first_store.code)).card
    for number in (cafe.card.number, other.number, cafe.card.number):
        await api.post(f"/cards/{number}/earn", cafe.secret, {"stamps": 1})
    await api.post(
        f"/cards/{cafe.card.number}/earn", cafe.secret, {"amount": "7.40", "receipt": "T-1"}
    )
    await api.post(f"/cards/{cafe.card.number}/redeem", cafe.secret, {"points": 3})
    await api.post("/refunds", cafe.secret, {"receipt": "T-1"})

    everything, last = await _read_all(api, cafe.secret, limit=500)
    paged, paged_last = await _read_all(api, cafe.secret, limit=2)
    assert paged == everything and paged_last == last
    assert [row["id"] for row in everything] == await _ledger_ids(api, cafe)
    assert [row["kind"] for row in everything] == [
        "stamp",
        "stamp",
        "stamp",
        "earn_points",
        "redeem_points",
        "refund",
    ]
    earning, refund = everything[3], everything[5]
    assert (earning["amount"], earning["receipt"], earning["points"]) == ("7.40", "T-1", 7)
    assert (refund["reverses"], refund["points"], refund["points_after"]) == (earning["id"], -4, 0)
    assert {row["card"] for row in everything} == {cafe.card.display_number, other.display_number}
    # Balances add up from the feed alone, card by card.
    mine = [row for row in everything if row["card"] == cafe.card.display_number]
    assert sum(row["stamps"] for row in mine) == mine[-1]["stamps_after"] == 2
    # Nothing new: an empty page, the same cursor to come back with.
    again = await api.get("/operations", cafe.secret, params={"after": last})
    assert again.json() == {"operations": [], "next": last, "more": False}
    # No holder in any answer: neither the name nor the Telegram id.
    listing = (await api.get("/operations", cafe.secret)).text
    for person in (cafe.customer, otto):
        assert person.first_name and person.first_name not in listing
        assert str(person.user_id) not in listing
    # What it reads is what happened since: the next operation, and only it.
    await api.post(f"/cards/{other.number}/earn", cafe.secret, {"stamps": 2})
    fresh, _ = await _read_all(api, cafe.secret, limit=10, after=last)
    assert [(row["kind"], row["stamps"]) for row in fresh] == [("stamp", 2)]


async def test_a_store_key_reads_its_stores_operations_and_needs_the_read_scope(
    api: ApiClient,
) -> None:
    cafe = await open_cafe(api, cooldown="0")
    gare = await cafe.shop.add_store("Gare")
    owner = cafe.shop.owner.user_id
    gare_till = await api.service.api_keys.create_key(
        owner, "gare-till", frozenset({Scope.READ, Scope.EARN}), gare.name
    )
    await api.post(f"/cards/{cafe.card.number}/earn", cafe.secret, {"stamps": 1})
    at_gare = await api.post(f"/cards/{cafe.card.number}/earn", gare_till.secret, {"stamps": 2})
    assert at_gare.status_code == 200, at_gare.text

    gare_rows, _ = await _read_all(api, gare_till.secret, limit=10)
    assert [(row["store"], row["stamps"]) for row in gare_rows] == [("Gare", 2)]
    all_rows, _ = await _read_all(api, cafe.secret, limit=10)
    assert [row["store"] for row in all_rows] == [cafe.shop.first_store.name, "Gare"]

    writer = await api.service.api_keys.create_key(owner, "writer", frozenset({Scope.EARN}))
    refused = await api.get("/operations", writer.secret)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "scope_missing"
    assert (await api.get("/operations", None)).status_code == 401


async def test_bad_cursors_and_limits_are_refused(api: ApiClient) -> None:
    cafe = await open_cafe(api, cooldown="0")
    await api.post(f"/cards/{cafe.card.number}/earn", cafe.secret, {"stamps": 1})
    refusals = {
        "after=nonsense": (400, "invalid_cursor"),
        "after=MTIuYWI": (400, "invalid_cursor"),  # "12.ab"
        "after=" + "A" * 65: (422, "invalid_query"),
        "after=": (422, "invalid_query"),
        "limit=0": (422, "invalid_query"),
        "limit=501": (422, "invalid_query"),
        "limit=x": (422, "invalid_query"),
        "limit=1e2": (422, "invalid_query"),
        "limit=99999999999999999999999": (422, "invalid_query"),
        "limit=1&limit=2": (400, "invalid_query"),
        "page=2": (422, "invalid_query"),
        "after=%00": (400, "invalid_cursor"),
        "after=%C3%A9t%C3%A9": (400, "invalid_cursor"),
    }
    for query, (status, code) in refusals.items():
        answer = await api.http.get(
            f"{api.base_url}/api/v1/operations?{query}",
            headers={"Authorization": f"Bearer {cafe.secret}"},
        )
        assert answer.status_code == status, (query, answer.text)
        assert answer.json()["error"]["code"] == code, query


async def test_paging_while_others_write_neither_skips_nor_repeats(api: ApiClient) -> None:
    cafe = await open_cafe(api, type="hybrid", cooldown="0", daily_limit="0")
    cards = [cafe.card.number]
    for name in ("Otto", "Lina", "Yves"):
        enrolled = await api.service.customers.enrol(new_profile(name), cafe.shop.first_store.code)
        cards.append(enrolled.card.number)
    writes = 40

    async def write(card_number: str) -> None:
        for n in range(writes // len(cards)):
            body = {"stamps": 1} if n % 2 else {"amount": f"{n + 1}.00"}
            answer = await api.post(f"/cards/{card_number}/earn", cafe.secret, body)
            assert answer.status_code == 200, answer.text

    writers = asyncio.gather(*(write(number) for number in cards))
    seen: list[int] = []
    after: str | None = None
    pages = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = writers.done()
        params: dict[str, Any] = {"limit": 3} | ({} if after is None else {"after": after})
        page = (await api.get("/operations", cafe.secret, params=params)).json()
        seen += [row["id"] for row in page["operations"]]
        after, pages = page["next"], pages + 1
        if done and not page["more"] and len(seen) >= writes:
            break
    await writers
    assert len(seen) == len(set(seen)) == writes  # none repeated, none skipped
    assert sorted(seen) == await _ledger_ids(api, cafe)
    assert pages > writes // 3  # read while the writes went on, not once after them


async def test_a_row_that_commits_after_a_later_one_is_not_skipped(
    api: ApiClient, engine_name: str
) -> None:
    if engine_name == "sqlite":
        pytest.skip("SQLite has one writer at a time: rows commit in id order")
    cafe = await open_cafe(api, cooldown="0")
    otto = new_profile("Otto")
    other = (await api.service.customers.enrol(otto, cafe.shop.first_store.code)).card
    _, start = await _read_all(api, cafe.secret, limit=10)
    database = api.service.database
    posted = asyncio.Event()
    release = asyncio.Event()

    async def slow_writer() -> int:
        """A stamp whose transaction draws its id first and commits last."""
        async with database.write() as session:
            ledger = LedgerRepository(session, database.dialect)
            card = await ledger.card_by_id(cafe.card.card_id, lock=True)
            assert card is not None
            entry = await ledger.post(
                card,
                kind=LedgerKind.STAMP,
                store_id=card.store_id,
                staff_user_id=None,
                created_at=api.running.clock.now(),
                stamps_delta=1,
            )
            assert entry is not None
            posted.set()
            await release.wait()
            return entry.id

    slow = asyncio.create_task(slow_writer())
    await posted.wait()
    quick = await api.post(f"/cards/{other.number}/earn", cafe.secret, {"stamps": 1})
    quick_id = quick.json()["operation"]["id"]
    # The quick row is committed, but a row with a lower id is still being written: a page
    # now shows neither, so a reader's cursor cannot pass the slow one.
    early = await api.get("/operations", cafe.secret, params={"after": start})
    assert early.json()["operations"] == [] and early.json()["next"] == start
    release.set()
    slow_id = await slow
    assert slow_id < quick_id
    rows, _ = await _read_all(api, cafe.secret, limit=10, after=start)
    assert sorted(row["id"] for row in rows) == [slow_id, quick_id]
