"""The aiohttp transport (infra/telegram_http.py) under a real PTB Bot, against the emulator over
HTTP: what PTB raises from its answers must be what it raises with its own HTTPXRequest."""

from __future__ import annotations

import asyncio
import io
import socket
import traceback
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import segno
from telegram import Bot, InputFile
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, HTTPXRequest

from emulator import BotApiEmulator, EmulatedUser
from infra.telegram_http import AiohttpRequest

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB's timedelta durations: else building a RetryAfter warns (warnings are errors)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def tg() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(TOKEN, "loyalty_test_bot") as emulator:
        yield emulator


@pytest.fixture
def alice(tg: BotApiEmulator) -> EmulatedUser:
    return tg.user(1001, "Alice", language_code="en", started=True)


def _bot(tg: BotApiEmulator, request: BaseRequest) -> Bot:
    return Bot(
        TOKEN,
        base_url=tg.base_url,
        base_file_url=tg.base_file_url,
        request=request,
        get_updates_request=AiohttpRequest(connection_pool_size=1, read_timeout=20.0),
    )


@pytest.fixture
async def bot(tg: BotApiEmulator) -> AsyncIterator[Bot]:
    async with _bot(tg, AiohttpRequest(read_timeout=1.0)) as real_bot:
        yield real_bot


async def test_a_message_and_its_answer(bot: Bot, alice: EmulatedUser) -> None:
    sent = await bot.send_message(alice.id, "Ünïcode &amp; <b>forms</b> = ok", parse_mode="HTML")

    assert sent.text == "Ünïcode & forms = ok"
    assert [m.content for m in alice.messages] == ["Ünïcode & forms = ok"]
    assert bot.username == "loyalty_test_bot"  # getMe at initialize went through it too


async def test_an_uploaded_image_arrives_byte_for_byte(
    tg: BotApiEmulator, bot: Bot, alice: EmulatedUser
) -> None:
    out = io.BytesIO()
    segno.make("card 1234").save(out, kind="png", scale=3)
    image = out.getvalue()
    document = InputFile(b"a,b\n1,2\n", filename="ledger.csv")

    photo = await bot.send_photo(alice.id, image, caption="Your card")
    doc = await bot.send_document(alice.id, document, caption="Ledger")

    assert photo.caption == "Your card"
    assert tg.file(photo.photo[-1].file_id) == image
    assert doc.document is not None
    assert tg.file(doc.document.file_id) == b"a,b\n1,2\n"
    assert tg.file_name(doc.document.file_id) == "ledger.csv"


async def test_updates_are_long_polled(bot: Bot, alice: EmulatedUser) -> None:
    await alice.send("hello")

    updates = await bot.get_updates(timeout=1)

    assert [u.message.text for u in updates if u.message] == ["hello"]


@pytest.mark.parametrize(
    ("status", "raised"), [(400, BadRequest), (403, Forbidden), (502, NetworkError)]
)
async def test_refusals_raise_what_ptb_raises(
    tg: BotApiEmulator,
    alice: EmulatedUser,
    status: int,
    raised: type[TelegramError],
) -> None:
    """The same fault through both transports: the same exception and message."""
    messages = []
    for request in (HTTPXRequest(), AiohttpRequest()):
        async with _bot(tg, request) as bot:
            tg.fail_next("sendMessage", status=status, description=f"Refused: {status}")
            with pytest.raises(raised) as refused:
                await bot.send_message(alice.id, "hi")
            messages.append(refused.value.message)
    assert messages[0] == messages[1]


async def test_429_gives_retry_after(tg: BotApiEmulator, bot: Bot, alice: EmulatedUser) -> None:
    tg.fail_next("sendMessage", status=429, retry_after=3)

    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(alice.id, "hi")

    assert refused.value.retry_after == timedelta(seconds=3)


async def test_a_slow_answer_times_out(tg: BotApiEmulator, bot: Bot, alice: EmulatedUser) -> None:
    tg.set_delay("sendMessage", 2.0)  # the bot's read timeout is 1 s

    with pytest.raises(TimedOut):
        await bot.send_message(alice.id, "hi")
    tg.set_delay("sendMessage", 0)
    assert (await bot.send_message(alice.id, "again")).text == "again"


async def test_a_dropped_connection_is_a_network_error(
    tg: BotApiEmulator, bot: Bot, alice: EmulatedUser
) -> None:
    tg.drop_connections("sendMessage")

    with pytest.raises(NetworkError) as failed:
        await bot.send_message(alice.id, "hi")

    assert not isinstance(failed.value, TimedOut)
    assert (await bot.send_message(alice.id, "again")).text == "again"


async def test_no_session_before_initialize_or_after_shutdown(tg: BotApiEmulator) -> None:
    """As with HTTPXRequest, PTB reports the transport's RuntimeError as a NetworkError."""
    request = AiohttpRequest()
    url = f"{tg.base_url}{TOKEN}/getMe"
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(url)

    async with request:
        assert (await request.post(url))["username"] == "loyalty_test_bot"  # type: ignore[index,call-overload]
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(url)

    await request.initialize()  # PTB may initialize a bot again after shutting it down
    try:
        assert (await request.post(url))["username"] == "loyalty_test_bot"  # type: ignore[index,call-overload]
    finally:
        await request.shutdown()


async def test_a_full_pool_times_out_without_sending(
    tg: BotApiEmulator, alice: EmulatedUser
) -> None:
    request = AiohttpRequest(connection_pool_size=1, connect_timeout=0.1, pool_timeout=0.1)
    async with _bot(tg, request) as bot:
        tg.set_delay("sendMessage", 1.0)
        slow = asyncio.create_task(bot.send_message(alice.id, "slow"))
        await asyncio.sleep(0.2)  # it holds the only connection

        with pytest.raises(TimedOut, match="not\\* sent") as refused:
            await bot.send_message(alice.id, "no room")
        assert (await slow).text == "slow"
    assert [m.content for m in alice.messages] == ["slow"]
    assert TOKEN not in "".join(traceback.format_exception(refused.value))  # aiohttp names the URL


async def test_no_server_is_a_network_error_that_does_not_show_the_token() -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    request = AiohttpRequest(connect_timeout=1.0)
    async with request:
        with pytest.raises(NetworkError) as failed:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")

    assert "aiohttp.ClientConnectorError" in failed.value.message
    assert TOKEN not in "".join(traceback.format_exception(failed.value))
