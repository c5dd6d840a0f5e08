"""An offer to thousands of opted-in customers while a cashier keeps stamping.

The real bot runs as `python -m bot` against the emulator (in this process, with Telegram's
bot-wide limit: more than 30 messages within any one second get 429). The shop, its cashier and
the opted-in customers are seeded through the use cases; the owner then writes and sends the
offer in chat. Figures: the offer's send rate, the most messages the emulator saw within one
second, 429 answers, the cashier's reply time while the offer goes out, and what reached whom.
With `kill_after` the bot is killed with SIGKILL once that many copies were delivered, and
started again on the same database.

`uv run python -m benchmarks.offers [--recipients 2000] [--kill-after 700] [--database URL]`
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from benchmarks.procs import BOT_USERNAME, TOKEN, bot_env, spawn
from benchmarks.stats import latency_ms
from domain.clock import SystemClock
from domain.db.tables import OfferConsent
from domain.model import UserProfile
from domain.service import LoyaltyService
from emulator.driver import BotApiEmulator
from emulator.user import EmulatedUser
from tests.support.databases import migrated_database, sqlite_url

TELEGRAM_LIMIT = 30
OWNER_ID = 90_000
CASHIER_ID = 90_001
REGULAR_ID = 90_002  # the customer whose card the cashier keeps stamping (not opted in)
FIRST_RECIPIENT = 100_000
OFFER_TEXT = "Two croissants for the price of one, this Saturday only!"
CASHIER_PAUSE = 0.25  # seconds between two of the cashier's stamps


def _profile(user_id: int, name: str) -> UserProfile:
    return UserProfile(user_id=user_id, first_name=name, username=None, telegram_language="en")


async def seed(database_url: str, recipients: int) -> str:
    """The shop, its cashier, the regular and `recipients` opted-in customers; the card number
    the cashier stamps."""
    database = await migrated_database(database_url)
    service = LoyaltyService(database, SystemClock())
    try:
        owner = _profile(OWNER_ID, "Owner")
        store = await service.merchants.setup(
            owner,
            "Broadcast Café",
            language="en",
            reward="Free coffee",
            points_reward_text="5 € voucher",
        )
        for key, value in (("cooldown", "0"), ("daily_limit", "0"), ("summary", "off")):
            await service.merchants.change_program(OWNER_ID, key, value)
        invite = await service.staff.create_invite(OWNER_ID, None)
        await service.staff.accept_invite(_profile(CASHIER_ID, "Cashier"), invite.token)
        regular = await service.customers.enrol(_profile(REGULAR_ID, "Regular"), store.code)
        for offset in range(recipients):
            customer = _profile(FIRST_RECIPIENT + offset, f"Customer{offset}")
            await service.customers.enrol(customer, store.code)
        now = service.clock.now()
        rows = [
            {
                "merchant_id": store.merchant_id,
                "customer_id": FIRST_RECIPIENT + offset,
                "offers": True,
                "nudges": True,
                "asked_at": now,
                "changed_at": now,
            }
            for offset in range(recipients)
        ]
        async with database.write() as session:
            for start in range(0, len(rows), 500):
                await session.execute(insert(OfferConsent).values(rows[start : start + 500]))
        return regular.card.number
    finally:
        await database.dispose()


def _copies(tg: BotApiEmulator, first: int, count: int) -> dict[int, int]:
    """How many copies of the offer each recipient's chat holds."""
    found: dict[int, int] = {}
    for chat_id in range(first, first + count):
        found[chat_id] = sum(
            1
            for event in tg.events(chat_id)
            if event.kind == "message"
            and event.message is not None
            and OFFER_TEXT in event.message.content
        )
    return found


def _most_in_one_second(times: list[float]) -> int:
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def _send_offer(owner: EmulatedUser, recipients: int) -> None:
    await owner.send("/offer")
    asked = await owner.next_message(timeout=30)
    await owner.reply(asked, OFFER_TEXT)
    audience = await owner.next_message(timeout=15)
    await owner.press(audience, "All who opted in")
    await owner.next_edit(timeout=15)
    await owner.next_message(timeout=15)  # the preview
    confirm = await owner.next_message(timeout=15)
    assert f"It goes to {recipients:,} customers" in confirm.content, confirm.content
    await owner.press(confirm, "Send")
    await owner.next_edit(timeout=15)


async def run_offer_broadcast(
    database_url: str,
    workdir: Path,
    *,
    recipients: int = 2000,
    blocked: int = 20,
    kill_after: int | None = None,
    report_timeout: float = 300.0,
) -> dict[str, Any]:
    """One offer to `recipients` customers (`blocked` of whom blocked the bot); its figures."""
    number = await seed(database_url, recipients)
    async with BotApiEmulator(
        token=TOKEN, bot_username=BOT_USERNAME, bot_wide_limit=TELEGRAM_LIMIT
    ) as tg:
        owner = tg.user(OWNER_ID, "Owner", language_code="en", started=True)
        cashier = tg.user(CASHIER_ID, "Cashier", language_code="en", started=True)
        tg.user(REGULAR_ID, "Regular", language_code="en", started=True)
        for offset in range(recipients):
            tg.user(FIRST_RECIPIENT + offset, f"Customer{offset}", language_code="en", started=True)
        blocked_ids = [
            FIRST_RECIPIENT + offset * (recipients // max(1, blocked)) for offset in range(blocked)
        ]
        for user_id in blocked_ids:
            tg.block(user_id, notify=False)
        env = bot_env(database_url, tg.base_url, LOG_LEVEL="INFO")
        latencies: list[float] = []
        kills = 0
        stopping = asyncio.Event()
        down = asyncio.Event()  # set while the bot is killed and not yet back

        async def stamping() -> None:
            while not stopping.is_set():
                cashier.skip_unread()
                sent_at = time.monotonic()
                kills_before = kills
                await cashier.send(f"/stamp {number}")
                with contextlib.suppress(TimeoutError, AssertionError):
                    await cashier.next_message(timeout=30)
                    if kills == kills_before and not down.is_set():
                        latencies.append(time.monotonic() - sent_at)
                await asyncio.sleep(CASHIER_PAUSE)

        async with contextlib.AsyncExitStack() as stack:
            bot = await stack.enter_async_context(spawn("bot", env, workdir / "bot-1.log"))
            await _send_offer(owner, recipients)
            began = time.monotonic()
            cashier_task = asyncio.create_task(stamping())
            try:
                if kill_after is not None:
                    while sum(_copies(tg, FIRST_RECIPIENT, recipients).values()) < kill_after:  # noqa: ASYNC110 - polls the emulator's chats
                        await asyncio.sleep(0.2)
                    down.set()
                    bot.process.kill()  # SIGKILL
                    await bot.process.wait()
                    kills += 1
                    bot = await stack.enter_async_context(spawn("bot", env, workdir / "bot-2.log"))
                    down.clear()
                report = await owner.next_message(timeout=report_timeout)
                finished = time.monotonic()
            finally:
                stopping.set()
                await cashier_task
        copies = _copies(tg, FIRST_RECIPIENT, recipients)
        copy_times = [
            event.at
            for chat_id in range(FIRST_RECIPIENT, FIRST_RECIPIENT + recipients)
            for event in tg.events(chat_id)
            if event.kind == "message" and event.message and OFFER_TEXT in event.message.content
        ]
        message_times = [e.at for e in tg.events() if e.kind == "message"]
        calls = Counter((c.method.lower(), c.status) for c in tg.calls)
        span = (max(copy_times) - min(copy_times)) if len(copy_times) > 1 else float("nan")
        return {
            "recipients": recipients,
            "blocked_users": blocked,
            "kills": kills,
            "report": report.content,
            "copies_delivered": sum(copies.values()),
            "recipients_with_two_copies": sum(1 for n in copies.values() if n > 1),
            "copies_per_s": len(copy_times) / span if span == span and span > 0 else float("nan"),
            "seconds_to_report": finished - began,
            "most_messages_in_one_second": _most_in_one_second(message_times),
            "answers_403": calls[("sendmessage", 403)],
            "answers_429": sum(n for (method, status), n in calls.items() if status == 429),
            "cashier": latency_ms(latencies),
            "blocked_ids": blocked_ids,
        }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.offers", description=__doc__)
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--blocked", type=int, default=20)
    parser.add_argument("--kill-after", type=int, default=None)
    parser.add_argument("--database", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        url = args.database or sqlite_url(Path(workdir))
        figures = asyncio.run(
            run_offer_broadcast(
                url,
                Path(workdir),
                recipients=args.recipients,
                blocked=args.blocked,
                kill_after=args.kill_after,
            )
        )
    figures.pop("blocked_ids")
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
