"""An offer to 2,000 opted-in customers while a cashier keeps stamping, with a `kill -9` of the
bot mid-send (PRODUCT.md §8 "Offers", §7 "Nothing lost on a crash"): each customer gets the
offer at most once, the bot stays under Telegram's 30 messages a second, users who blocked the
bot are counted once and not tried again, and the cashier's replies keep coming within a second.

The bot is a real `python -m bot` process; the emulator refuses (429) more than 30 messages
within any one second.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.offers import run_offer_broadcast
from bot.delivery import BATCH

pytestmark = pytest.mark.workers

RECIPIENTS = 2000
BLOCKED = 20
KILL_AFTER = 700  # copies delivered before the SIGKILL


def _figure(report: str, label: str) -> int:
    found = re.search(rf"{label}: ([\d,]+)", report)
    assert found, (label, report)
    return int(found.group(1).replace(",", ""))


@pytest.mark.slow
async def test_an_offer_to_2000_customers_survives_a_kill_9_without_a_second_copy(
    database_url: str, tmp_path: Path
) -> None:
    figures = await run_offer_broadcast(
        database_url, tmp_path, recipients=RECIPIENTS, blocked=BLOCKED, kill_after=KILL_AFTER
    )
    report = figures["report"]
    cashier = figures["cashier"]
    print(
        f"\noffer to {RECIPIENTS} customers, killed once: {figures['copies_delivered']} copies "
        f"at {figures['copies_per_s']:.1f}/s, at most {figures['most_messages_in_one_second']} "
        f"messages in one second, {figures['answers_429']} answers 429; the cashier's replies "
        f"p50 {cashier['p50_ms']:.0f} ms, p95 {cashier['p95_ms']:.0f} ms "
        f"({cashier['count']} stamps); report:\n{report}"
    )
    assert figures["kills"] == 1
    assert figures["recipients_with_two_copies"] == 0
    assert figures["most_messages_in_one_second"] <= 30 and figures["answers_429"] == 0
    # Blocked users: refused once each, counted, never tried again.
    assert figures["answers_403"] == BLOCKED
    assert _figure(report, "Audience") == RECIPIENTS
    assert _figure(report, "Blocked the bot") == BLOCKED
    delivered = _figure(report, "Delivered")
    assert delivered <= figures["copies_delivered"]
    # Only the copies in the hands of the killed process may go unconfirmed (never resent).
    unconfirmed = RECIPIENTS - BLOCKED - delivered
    assert unconfirmed <= BATCH
    assert figures["copies_delivered"] >= RECIPIENTS - BLOCKED - BATCH
    assert cashier["count"] >= 20 and cashier["p95_ms"] < 1000
