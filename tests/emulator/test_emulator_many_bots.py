"""One emulator, several bots: own chats, update ids, tokens, limits and webhooks per bot,
and managed bots (Bot API 9.6) created by a keyboard button or a t.me/newbot link."""

from __future__ import annotations

import asyncio
import gc
import io
import socket
import statistics
import time
import tracemalloc
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from PIL import Image
from telegram import (
    Bot,
    InputProfilePhotoStatic,
    KeyboardButton,
    KeyboardButtonRequestManagedBot,
    ReplyKeyboardMarkup,
)
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from emulator import BotApiEmulator, EmulatedBot, EmulatedUser
from emulator.client import EmulatorClient

TOKEN = "123456:TEST-TOKEN"  # the conftest emulator's platform bot


def _bot_for(tg: BotApiEmulator, token: str) -> Bot:
    return Bot(token, base_url=tg.base_url, base_file_url=tg.base_file_url)


@pytest.fixture
async def shop(tg: BotApiEmulator) -> EmulatedBot:
    return tg.create_bot(username="shop_bot", name="Shop", managed_by=tg.platform)


@pytest.fixture
async def shop_bot(tg: BotApiEmulator, shop: EmulatedBot) -> AsyncIterator[Bot]:
    async with _bot_for(tg, shop.token) as real_bot:
        yield real_bot


async def _offer_managed_bot(bot: Bot, user: EmulatedUser, **suggested: str) -> None:
    request = KeyboardButtonRequestManagedBot(request_id=7, **suggested)
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Create my bot", request_managed_bot=request)], ["Later"]]
    )
    await bot.send_message(user.id, "Create your shop's bot", reply_markup=keyboard)


async def test_bots_are_listed_and_found(tg: BotApiEmulator, shop: EmulatedBot) -> None:
    assert tg.platform.token == TOKEN
    assert tg.platform.username == "loyalty_test_bot"
    assert tg.bots == [tg.platform, shop]
    assert tg.bot("shop_bot") is shop
    assert tg.bot("@Shop_Bot") is shop
    assert tg.bot(shop.id) is shop
    assert shop.manager is tg.platform
    assert tg.platform.manager is None
    bot_id, _, secret = shop.token.partition(":")
    assert int(bot_id) == shop.id
    assert secret
    with pytest.raises(ValueError, match="taken"):
        tg.create_bot(username="SHOP_BOT")
    with pytest.raises(LookupError):
        tg.bot("nobody_bot")
    given = tg.create_bot(username="given_bot", token="555:GIVEN")
    assert (given.id, given.token, given.name) == (555, "555:GIVEN", "given_bot")


async def test_each_bot_answers_get_me_with_its_own_token(
    tg: BotApiEmulator, bot: Bot, shop_bot: Bot, shop: EmulatedBot
) -> None:
    assert (await bot.get_me()).username == "loyalty_test_bot"
    me = await shop_bot.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (shop.id, "shop_bot", "Shop", True)
    with pytest.raises(InvalidToken):
        async with _bot_for(tg, f"{shop.id}:WRONG"):
            pass


async def test_two_bots_have_their_own_chats_and_update_ids(
    tg: BotApiEmulator, bot: Bot, shop_bot: Bot, shop: EmulatedBot
) -> None:
    alice = tg.user(1001, "Alice", username="alice")
    assert alice.bot is tg.platform
    at_shop = alice.at(shop)
    assert at_shop.id == alice.id
    assert alice.at("shop_bot") is at_shop
    assert at_shop.at(tg.platform) is alice

    first = await alice.send("/start")
    in_shop = await at_shop.send("/start")
    second = await at_shop.send("hello shop")
    assert (first, in_shop, second) == (1, 1, 2)  # one update counter per bot

    (platform_update,) = await bot.get_updates()
    shop_updates = await shop_bot.get_updates()
    assert platform_update.message is not None
    assert platform_update.message.text == "/start"
    assert [u.message.text for u in shop_updates if u.message] == ["/start", "hello shop"]
    assert [u.message.message_id for u in shop_updates if u.message] == [1, 2]

    to_alice = await bot.send_message(alice.id, "platform")
    from_shop = await shop_bot.send_message(alice.id, "shop")
    assert (to_alice.message_id, from_shop.message_id) == (2, 3)  # per chat, per bot
    assert (await alice.next_message()).text == "platform"
    assert (await at_shop.next_message()).text == "shop"
    assert [m.text for m in alice.messages] == ["platform"]
    assert [m.text for m in at_shop.messages] == ["shop"]
    assert [e.kind for e in shop.events(alice.id)] == ["message"]
    assert [c.method for c in shop.calls] == ["getMe", "getUpdates", "sendMessage"]
    assert [c.method for c in tg.calls] == ["getMe", "getUpdates", "sendMessage"]

    tg.user(1001, "Alicia")  # one profile, shown in every chat
    assert at_shop.first_name == "Alicia"
    await at_shop.send("renamed")
    (renamed,) = await shop_bot.get_updates(offset=shop_updates[-1].update_id + 1)
    assert renamed.effective_user is not None
    assert renamed.effective_user.first_name == "Alicia"


async def test_a_bot_may_not_write_first_to_a_user_who_never_started_it(
    tg: BotApiEmulator, bot: Bot, shop_bot: Bot, shop: EmulatedBot
) -> None:
    alice = tg.user(1001, "Alice", started=True)  # started the platform bot only
    await bot.send_message(alice.id, "fine")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await shop_bot.send_message(alice.id, "hi")
    alice.at(shop, started=True)
    await shop_bot.send_message(alice.id, "now fine")
    bob = tg.user(1002, "Bob")
    await bob.at(shop).send("/start")
    await shop_bot.send_message(bob.id, "hi Bob")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(bob.id, "platform: not started")


async def test_open_link_goes_to_the_linked_bot(
    tg: BotApiEmulator, bot: Bot, shop_bot: Bot, shop: EmulatedBot
) -> None:
    alice = tg.user(1001, "Alice")
    update_id = await alice.open_link("https://t.me/shop_bot?start=card_42")
    (update,) = await shop_bot.get_updates()
    assert update.update_id == update_id
    assert update.message is not None
    assert update.message.text == "/start card_42"
    assert alice.at(shop).record.started
    assert not alice.record.started
    assert await bot.get_updates() == ()

    await alice.at(shop).open_link("https://t.me/loyalty_test_bot")
    (platform_update,) = await bot.get_updates()
    assert platform_update.message is not None
    assert platform_update.message.text == "/start"
    with pytest.raises(ValueError, match="hosts"):
        await alice.open_link("https://t.me/unknown_bot?start=x")


async def test_a_keyboard_button_creates_a_managed_bot(
    tg: BotApiEmulator, bot: Bot, shop_bot: Bot, shop: EmulatedBot
) -> None:
    owner = tg.user(1001, "Olga", username="olga")
    await owner.at(shop).send("/newbot")
    (start,) = await shop_bot.get_updates()
    await _offer_managed_bot(
        shop_bot, owner, suggested_name="Olga's Cafe", suggested_username="olga_cafe_bot"
    )
    offer = await owner.at(shop).next_message()
    (create, later) = (row[0] for row in offer.keyboard)
    assert create.text == "Create my bot"
    assert create.request_managed_bot == {
        "request_id": 7,
        "suggested_name": "Olga's Cafe",
        "suggested_username": "olga_cafe_bot",
    }
    assert (later.text, later.request_managed_bot) == ("Later", None)

    created = await owner.at(shop).press_keyboard(offer, "Create my bot")
    assert isinstance(created, EmulatedBot)
    assert (created.username, created.name) == ("olga_cafe_bot", "Olga's Cafe")
    assert created.manager is shop
    assert created.owner_id == owner.id
    assert tg.bot("olga_cafe_bot") is created

    message_update, managed_update = await shop_bot.get_updates(offset=start.update_id + 1)
    assert message_update.message is not None
    service = message_update.message.managed_bot_created
    assert service is not None
    assert (service.bot.id, service.bot.username, service.bot.is_bot) == (
        created.id,
        "olga_cafe_bot",
        True,
    )
    assert message_update.message.chat.id == owner.id
    assert managed_update.managed_bot is not None
    assert managed_update.managed_bot.user.id == owner.id
    assert managed_update.managed_bot.bot.username == "olga_cafe_bot"
    assert await bot.get_updates() == ()  # the platform bot does not manage it

    # The plain button just sends its text; a taken username is refused.
    later_update = await owner.at(shop).press_keyboard(offer, "Later")
    assert later_update == managed_update.update_id + 1
    with pytest.raises(ValueError, match="taken"):
        await owner.at(shop).create_managed_bot(offer, "Create my bot")
    other = await owner.at(shop).create_managed_bot(
        offer, "Create my bot", username="olga_bar_bot", name="Olga's Bar"
    )
    assert (other.username, other.name) == ("olga_bar_bot", "Olga's Bar")


async def test_reply_keyboard_requests_are_validated(
    tg: BotApiEmulator, shop_bot: Bot, shop: EmulatedBot
) -> None:
    alice = tg.user(1001, "Alice")
    alice.at(shop, started=True)
    for bad in (
        {"request_id": 2**31},
        {"request_id": "1"},
        {"request_id": 1, "suggested_username": "cafe"},
        {"request_id": 1, "suggested_username": "cafe-bot"},
        {"request_id": 1, "suggested_username": "x" * 30 + "bot"},
    ):
        markup = {"keyboard": [[{"text": "Create", "request_managed_bot": bad}]]}
        with pytest.raises(BadRequest):
            await shop_bot.send_message(alice.id, "?", reply_markup=markup)  # type: ignore[arg-type]
    fine = {"request_id": -(2**31), "suggested_username": "Cafe_Bot"}
    markup = {"keyboard": [[{"text": "Create", "request_managed_bot": fine}]]}
    await shop_bot.send_message(alice.id, "ok", reply_markup=markup)  # type: ignore[arg-type]


async def test_a_newbot_link_creates_a_managed_bot(
    tg: BotApiEmulator, bot: Bot, shop: EmulatedBot
) -> None:
    owner = tg.user(1001, "Olga")
    created = await owner.create_managed_bot_via_link(
        "https://t.me/newbot/loyalty_test_bot/olga_shop_bot?name=Olga%27s+Shop"
    )
    assert (created.username, created.name, created.manager) == (
        "olga_shop_bot",
        "Olga's Shop",
        tg.platform,
    )
    message_update, managed_update = await bot.get_updates()
    assert message_update.message is not None
    assert message_update.message.managed_bot_created is not None
    assert message_update.message.managed_bot_created.bot.id == created.id
    assert managed_update.managed_bot is not None
    assert managed_update.managed_bot.bot.id == created.id
    assert managed_update.managed_bot.user.id == owner.id

    update_id = await owner.open_link("https://t.me/newbot/shop_bot/second_bot")
    assert tg.bot("second_bot").manager is shop
    assert update_id == 2  # shop's managed_bot update, after the service message
    with pytest.raises(ValueError, match="taken"):
        await owner.open_link("https://t.me/newbot/shop_bot/second_bot")
    with pytest.raises(ValueError, match="hosts"):
        await owner.open_link("https://t.me/newbot/nobody_bot/third_bot")


async def test_only_the_manager_reads_and_replaces_the_token(
    tg: BotApiEmulator, bot: Bot, shop_bot: Bot, shop: EmulatedBot
) -> None:
    assert await bot.get_managed_bot_token(shop.id) == shop.token
    with pytest.raises(BadRequest, match="Bot not found"):
        await shop_bot.get_managed_bot_token(shop.id)
    with pytest.raises(BadRequest, match="Bot not found"):
        await shop_bot.get_managed_bot_token(tg.platform.id)
    with pytest.raises(BadRequest, match="Bot not found"):
        await bot.get_managed_bot_token(999)

    old = shop.token
    new = await bot.replace_managed_bot_token(shop.id)
    assert new == shop.token != old
    assert new.startswith(f"{shop.id}:")
    with pytest.raises(InvalidToken):
        await shop_bot.get_me()  # the old token
    assert shop.calls[-1].status == 401
    async with _bot_for(tg, new) as renewed:
        assert (await renewed.get_me()).id == shop.id
    (update,) = await bot.get_updates()
    assert update.managed_bot is not None
    assert update.managed_bot.bot.id == shop.id


async def test_replace_token_outside_the_platform(
    tg: BotApiEmulator, bot: Bot, shop_bot: Bot, shop: EmulatedBot
) -> None:
    alice = tg.user(1001, "Alice")
    alice.at(shop, started=True)
    sent = await shop_bot.send_document(alice.id, b"a,b\n", filename="cards.csv")
    assert sent.document is not None
    file = await shop_bot.get_file(sent.document.file_id)
    assert await file.download_as_bytearray() == b"a,b\n"

    new = tg.replace_token(shop)
    assert await bot.get_managed_bot_token(shop.id) == new
    with pytest.raises(InvalidToken):
        await shop_bot.send_message(alice.id, "old token")
    with pytest.raises(InvalidToken):
        await file.download_as_bytearray()  # file downloads too
    assert tg.platform.state.files == {}  # the file is the shop's
    (update,) = await bot.get_updates()
    assert update.managed_bot is not None
    assert update.managed_bot.bot.username == "shop_bot"

    tg.revoke_token(shop)
    assert await bot.get_managed_bot_token(shop.id) == ""
    with pytest.raises(InvalidToken):
        async with _bot_for(tg, new):
            pass
    fresh = await bot.replace_managed_bot_token(shop.id)
    async with _bot_for(tg, fresh) as renewed:
        assert (await renewed.get_me()).username == "shop_bot"


async def test_429_of_one_bot_does_not_slow_another(
    tg: BotApiEmulator, bot: Bot, shop_bot: Bot, shop: EmulatedBot
) -> None:
    alice = tg.user(1001, "Alice", started=True)
    alice.at(shop, started=True)
    shop.set_rate_limits(bot_wide=2)
    await shop_bot.send_message(alice.id, "1")
    await shop_bot.send_message(alice.id, "2")
    with pytest.raises(RetryAfter):
        await shop_bot.send_message(alice.id, "3")
    for number in range(5):
        await bot.send_message(alice.id, str(number))  # the platform bot has no limit
    stats = shop.stats()
    assert stats["too_many_requests"] == 1
    assert stats["max_messages_in_one_second"] == 2
    assert stats["messages_sent"] == 2
    platform = tg.stats()
    assert platform["too_many_requests"] == 0
    assert platform["max_messages_in_one_second"] == 5

    tg.set_rate_limits(per_chat=1)
    await bot.send_message(alice.id, "a")
    with pytest.raises(RetryAfter):
        await bot.send_message(alice.id, "b")
    shop.set_rate_limits()
    await shop_bot.send_message(alice.id, "the shop's own windows")


async def test_bot_settings_are_per_bot(
    tg: BotApiEmulator, bot: Bot, shop_bot: Bot, shop: EmulatedBot
) -> None:
    await shop_bot.set_my_name("Olga's Shop")
    await shop_bot.set_my_description("Stamps", language_code="de")
    await shop_bot.set_my_short_description("Short")
    await shop_bot.set_my_commands([("card", "My card")])
    await shop_bot.set_chat_menu_button()
    assert shop.texts == {
        ("name", ""): "Olga's Shop",
        ("description", "de"): "Stamps",
        ("short_description", ""): "Short",
    }
    assert tg.platform.texts == {}
    assert shop.commands() == [("card", "My card")]
    assert tg.commands() == []
    assert shop.menu_button() == {"type": "default"}
    assert tg.menu_button() is None
    assert (await bot.get_my_name()).name == "Loyalty Test Bot"


@pytest.mark.e2e
def test_a_thousand_idle_bots_are_cheap() -> None:
    """A bot costs the same to make however many there are (nothing scans those already
    there), and a thousand idle ones hold no task and little memory. Time is compared with a
    tenth as many made the same way, not with a clock: this machine's speed varies."""
    hundred = statistics.median(_seconds_to_make(100) for _ in range(3))
    # Ten times as many: about ten times as long (12 measured), a hundred times if each new bot
    # looked at every other one.
    assert _seconds_to_make(1000) < 30 * hundred
    tg = BotApiEmulator()
    tracemalloc.start()
    bots = tg.create_bots(990, prefix="bench")
    bots += [tg.create_bot(username=f"single_{n}_bot") for n in range(10)]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len({b.token for b in bots}) == 1000
    assert peak < 30 * 1024 * 1024, peak
    assert bots[0].username == "bench1_bot"  # the platform bot is number 0
    assert tg.create_bots(1, prefix="single_")[0].username == "single_1001_bot"
    assert all(bot.webhook._watcher is None for bot in bots)  # no task per bot


def _seconds_to_make(count: int) -> float:
    """Without the garbage collector, whose passes would fall into one measurement and not
    another (with it, a thousand took 10 to 36 times as long as a hundred)."""
    tg = BotApiEmulator()
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        tg.create_bots(count, prefix="bench")
        return time.perf_counter() - started
    finally:
        gc.enable()


class _Hook:
    """A webhook endpoint that records (update, secret header) pairs."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.url = ""
        self._arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((await request.json(), secret))
        self._arrived.set()
        return web.Response()

    async def __aenter__(self) -> _Hook:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock).start()
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def wait(self, count: int) -> None:
        async with asyncio.timeout(5):
            while len(self.received) < count:
                self._arrived.clear()
                await self._arrived.wait()


async def test_each_bot_has_its_own_webhook(
    tg: BotApiEmulator, bot: Bot, shop_bot: Bot, shop: EmulatedBot
) -> None:
    alice = tg.user(1001, "Alice")
    async with _Hook() as platform_hook, _Hook() as shop_hook:
        await bot.set_webhook(platform_hook.url, secret_token="platform-secret")
        await shop_bot.set_webhook(shop_hook.url, secret_token="shop-secret")
        assert (await shop_bot.get_webhook_info()).url == shop_hook.url
        assert shop.webhook_info()["url"] == shop_hook.url
        await alice.send("to the platform")
        await alice.at(shop).send("to the shop")
        await alice.at(shop).send("again")
        await platform_hook.wait(1)
        await shop_hook.wait(2)
        await shop.wait_idle()
        assert [(u["message"]["text"], s) for u, s in platform_hook.received] == [
            ("to the platform", "platform-secret")
        ]
        assert [(u["update_id"], u["message"]["text"], s) for u, s in shop_hook.received] == [
            (1, "to the shop", "shop-secret"),
            (2, "again", "shop-secret"),
        ]
        assert shop.pending_updates == 0
        idle = tg.create_bot(username="idle_bot")
        assert idle.webhook._watcher is None  # no task for a bot without a webhook

        await shop_bot.delete_webhook()
        await alice.at(shop).send("polling again")
        (update,) = await shop_bot.get_updates()
        assert update.message is not None
        assert update.message.text == "polling again"
        with pytest.raises(Conflict):
            await bot.get_updates()  # the platform bot still has its webhook
        shop.add_webhook_target(shop_hook.url, "extra")
        await alice.at(shop).send("to the extra target")
        await shop_hook.wait(3)
        assert shop_hook.received[-1][1] == "extra"


@pytest.mark.e2e
async def test_control_api_hosts_and_drives_many_bots() -> None:
    async with (
        BotApiEmulator("42:CONTROL", "control_bot", control_api=True) as tg,
        EmulatorClient(tg.url) as client,
    ):
        shop = await client.create_bot(username="shop_bot", name="Shop", managed_by="control_bot")
        assert (shop.username, shop.name, shop.manager_id) == ("shop_bot", "Shop", 42)
        assert tg.bot("shop_bot").token == shop.token
        bench = await client.create_bots(3, prefix="load")
        assert [b.username for b in bench] == ["load2_bot", "load3_bot", "load4_bot"]
        listed = await client.bots()
        assert [b.username for b in listed] == [
            "control_bot",
            "shop_bot",
            *(b.username for b in bench),
        ]
        with pytest.raises(RuntimeError, match="taken"):
            await client.create_bot(username="shop_bot")

        alice = await client.user(1001, "Alice")
        at_shop = alice.at(shop)
        async with Bot(shop.token, base_url=client.base_url) as shop_bot:
            assert await at_shop.send("/start") == 1
            assert await at_shop.open_link("https://t.me/shop_bot?start=x") == 2
            link_update = await alice.open_link("https://t.me/load2_bot?start=y")
            assert link_update == 1 and tg.bot("load2_bot").pending_updates == 1
            updates = await shop_bot.get_updates()
            assert [u.message.text for u in updates if u.message] == ["/start", "/start x"]
            request = KeyboardButtonRequestManagedBot(request_id=1, suggested_username="a_cafe_bot")
            keyboard = ReplyKeyboardMarkup(
                [[KeyboardButton("New bot", request_managed_bot=request)]]
            )
            sent = await shop_bot.send_message(alice.id, "Create one", reply_markup=keyboard)
            message = await at_shop.next_message()
            assert message.keyboard[0][0].request_managed_bot == {
                "request_id": 1,
                "suggested_username": "a_cafe_bot",
            }
            created = await at_shop.create_managed_bot(sent.message_id, "New bot", name="Cafe")
            assert (created.username, created.name, created.manager_id) == (
                "a_cafe_bot",
                "Cafe",
                shop.id,
            )
            assert created.owner_id == alice.id
            linked = await alice.create_managed_bot_via_link(
                "https://t.me/newbot/shop_bot/b_cafe_bot"
            )
            assert linked.manager_id == shop.id
            new_updates = await shop_bot.get_updates(offset=updates[-1].update_id + 1)
            assert sum(1 for u in new_updates if u.managed_bot) == 2
            assert sum(1 for u in new_updates if u.message and u.message.managed_bot_created) == 2
            await at_shop.reply(sent.message_id, "a reply")
            (reply,) = await shop_bot.get_updates(offset=new_updates[-1].update_id + 1)
            assert reply.message is not None and reply.message.reply_to_message is not None

            await client.set_rate_limits(bot_wide=1, bot=shop)
            await shop_bot.send_message(alice.id, "one")
            with pytest.raises(RetryAfter):
                await shop_bot.send_message(alice.id, "two")
            stats = await client.stats(bot="shop_bot")
            assert stats["too_many_requests"] == 1
            assert stats["max_messages_in_one_second"] == 1
            assert stats["messages_sent"] == 1  # counted since the limits were set
            assert (await client.stats())["too_many_requests"] == 0
            assert len(await at_shop.messages()) == 2

            new_token = await client.replace_token(shop)
            with pytest.raises(InvalidToken):
                await shop_bot.get_me()
        async with Bot(new_token, base_url=client.base_url) as renewed:
            assert (await renewed.get_me()).username == "shop_bot"
        assert [b.token for b in await client.bots() if b.id == shop.id] == [new_token]


async def test_blocks_and_faults_are_per_bot(
    tg: BotApiEmulator, bot: Bot, shop_bot: Bot, shop: EmulatedBot
) -> None:
    alice = tg.user(1001, "Alice", started=True)
    alice.at(shop, started=True)
    shop.block(alice)  # she blocks the shop's bot only
    with pytest.raises(Forbidden, match="blocked"):
        await shop_bot.send_message(alice.id, "hi")
    await bot.send_message(alice.id, "the platform may still write")
    (blocked,) = await shop_bot.get_updates()
    assert blocked.my_chat_member is not None
    assert blocked.my_chat_member.new_chat_member.status == "kicked"
    assert await bot.get_updates() == ()
    shop.unblock(alice, notify=False)

    shop.fail_next("sendMessage", 500)
    await bot.send_message(alice.id, "unaffected")
    with pytest.raises(NetworkError):
        await shop_bot.send_message(alice.id, "fails once")
    await shop_bot.send_message(alice.id, "works again")
    assert [m.text for m in alice.at(shop).messages] == ["works again"]
    assert [c.status for c in shop.calls if c.method == "sendMessage"] == [403, 500, 200]


async def test_a_bot_s_profile_photo_and_texts_as_telegram_takes_them(
    shop_bot: Bot, shop: EmulatedBot
) -> None:
    jpeg, png = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (640, 640), (31, 95, 168)).save(jpeg, format="JPEG")
    Image.new("RGB", (640, 640), (31, 95, 168)).save(png, format="PNG")
    with pytest.raises(BadRequest, match="Image_process_failed"):  # a static photo is a .JPG
        await shop_bot.set_my_profile_photo(InputProfilePhotoStatic(png.getvalue()))
    assert shop.profile_photo is None
    assert await shop_bot.set_my_profile_photo(InputProfilePhotoStatic(jpeg.getvalue()))
    assert shop.profile_photo == jpeg.getvalue()
    assert await shop_bot.remove_my_profile_photo()
    assert shop.profile_photo is None

    with pytest.raises(BadRequest):
        await shop_bot.set_my_name("n" * 65)
    with pytest.raises(BadRequest):
        await shop_bot.set_my_short_description("s" * 121, language_code="fr")
    assert await shop_bot.set_my_description("d" * 512)
    assert shop.texts == {("description", ""): "d" * 512}
