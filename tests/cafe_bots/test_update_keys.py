"""Every bot numbers its updates on its own: update 17 of a café's bot and update 17 of the
platform bot are two operations, and so two balance changes (found by the many-bots rush)."""

from __future__ import annotations

from telegram import Update

from bot.features.common import update_key
from infra.bots import current_bot


def _key_through(bot_id: int, update: Update) -> str:
    through = current_bot.set(bot_id)
    try:
        return update_key(update)
    finally:
        current_bot.reset(through)


def test_the_same_update_id_of_two_bots_is_two_operations() -> None:
    update = Update(17)
    platform = update_key(update)
    assert platform == "u17"  # the platform bot's keys are as they were
    cafe_a, cafe_b = _key_through(4242, update), _key_through(4343, update)
    assert len({platform, cafe_a, cafe_b}) == 3
    assert _key_through(4242, Update(17)) == cafe_a  # a re-delivery is the same operation
    assert len(cafe_a) <= 64  # the ledger's idempotency_key column
