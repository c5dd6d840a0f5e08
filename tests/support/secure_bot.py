"""The real bot against the emulator (`secure_bot`), with a precise "this update is fully handled"
signal, database snapshots, and checks that a reply respected Telegram's rules and hid no crash."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from app.runner import running
from bot.i18n import LANGUAGES, translator
from bot.texts import general
from domain.clock import ManualClock
from domain.db.tables import (
    Card,
    LedgerEntry,
    Merchant,
    Program,
    StaffInvite,
    StaffMembership,
    Store,
    User,
)
from domain.service import LoyaltyService
from emulator.driver import BotApiEmulator
from emulator.models import ChatEvent, SentMessage
from emulator.server import ApiCall
from emulator.user import EmulatedUser
from tests.support.running_bot import new_application

# The error handler's reply (bot/handlers/errors.py), in every language.
CRASH_TEXTS = frozenset(general.something_went_wrong(translator(code)) for code in LANGUAGES)
# After every handler of group 0 (and the error handler) has run, this group sees the update.
DONE_GROUP = 99


@dataclass
class Exchange:
    """One update sent by a user and everything the bot did for it."""

    text: str
    update_id: int
    events: list[ChatEvent]
    calls: list[ApiCall]

    @property
    def messages(self) -> list[SentMessage]:
        return [e.message for e in self.events if e.kind in ("message", "edit") and e.message]

    @property
    def replied(self) -> bool:
        return any(e.kind in ("message", "edit", "callback_answer") for e in self.events)

    @property
    def first(self) -> SentMessage:
        assert self.messages, f"no message for {self.text!r}"
        return self.messages[0]


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass(repr=False)
class SecureBot:
    """The running bot, and a driver that waits until each update is completely handled."""

    tg: BotApiEmulator
    application: Any
    clock: ManualClock
    errors: _ErrorRecords
    handled: set[int] = field(default_factory=set)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def service(self) -> LoyaltyService:
        service = self.application.bot_data.runtime.service
        assert service is not None
        return service

    async def _done(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            self.handled.add(update.update_id)
            self.changed.set()

    async def wait_handled(self, update_id: int, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while update_id not in self.handled:
                self.changed.clear()
                if update_id in self.handled:
                    break
                await self.changed.wait()

    async def _exchange(self, user: EmulatedUser, text: str, act: Any) -> Exchange:
        events_before = len(user.all_events)
        calls_before = len(self.tg.calls)
        update_id = await act()
        await self.wait_handled(update_id)
        return Exchange(
            text=text,
            update_id=update_id,
            events=user.all_events[events_before:],
            calls=self.tg.calls[calls_before:],
        )

    async def send(self, user: EmulatedUser, text: str) -> Exchange:
        """The user writes `text`; returns once the bot has completely handled it."""
        exchange = await self._exchange(user, text, lambda: user.send(text))
        user.skip_unread()
        return exchange

    async def press(
        self,
        user: EmulatedUser,
        message: SentMessage,
        label: str | None = None,
        *,
        callback_data: str | None = None,
    ) -> Exchange:
        """The user taps a button of `message`, by its label or its callback data."""
        buttons = [button for row in message.buttons for button in row]
        matching = [
            b
            for b in buttons
            if (callback_data is not None and b.callback_data == callback_data)
            or (label is not None and b.text == label)
        ]
        assert len(matching) == 1, f"{label or callback_data!r} not among {buttons}"
        data = matching[0].callback_data
        assert data is not None
        return await self.tap(user, message, data, f"[{matching[0].text}]")

    async def tap(
        self, user: EmulatedUser, message: SentMessage, data: str, text: str | None = None
    ) -> Exchange:
        """A button tap carrying `data` under `message` (forged if no button carries it)."""
        raw = self.tg.state.message(user.id, message.message_id)
        assert raw is not None, "the message is not in the chat any more"

        async def act() -> int:
            return self.tg.state.user_presses(user.record, raw, data).update_id

        exchange = await self._exchange(user, text or f"[tap {data}]", act)
        user.skip_unread()
        return exchange

    async def forge(self, user: EmulatedUser, data: str) -> Exchange:
        """A tap with callback data the bot never gave this user (a modified client), under the
        bot's latest message in their chat."""
        last = user.last_message
        assert last is not None, "a forged tap needs a message of the bot in the chat"
        return await self.tap(user, last, data, f"[forged {data}]")


@pytest.fixture
async def secure_bot(
    tg: BotApiEmulator, database_url: str, clock: ManualClock
) -> AsyncIterator[SecureBot]:
    application = new_application(tg, database_url, clock)
    errors = _ErrorRecords()
    bot = SecureBot(tg=tg, application=application, clock=clock, errors=errors)
    application.add_handler(TypeHandler(Update, bot._done), group=DONE_GROUP)
    watched = [logging.getLogger(name) for name in ("bot", "telegram", "domain")]
    for logger in watched:
        logger.addHandler(errors)
    try:
        async with running(application):
            yield bot
    finally:
        for logger in watched:
            logger.removeHandler(errors)


# --- checks ---------------------------------------------------------------------------------


def problems_of(exchange: Exchange, *, reply_expected: bool = True) -> list[str]:
    """What is wrong with how the bot handled one update (empty: nothing)."""
    found = []
    if reply_expected and not exchange.replied:
        found.append("no reply at all")
    for message in exchange.messages:
        if message.content in CRASH_TEXTS:
            found.append("the error handler answered (an unhandled exception)")
    for call in exchange.calls:
        if call.status >= 400:
            found.append(f"Bot API {call.method} → {call.status} {call.error}")
    return found


def assert_handled_well(exchange: Exchange, bot: SecureBot, *, reply_expected: bool = True) -> None:
    found = problems_of(exchange, reply_expected=reply_expected)
    if bot.errors.records:
        record = bot.errors.records[-1]
        found.append(f"logged {record.levelname} {record.name}: {record.getMessage()}")
        if record.exc_info and record.exc_info[1] is not None:
            found.append(f"  exception: {record.exc_info[1]!r}")
        bot.errors.records.clear()
    assert not found, f"{exchange.text[:300]!r}:\n  " + "\n  ".join(found)


# --- database snapshots ---------------------------------------------------------------------

SECTIONS = ("users", "merchants", "stores", "programs", "memberships", "invites", "cards", "ledger")


async def snapshot(service: LoyaltyService) -> dict[str, Any]:
    """Everything a refused command must leave alone (QR tokens aside: /newqr renews them)."""
    queries = {
        "users": select(User.id, User.first_name, User.language, User.erased_at).order_by(User.id),
        "merchants": select(Merchant.id, Merchant.name, Merchant.owner_user_id).order_by(
            Merchant.id
        ),
        "stores": select(Store.id, Store.merchant_id, Store.name, Store.code).order_by(Store.id),
        "programs": select(*[c for c in Program.__table__.c if c.name != "updated_at"]).order_by(
            Program.merchant_id
        ),
        "memberships": select(
            StaffMembership.id,
            StaffMembership.user_id,
            StaffMembership.merchant_id,
            StaffMembership.store_id,
            StaffMembership.active,
        ).order_by(StaffMembership.id),
        "invites": select(
            StaffInvite.id, StaffInvite.used_at, StaffInvite.used_by_user_id
        ).order_by(StaffInvite.id),
        "cards": select(
            *[c for c in Card.__table__.c if c.name not in ("qr_token", "expiry_reminded_at")]
        ).order_by(Card.id),
        "ledger": select(func.count(LedgerEntry.id), func.max(LedgerEntry.id)),
    }
    async with service.database.engine.connect() as connection:
        return {
            name: [tuple(row) for row in (await connection.execute(query)).all()]
            for name, query in queries.items()
        }


def changed_sections(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {name for name in SECTIONS if before[name] != after[name]}


async def ledger_size(service: LoyaltyService) -> int:
    async with service.database.engine.connect() as connection:
        return int((await connection.execute(select(func.count(LedgerEntry.id)))).scalar_one())


# --- figures shown at the end of the run ----------------------------------------------------

FIGURES: dict[str, str] = {}


def record_examples(test_name: str, examples: int) -> None:
    FIGURES[f"{test_name}"] = f"{examples} examples"
    print(f"{test_name}: {examples} examples run")


def record_figure(name: str, value: str) -> None:
    FIGURES[name] = value
    print(f"{name}: {value}")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("security figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
