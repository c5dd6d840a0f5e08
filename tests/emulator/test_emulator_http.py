"""The emulator's HTTP surface with raw httpx: routing, parameter formats, faults."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from emulator import BotApiEmulator, EmulatedUser


@pytest.fixture
async def http(tg: BotApiEmulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{tg.base_url}{tg.token}/", timeout=10) as client:
        yield client


async def test_wrong_token_and_unknown_method(tg: BotApiEmulator) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        unauthorized = await client.post(f"{tg.base_url}654321:WRONG/getMe")
        not_found = await client.post(f"{tg.base_url}{tg.token}/sendTelepathy")
    assert unauthorized.status_code == 401
    assert unauthorized.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert not_found.status_code == 404
    assert not_found.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_parameters_from_query_json_and_form(
    http: httpx.AsyncClient, alice: EmulatedUser
) -> None:
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    by_query = await http.get("sendMessage", params={"chat_id": "1001", "text": "query"})
    by_json = await http.post(
        "SENDMESSAGE", json={"chat_id": 1001, "text": "json", "reply_markup": markup}
    )
    by_form = await http.post(
        "sendMessage", data={"chat_id": "1001", "text": "form", "reply_markup": json.dumps(markup)}
    )
    assert [r.json()["result"]["text"] for r in (by_query, by_json, by_form)] == [
        "query",
        "json",
        "form",
    ]
    assert by_form.json()["result"]["reply_markup"] == markup
    assert [m.text for m in alice.messages] == ["query", "json", "form"]


async def test_multipart_upload_with_attach_reference(
    tg: BotApiEmulator, http: httpx.AsyncClient, alice: EmulatedUser
) -> None:
    response = await http.post(
        "sendDocument",
        data={"chat_id": "1001", "document": "attach://export", "caption": "Ledger"},
        files={"export": ("ledger.csv", b"date,stamps\n", "text/csv")},
    )
    document = response.json()["result"]["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "ledger.csv",
        "text/csv",
        12,
    )
    file = (await http.post("getFile", json={"file_id": document["file_id"]})).json()["result"]
    async with httpx.AsyncClient() as client:
        download = await client.get(f"{tg.base_file_url}{tg.token}/{file['file_path']}")
    assert download.content == b"date,stamps\n"
    assert (await alice.next_message()).document_bytes == b"date,stamps\n"


async def test_injected_429_carries_retry_after(
    tg: BotApiEmulator, http: httpx.AsyncClient, alice: EmulatedUser
) -> None:
    tg.fail_next("sendMessage", status=429, retry_after=3, times=2)
    responses = [
        await http.post("sendMessage", json={"chat_id": 1001, "text": "hi"}) for _ in range(3)
    ]

    assert [r.status_code for r in responses] == [429, 429, 200]
    assert responses[0].json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }


async def test_injected_failures_can_target_one_chat(
    tg: BotApiEmulator, http: httpx.AsyncClient, alice: EmulatedUser
) -> None:
    bob = tg.user(1002, "Bob", started=True)
    tg.fail_next("*", status=500, chat_id=bob)
    to_alice = await http.post("sendMessage", json={"chat_id": alice.id, "text": "hi"})
    to_bob = await http.post("sendMessage", json={"chat_id": bob.id, "text": "hi"})
    assert (to_alice.status_code, to_bob.status_code) == (200, 500)
    assert to_bob.json()["description"] == "Internal Server Error"


async def test_flood_control_per_chat(
    tg: BotApiEmulator, http: httpx.AsyncClient, alice: EmulatedUser
) -> None:
    bob = tg.user(1002, "Bob", started=True)
    tg.set_rate_limits(per_chat=1.0, overall=30.0)
    first = await http.post("sendMessage", json={"chat_id": alice.id, "text": "1"})
    second = await http.post("sendMessage", json={"chat_id": alice.id, "text": "2"})
    other_chat = await http.post("sendMessage", json={"chat_id": bob.id, "text": "1"})

    assert (first.status_code, second.status_code, other_chat.status_code) == (200, 429, 200)
    assert second.json()["parameters"] == {"retry_after": 1}
    assert second.json()["description"] == "Too Many Requests: retry after 1"


async def test_dropped_connection_and_delay(
    tg: BotApiEmulator, http: httpx.AsyncClient, alice: EmulatedUser
) -> None:
    tg.drop_connections("sendMessage", after_processing=True)
    with pytest.raises(httpx.RemoteProtocolError):
        await http.post("sendMessage", json={"chat_id": alice.id, "text": "lost answer"})
    assert [m.text for m in alice.messages] == ["lost answer"]  # it was sent nonetheless

    tg.set_delay("getMe", 0.3)
    started = time.monotonic()
    assert (await http.post("getMe")).status_code == 200
    assert time.monotonic() - started >= 0.3


async def test_concurrent_sends_get_increasing_message_ids(
    http: httpx.AsyncClient, alice: EmulatedUser
) -> None:
    responses = await asyncio.gather(
        *(http.post("sendMessage", json={"chat_id": alice.id, "text": f"m{i}"}) for i in range(20))
    )
    ids = sorted(r.json()["result"]["message_id"] for r in responses)
    assert ids == list(range(ids[0], ids[0] + 20))


async def test_bot_wide_limit_counts_a_sliding_second_across_chats(
    tg: BotApiEmulator, http: httpx.AsyncClient
) -> None:
    tg.set_rate_limits(bot_wide=30)
    chats = [tg.user(2000 + i, f"User {i}", started=True).id for i in range(46)]

    async def send(chat_id: int) -> httpx.Response:
        return await http.post("sendMessage", json={"chat_id": chat_id, "text": "hi"})

    first = await asyncio.gather(*(send(chat) for chat in chats[:15]))
    await asyncio.sleep(0.6)
    second = await asyncio.gather(*(send(chat) for chat in chats[15:30]))
    refused = await send(chats[30])
    assert [r.status_code for r in first + second] == [200] * 30
    assert refused.status_code == 429
    assert refused.json()["parameters"] == {"retry_after": 1}
    # Past the first fifteen's second, fifteen more fit, but the second fifteen still count:
    # fixed one-second slots would have let all sixteen through.
    await asyncio.sleep(0.5)
    third = await asyncio.gather(*(send(chat) for chat in chats[30:45]))
    over = await send(chats[45])
    assert [r.status_code for r in third] == [200] * 15
    assert over.status_code == 429
    stats = tg.stats()
    assert (stats["most_messages_in_one_second"], stats["bot_wide_refusals"]) == (30, 2)
    assert stats["answers_429"] == 2


async def test_the_send_window_records_the_peak_without_a_limit(
    tg: BotApiEmulator, http: httpx.AsyncClient, alice: EmulatedUser
) -> None:
    for _ in range(40):
        assert (await http.post("sendMessage", json={"chat_id": alice.id, "text": "x"})).is_success
    await http.post("getMe")  # not a message: not counted
    assert tg.stats()["most_messages_in_one_second"] == tg.stats()["messages_sent"] == 40
    tg.reset_timings()
    assert tg.stats()["most_messages_in_one_second"] == 0
