"""The set of hosted bots is data: two workers (two hosts on one database) serve every café
bot, pick up a new token, a pause and a switch-off without a restart; tokens are encrypted."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

import pytest
from sqlalchemy import select
from telegram import User

from app.hosting import BotHost
from bot.config import Settings
from bot.serving import PLATFORM, BotPaused, ServingBot
from domain.clock import ManualClock
from domain.db.uow import Database
from domain.effects import MeetOwnBot
from domain.service import LoyaltyService
from infra import Infrastructure
from infra.bots import BotState, TokenCipher
from infra.tables import HostedBot, OutboxMessage
from tests.support.scenario import open_shop

KEY = TokenCipher.new_key()
PLATFORM_TOKEN = "100:platform-secret"
CAFE_TOKEN = "4242:cafe-secret-one"


def _host(infra: Infrastructure) -> BotHost:
    settings = Settings(token=PLATFORM_TOKEN, api_base_url="http://127.0.0.1:9/bot")
    platform = ServingBot(
        PLATFORM_TOKEN,
        key=PLATFORM,
        merchant_id=None,
        base_url=settings.api_base_url,
        base_file_url=settings.api_file_url,
        identity=User(100, "Loyalty", is_bot=True, username="loyalty_platform_bot"),
    )
    return BotHost(cast(Any, SimpleNamespace(bot=platform)), settings, infra)


@pytest.fixture
async def workers(database: Database, clock: ManualClock) -> Any:
    """Two workers' infrastructure and hosts on one database."""
    infras = [Infrastructure(database, clock, token_cipher=TokenCipher(KEY)) for _ in range(2)]
    hosts = [_host(infra) for infra in infras]
    for host in hosts:
        await host.platform.initialize()  # its identity is given: no getMe
        await host.start()
    yield infras, hosts
    for host in hosts:
        await host.stop()
    for infra in infras:
        await infra.dispose()


async def test_tokens_are_stored_encrypted_and_read_back(
    database: Database, workers: Any, service: LoyaltyService, clock: ManualClock
) -> None:
    infras, _ = workers
    shop = await open_shop(service)
    await infras[0].bots.adopt(
        shop.first_store.merchant_id, 4242, "lux_bot", "Café Lux", CAFE_TOKEN
    )
    async with database.read() as session:
        stored = (await session.execute(select(HostedBot.token))).scalar_one()
    assert CAFE_TOKEN not in stored and "cafe-secret" not in stored
    record = await infras[1].bots.get(4242)
    assert record is not None and record.token == CAFE_TOKEN
    other_key = Infrastructure(database, clock, token_cipher=TokenCipher(TokenCipher.new_key()))
    unreadable = await other_key.bots.get(4242)
    assert unreadable is not None and unreadable.token is None  # a wrong key reads nothing
    await other_key.dispose()


async def test_key_rotation_reencrypts_every_token(
    database: Database, service: LoyaltyService, clock: ManualClock
) -> None:
    old, new = TokenCipher.new_key(), TokenCipher.new_key()
    before = Infrastructure(database, clock, token_cipher=TokenCipher(old))
    shop = await open_shop(service)
    await before.bots.adopt(shop.first_store.merchant_id, 4242, "lux_bot", "Café Lux", CAFE_TOKEN)
    rotating = Infrastructure(database, clock, token_cipher=TokenCipher(f"{new},{old}"))
    assert await rotating.bots.reencrypt_all() == 1
    after = Infrastructure(database, clock, token_cipher=TokenCipher(new))
    record = await after.bots.get(4242)
    assert record is not None and record.token == CAFE_TOKEN
    for infra in (before, rotating, after):
        await infra.dispose()


async def _until(condition: Any, seconds: float = 8.0) -> None:
    """Wait for another worker's periodic look at the database (it has no event to wait on)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "the other worker never caught up"
        await asyncio.sleep(0.05)


async def test_both_workers_serve_retoken_pause_and_drop_a_bot_without_restart(
    workers: Any, service: LoyaltyService
) -> None:
    infras, hosts = workers
    shop = await open_shop(service)
    merchant = shop.first_store.merchant_id
    await infras[0].bots.adopt(merchant, 4242, "lux_bot", "Café Lux", CAFE_TOKEN)
    await hosts[0].refresh(4242)  # the worker that adopted it serves it at once
    assert hosts[0].served(4242) is not None
    await _until(lambda: hosts[1].served(4242) is not None)  # the other within its sync
    assert hosts[1].username_for(merchant) == "lux_bot"

    await infras[1].bots.set_token(4242, "4242:cafe-secret-two")
    await hosts[1].refresh(4242)
    await _until(
        lambda: all(h.served(4242) and h.served(4242).token.endswith("two") for h in hosts)
    )

    bot = hosts[0].served(4242)
    assert bot is not None
    await hosts[0].paused(bot)  # Telegram refused the token
    await _until(lambda: all(h.served(4242) is None for h in hosts))
    record = await infras[0].bots.get(4242)
    assert record is not None and record.state is BotState.PAUSED
    assert hosts[1].username_for(merchant) == "lux_bot"  # links stay the café's while paused

    await infras[0].bots.set_token(4242, "4242:cafe-secret-three")  # the next valid token
    await _until(lambda: all(h.served(4242) is not None for h in hosts))

    await infras[0].bots.set_state(4242, BotState.OFF)
    await _until(lambda: all(h.served(4242) is None for h in hosts))
    assert hosts[1].username_for(merchant) == "loyalty_platform_bot"  # back to the platform


async def test_a_pause_for_an_old_token_does_not_pause_the_new_one(
    workers: Any, service: LoyaltyService
) -> None:
    infras, hosts = workers
    shop = await open_shop(service)
    await infras[0].bots.adopt(
        shop.first_store.merchant_id, 4242, "lux_bot", "Café Lux", CAFE_TOKEN
    )
    old = await hosts[0].refresh(4242)
    assert old is not None
    await infras[1].bots.set_token(4242, "4242:cafe-secret-two")  # another worker rotated it
    await hosts[0].paused(old)  # a late 401 for the old token
    record = await infras[0].bots.get(4242)
    assert record is not None and record.state is BotState.ACTIVE


async def test_messages_go_through_the_cafe_bot_only_to_people_who_started_it(
    workers: Any, service: LoyaltyService
) -> None:
    infras, hosts = workers
    shop = await open_shop(service)
    merchant = shop.first_store.merchant_id
    await infras[0].bots.adopt(merchant, 4242, "lux_bot", "Café Lux", CAFE_TOKEN)
    await hosts[0].refresh(4242)
    assert (await hosts[0].sender_for(merchant, 77)).key == PLATFORM
    await infras[1].bots.record_started(4242, 77)
    assert (await hosts[0].sender_for(merchant, 77)).key == 4242
    assert (await hosts[0].sender_for(None, 77)).key == PLATFORM
    bot = hosts[0].served(4242)
    assert bot is not None
    await hosts[0].paused(bot)
    with pytest.raises(BotPaused):  # waits in the outbox rather than go to the wrong bot
        await hosts[0].sender_for(merchant, 77)
    assert (await hosts[0].sender_for(merchant, 78)).key == PLATFORM  # never started it


async def test_each_customer_and_cashier_is_told_once(
    database: Database, service: LoyaltyService
) -> None:
    shop = await open_shop(service)
    cashier = await shop.hire("Paul")
    from tests.support.scenario import new_profile

    customers = [new_profile(f"C{i}") for i in range(3)]
    for customer in customers:
        await service.customers.enrol(customer, shop.first_store.code)
    merchant = shop.first_store.merchant_id
    assert await service.own_bot.announce(merchant, 4242) == 4  # 3 customers + 1 cashier
    await service.own_bot.announce(merchant, 4242)  # a second worker, or a retry
    async with database.read() as session:
        rows = (
            await session.execute(
                select(OutboxMessage.recipient_id).where(OutboxMessage.kind == MeetOwnBot.kind)
            )
        ).scalars()
        told = sorted(rows)
    assert told == sorted([cashier.user_id, *(c.user_id for c in customers)])
    assert shop.owner.user_id not in told
