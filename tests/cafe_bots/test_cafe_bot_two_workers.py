"""A café's own bot on two `python -m bot webhook` workers sharing one PostgreSQL: created on
one worker, served by both (its updates spread over both), everyone told once, notices from
the bot each customer knows, and a new token and a refused one picked up by both, losing
nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.webhook import bot_secret
from domain.db.tables import LedgerEntry
from emulator.user import EmulatedUser
from tests.platform.test_two_workers_flows import Cluster, _until, two_workers
from tests.support.chat import card_number_in, eventually, join_staff, link_in, say
from tests.support.deployed import SECRET
from tests.support.postgres import PostgresServer

pytestmark = [pytest.mark.postgres, pytest.mark.workers]

CAFE = "cafe_lux_bot"
ROUNDS = 4


async def _next_mentioning(user: EmulatedUser, text: str, wait: float = 15.0) -> str:
    for _ in range(8):
        message = await user.next_message(timeout=wait)
        if text in message.content:
            return message.content
    raise AssertionError(f"{user.first_name} was never told about {text!r}")


async def _drained(cluster: Cluster) -> bool:
    return await cluster.undelivered() == 0


async def _entries(cluster: Cluster) -> int:
    async with cluster.service.database.read() as session:
        return int(
            (await session.execute(select(func.count()).select_from(LedgerEntry))).scalar_one()
        )


async def test_a_cafe_bot_served_by_two_workers(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    async with two_workers(postgres_server, tmp_path) as cluster:
        tg = cluster.tg
        owner, cashier = tg.user(9001, "Olivia"), tg.user(9002, "Paul")
        anna, ben = tg.user(9003, "Anna"), tg.user(9004, "Ben")
        setup = await say(owner, "/setup Café Lux")
        invite = await say(owner, "/invite")
        await join_staff(owner, cashier, link_in(invite, "staff_"))
        cards = {}
        for customer in (anna, ben):
            await customer.open_link(link_in(setup, "join_"))
            await customer.next_message(timeout=10)
            cards[customer.id] = card_number_in(await customer.next_message(timeout=10))
            await say(customer, "/offers off")

        explained = await say(owner, "/mybot")
        while explained.keyboard_markup is None:  # a notice of earlier steps came first
            explained = await owner.next_message(timeout=10)
        button = explained.keyboard_markup["keyboard"][0][0]["text"]
        cafe = await owner.create_managed_bot(explained, button)
        await _next_mentioning(owner, "is ready")
        # Its updates are spread over both workers from now on, as the platform bot's are.
        await _until(lambda: bool(cafe.webhook_info().get("url")), "the café bot's webhook")
        second_worker = tg.platform.webhook_info()["extra_targets"][0][0]  # …:port/telegram
        cafe.add_webhook_target(f"{second_worker}/{cafe.id}", bot_secret(SECRET, cafe.id))
        for person in (anna, ben, cashier):
            await _next_mentioning(person, f"@{CAFE}")

        anna_there, cashier_there = anna.at(cafe), cashier.at(cafe)
        for person in (anna, cashier):
            await person.open_link(f"https://t.me/{CAFE}")
            await person.at(cafe).next_message(timeout=10)
        for setting in ("cooldown 0", "daily_limit 0"):  # stamps back to back, all day
            await say(owner, f"/program set {setting}")
        before = await _entries(cluster)
        for _ in range(ROUNDS):
            for customer in (anna, ben):
                reply = await say(cashier_there, f"/stamp {cards[customer.id]}")
                assert "/" in reply.content, reply.content
        assert await _entries(cluster) == before + 2 * ROUNDS
        await _until(
            lambda: len([m for m in anna_there.messages if "Café Lux" in m.content]) >= ROUNDS,
            "Anna's notices through the café's bot",
        )
        await _until(
            lambda: len([m for m in ben.messages if "Café Lux" in m.content]) >= ROUNDS,
            "Ben's notices through the platform bot",
        )
        assert not ben.at(cafe).messages  # the café's bot never wrote first

        # Told once each, though both workers saw the new bot.
        told = Counter(
            person.first_name
            for person in (anna, ben, cashier)
            for m in person.messages
            if f"now has its own bot: @{CAFE}" in m.content
        )
        assert told == {"Anna": 1, "Ben": 1, "Paul": 1}

        # A new token from outside: both workers serve it.
        tg.replace_token(cafe)
        for _ in range(2):
            reply = await say(cashier_there, f"/stamp {cards[anna.id]}", wait=20)
            assert "/" in reply.content, reply.content

        # A refused token: paused on both, the owner told once, nothing lost.
        tg.revoke_token(cafe)
        await say(cashier, f"/stamp {cards[anna.id]}")  # the cashier goes on in the platform bot
        await _next_mentioning(owner, "paused", wait=20)
        renewed = await say(owner, "/mybot newtoken")
        assert CAFE in renewed.content
        await _until(
            lambda: len([m for m in anna_there.messages if "Café Lux" in m.content]) >= ROUNDS + 3,
            "the notice that waited for the café's bot",
            wait=20,
        )
        paused_news = [m for m in owner.messages if "paused" in m.content and CAFE in m.content]
        assert len(paused_news) == 1
        await eventually(lambda: _drained(cluster), wait=20)
        assert (await cluster.service.maintenance.invariant_breaches()) == []
