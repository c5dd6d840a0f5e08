"""With WEB_APP_URL set, the chat leads to the Mini App: a menu button per role, "Open card"
under /card and "Open scanner" under a scanned card (over the emulator, which refuses a
Mini App button that is not HTTPS, as Telegram does)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.application import build_application
from app.runner import running
from bot.config import Settings
from bot.i18n import translator
from bot.texts import webapp as webapp_texts
from domain.clock import ManualClock
from emulator.driver import BotApiEmulator
from tests.support.chat import link_in, qr_content, say
from tests.support.running_bot import JOB_INTERVAL_SCALE, TOKEN, Running

WEB_APP_URL = "https://bot.example.com/app"


@pytest.fixture
async def linked_bot(
    tg: BotApiEmulator, database_url: str, clock: ManualClock
) -> AsyncIterator[Running]:
    settings = Settings(
        token=TOKEN, database_url=database_url, api_base_url=tg.base_url, web_app_url=WEB_APP_URL
    )
    application = build_application(settings, clock=clock, job_interval_scale=JOB_INTERVAL_SCALE)
    async with running(application):
        yield Running(tg=tg, application=application, clock=clock)


def _web_apps(message: object) -> dict[str, str]:
    return {b.text: b.web_app for row in message.buttons for b in row if b.web_app}  # type: ignore[attr-defined]


async def test_each_role_is_led_to_its_part_of_the_mini_app(linked_bot: Running) -> None:
    tg = linked_bot.tg
    default = tg.menu_button(None)
    assert default is not None and default["type"] == "web_app"
    assert default["web_app"]["url"] == f"{WEB_APP_URL}/?tab=cards"

    owner = tg.user(300, "Olivia", language_code="fr")
    join = link_in(await say(owner, "/setup Café Lien"), "join_")
    await tg.wait_idle()
    fr = translator("fr")
    menu = tg.menu_button(300)
    assert menu is not None and menu["type"] == "web_app"
    assert menu["web_app"]["url"] == f"{WEB_APP_URL}/?tab=business"
    assert menu["text"] == webapp_texts.menu_button(fr)

    cashier = tg.user(301, "Sam", language_code="de")
    await cashier.open_link(link_in(await say(owner, "/invite"), "staff_"))
    await cashier.next_message()
    await tg.wait_idle()
    staff_menu = tg.menu_button(301)
    assert staff_menu is not None and staff_menu["web_app"]["url"] == f"{WEB_APP_URL}/?tab=counter"

    customer = tg.user(302, "Clara", language_code="lb")
    await customer.open_link(join)
    await customer.next_message()
    card = await customer.next_message()
    lb = translator("lb")
    assert _web_apps(card) == {webapp_texts.open_card_button(lb): f"{WEB_APP_URL}/?tab=cards"}

    await cashier.open_link(qr_content(card))
    scanned = await cashier.next_message()
    de = translator("de")
    assert _web_apps(scanned) == {
        webapp_texts.open_scanner_button(de): f"{WEB_APP_URL}/?tab=counter"
    }


async def test_the_emulator_refuses_a_mini_app_that_is_not_https(tg: BotApiEmulator) -> None:
    from telegram import (
        Bot,
        InlineKeyboardButton,
        InlineKeyboardMarkup,
        MenuButtonWebApp,
        WebAppInfo,
    )
    from telegram.error import BadRequest

    user = tg.user(400, "Ann")
    await user.send("/start")  # a chat the bot may write to
    async with Bot(TOKEN, base_url=tg.base_url) as sender:
        with pytest.raises(BadRequest, match=r"(?i)https links"):
            await sender.set_chat_menu_button(
                400, MenuButtonWebApp("App", WebAppInfo("http://x.lu"))
            )
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton("Open", web_app=WebAppInfo("http://x.lu/app"))]]
        )
        with pytest.raises(BadRequest, match=r"(?i)https links"):
            await sender.send_message(400, "hi", reply_markup=markup)
    assert [e for e in user.all_events if e.kind == "message"] == []


async def test_polling_mode_serves_the_mini_app_only_with_web_app_url(bot: Running) -> None:
    import httpx

    from app.runner import web_app_server
    from tests.support.servers import free_port

    port = free_port()
    settings = Settings(token=TOKEN, port=port, web_app_url=WEB_APP_URL)
    async with (
        web_app_server(bot.application, settings, host="127.0.0.1"),
        httpx.AsyncClient() as http,
    ):
        page = await http.get(f"http://127.0.0.1:{port}/app/")
        assert page.status_code == 200 and "/app/static/app.js" in page.text
        assert "set-cookie" not in page.headers
        script = await http.get(f"http://127.0.0.1:{port}/app/static/counter.js")
        assert script.status_code == 200 and "showScanQrPopup" in script.text
        api = await http.get(f"http://127.0.0.1:{port}/api/v1/openapi.json")
        assert api.status_code == 200 and api.json()["openapi"] == "3.1.0"
    async with web_app_server(bot.application, Settings(token=TOKEN, port=port)):
        with pytest.raises(httpx.ConnectError):
            async with httpx.AsyncClient() as http:
                await http.get(f"http://127.0.0.1:{port}/app/")


def test_the_webhook_app_mounts_the_mini_app_only_with_web_app_url() -> None:
    from app.webhook import create_app

    base = {
        "token": TOKEN,
        "webhook_url": "https://bot.example.com/telegram",
        "webhook_secret": "s3cret",
    }
    with_app = create_app(Settings(**base, web_app_url=WEB_APP_URL), register_webhook=False)
    without = create_app(Settings(**base), register_webhook=False)
    assert "/app" in [getattr(route, "path", "") for route in with_app.routes]
    assert "/app" not in [getattr(route, "path", "") for route in without.routes]
    # The API for tills is there in both.
    for app in (with_app, without):
        assert "/api/v1" in [getattr(route, "path", "") for route in app.routes]
