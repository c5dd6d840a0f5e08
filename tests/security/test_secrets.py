"""Secrets stay out of the logs: invite tokens, QR tokens, full card numbers (and the bot token).

A story (set-up, invite, join, stamp, scan, a tap on +1 stamp) runs through the real bot while
the log records of the bot's loggers ("bot", "telegram", "httpx", and "domain") are captured;
none may contain the invite token, the QR token or the card's 12 digits (plain, dashed or
spaced). Checked with the levels bot/logs.py configures for LOG_LEVEL=INFO and =DEBUG (it
always raises httpx and httpcore to WARNING: their request lines carry the bot token), and with
everything at DEBUG as a test sees it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from domain.db.tables import Base
from tests.support.chat import link_in
from tests.support.running_bot import TOKEN
from tests.support.secure_bot import SecureBot, assert_handled_well

LOGGERS = ("bot", "domain", "telegram", "httpx", "httpcore")


@pytest.fixture
def engine_name() -> str:
    return "sqlite"  # what is logged does not depend on the engine


@dataclass
class Secrets:
    invite_token: str
    qr_token: str
    card_digits: str

    def named(self) -> dict[str, str]:
        digits = self.card_digits
        return {
            "invite token": self.invite_token,
            "QR token": self.qr_token,
            "card number": digits,
            "card number (dashed)": f"{digits[:4]}-{digits[4:8]}-{digits[8:]}",
            "card number (spaced)": f"{digits[:4]} {digits[4:8]} {digits[8:]}",
        }


async def story(bot: SecureBot) -> Secrets:
    tg = bot.tg
    owner = tg.user(10, "Owner", language_code="en")
    exchange = await bot.send(owner, "/setup Café")
    assert_handled_well(exchange, bot)
    join = link_in(exchange.first, "join_").split("start=")[1]
    assert_handled_well(await bot.send(owner, "/program set cooldown 0"), bot)
    invite = link_in((await bot.send(owner, "/invite")).first, "staff_").split("start=")[1]
    cashier = tg.user(11, "Cashier", language_code="en")
    assert_handled_well(await bot.send(cashier, f"/start {invite}"), bot)
    customer = tg.user(12, "Customer", language_code="en")
    assert_handled_well(await bot.send(customer, f"/start {join}"), bot)
    card = (await bot.service.customers.cards(customer.id))[0]
    assert_handled_well(await bot.send(cashier, f"/stamp {card.display_number}"), bot)
    scanned = await bot.send(cashier, f"/start card_{card.qr_token}")
    assert_handled_well(scanned, bot)
    assert_handled_well(await bot.press(cashier, scanned.first, "+1 stamp"), bot)
    assert_handled_well(await bot.send(cashier, card.number), bot)  # typed as plain text
    assert_handled_well(await bot.send(customer, "/card"), bot)
    assert_handled_well(await bot.send(customer, "/mydata"), bot)
    await bot.tg.wait_idle()
    return Secrets(invite.removeprefix("staff_"), card.qr_token, card.number)


def leaks(
    records: list[logging.LogRecord], secrets: dict[str, str], loggers: tuple[str, ...] = ("",)
) -> list[str]:
    found = []
    for record in records:
        if not record.name.startswith(loggers):
            continue
        text = record.getMessage() + (record.exc_text or "")
        for name, value in secrets.items():
            if value in text:
                found.append(f"{name} in {record.levelname} {record.name}: {text[:160]!r}")
    return found


# bot/logs.configure_logging(LOG_LEVEL) keeps httpx and httpcore at WARNING and python-telegram-bot
# and aiosqlite at INFO or above whatever LOG_LEVEL says: at DEBUG those libraries log API and
# SQL parameters (tokens, card numbers).
_FLOORS = {"httpx": "WARNING", "httpcore": "WARNING", "telegram": "INFO", "aiosqlite": "INFO"}
LEVELS = {
    "LOG_LEVEL=INFO": ({**_FLOORS, "": "INFO"}, ("",)),
    "LOG_LEVEL=DEBUG": ({**_FLOORS, "": "DEBUG"}, ("",)),
    # The bot's own loggers at DEBUG: they must never need a secret to explain themselves.
    "bot at DEBUG": ({**_FLOORS, "bot": "DEBUG"}, LOGGERS),
}


def test_configure_logging_sets_the_floors_assumed_above() -> None:
    from bot.logs import configure_logging

    saved = {name: logging.getLogger(name).level for name in ("", *_FLOORS)}
    handlers = logging.getLogger().handlers[:]  # basicConfig(force=True) replaces pytest's
    try:
        configure_logging("DEBUG", "text")
        for name, floor in _FLOORS.items():
            assert logging.getLogger(name).level == logging.getLevelName(floor)
    finally:
        for name, level in saved.items():
            logging.getLogger(name or None).setLevel(level)
        root = logging.getLogger()
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)


@pytest.fixture(params=sorted(LEVELS))
def log_levels(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture) -> str:
    """Set before the bot starts, so that its start-up is captured too."""
    levels, _ = LEVELS[request.param]
    for name, level in levels.items():  # caplog's handler takes the level of the last call
        caplog.set_level(level, logger=name or None)
    return str(request.param)


async def test_secrets_stay_out_of_the_logs(
    log_levels: str, secure_bot: SecureBot, caplog: pytest.LogCaptureFixture
) -> None:
    levels, loggers = LEVELS[log_levels]
    logging.getLogger("bot.security").info("capture check")
    secrets = await story(secure_bot)
    named = secrets.named()
    if "httpx" not in levels or levels["httpx"] == "WARNING":
        named["bot token"] = TOKEN.split(":")[1]
    records = caplog.get_records("setup") + caplog.get_records("call")
    assert any(r.getMessage() == "capture check" for r in records)
    found = leaks(records, named, loggers)
    assert not found, f"{len(found)} secrets logged with {log_levels}:\n" + "\n".join(
        dict.fromkeys(line[:120] for line in found)
    )


# --- at rest --------------------------------------------------------------------------------


async def _database_text(bot: SecureBot) -> dict[str, list[str]]:
    """Every text value stored in the database, by table."""
    stored: dict[str, list[str]] = {}
    async with bot.service.database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in (await connection.execute(select(table))).all():
                stored.setdefault(table.name, []).extend(v for v in row if isinstance(v, str))
    return stored


def _where(stored: dict[str, list[str]], secret: str) -> list[str]:
    return sorted({table for table, values in stored.items() if any(secret in v for v in values)})


async def test_invite_tokens_and_erased_names_are_not_kept_in_the_database(
    secure_bot: SecureBot,
) -> None:
    """Invite tokens are stored only as a SHA-256 "so a leaked database does not leak usable
    links" (domain/codes.py), and /forget promises the user's name is forgotten: neither may
    survive elsewhere, e.g. in the stored copies of the updates that carried them."""
    bot, tg = secure_bot, secure_bot.tg
    owner = tg.user(10, "Owner", language_code="en")
    await bot.send(owner, "/setup Café")
    join = link_in((await bot.send(owner, "/stores")).first, "join_").split("start=")[1]
    # An invite that is opened but not used (its holder owns a business: refused).
    invite = link_in((await bot.send(owner, "/invite")).first, "staff_").split("start=")[1]
    other_owner = tg.user(13, "Other owner", language_code="en")
    await bot.send(other_owner, "/setup Elsewhere")
    refused = await bot.send(other_owner, f"/start {invite}")
    assert_handled_well(refused, bot)
    customer = tg.user(12, "Zoë Quixotic-Name", username="zoe_quixotic", language_code="en")
    await bot.send(customer, f"/start {join}")
    question = await bot.send(customer, "/forget")
    erased = await bot.press(customer, question.first, "Yes")
    assert_handled_well(erased, bot)
    await tg.wait_idle()
    await asyncio.sleep(0.5)  # the inbox marks handled updates every 0.2 s
    stored = await _database_text(bot)
    token = invite.removeprefix("staff_")
    found = {
        "unused invite token": _where(stored, token),
        "erased user's name": _where(stored, "Quixotic"),
        "erased user's username": _where(stored, "zoe_quixotic"),
    }
    assert not any(found.values()), f"still stored: {found}"
