"""The bots the platform hosts: the platform bot (TELEGRAM_BOT_TOKEN, key 0) and every café's
own bot (a row of `hosted_bots`, created through Telegram's managed bots).

Which bot an update came through is per update, like the chat: `current_bot` is set around
each update (and around each message the dispatcher sends), and what is kept per chat — pending
steps, the inbox, the per-chat lock, the message budget — is kept per bot as well, because a
person's chat with a café's bot is another chat than theirs with the platform bot.

Tokens are encrypted at rest with Fernet under BOT_TOKEN_KEY (several comma-separated keys:
the first encrypts, all decrypt, so a key can be rotated without downtime).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import delete, select, update

from domain.clock import Clock
from domain.db.uow import Database
from infra.tables import BotUser, HostedBot

PLATFORM = 0  # the key of the platform bot wherever a bot is named (inbox, steps, budget)

# The bot the current update came through, or the dispatcher's message goes out through.
current_bot: ContextVar[int] = ContextVar("current_bot", default=PLATFORM)


class BotState(enum.StrEnum):
    ACTIVE = "active"  # served, and the café's messages go out through it
    PAUSED = "paused"  # Telegram refused its token: messages wait until a new token arrives
    OFF = "off"  # the owner returned the café to the platform bot


class TokenKeyMissing(Exception):
    """BOT_TOKEN_KEY is not set: café bots cannot be stored."""


class TokenCipher:
    """Encrypts bot tokens for the database; BOT_TOKEN_KEY holds one or more Fernet keys."""

    def __init__(self, keys: str | None) -> None:
        parts = [k.strip() for k in (keys or "").split(",") if k.strip()]
        self._fernet = MultiFernet([Fernet(k.encode()) for k in parts]) if parts else None

    @property
    def ready(self) -> bool:
        return self._fernet is not None

    def encrypt(self, token: str) -> str:
        if self._fernet is None:
            raise TokenKeyMissing()
        return self._fernet.encrypt(token.encode()).decode()

    def decrypt(self, stored: str) -> str:
        if self._fernet is None:
            raise TokenKeyMissing()
        return self._fernet.decrypt(stored.encode()).decode()

    def rotate(self, stored: str) -> str:
        """The same token under the first key (after a new key was put first)."""
        if self._fernet is None:
            raise TokenKeyMissing()
        return self._fernet.rotate(stored.encode()).decode()

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()


@dataclass(frozen=True)
class HostedBotRecord:
    id: int
    merchant_id: int
    username: str
    name: str
    token: str | None  # None when it cannot be decrypted with the keys configured
    state: BotState
    version: int
    webhook_url: str | None
    profile_set: bool


class BotRegistry:
    """The table of hosted café bots, and who has started which."""

    def __init__(self, database: Database, clock: Clock, cipher: TokenCipher) -> None:
        self._db = database
        self._clock = clock
        self.cipher = cipher
        # (bot, user) pairs known to have started: a write per first message, not per message.
        self._started: set[tuple[int, int]] = set()

    def _record(self, row: HostedBot) -> HostedBotRecord:
        try:
            token: str | None = self.cipher.decrypt(row.token)
        except (InvalidToken, TokenKeyMissing):
            token = None
        return HostedBotRecord(
            id=row.id,
            merchant_id=row.merchant_id,
            username=row.username,
            name=row.name,
            token=token,
            state=BotState(row.state),
            version=row.version,
            webhook_url=row.webhook_url,
            profile_set=row.profile_set_at is not None,
        )

    async def versions(self) -> dict[int, int]:
        """Every hosted bot's version: one cheap query for the workers' periodic check."""
        async with self._db.read() as session:
            rows = await session.execute(select(HostedBot.id, HostedBot.version))
            return {row[0]: row[1] for row in rows}

    async def all(self) -> list[HostedBotRecord]:
        async with self._db.read() as session:
            rows = await session.execute(select(HostedBot).order_by(HostedBot.id))
            return [self._record(row) for row in rows.scalars()]

    async def many(self, bot_ids: Iterable[int]) -> dict[int, HostedBotRecord]:
        """Several bots in one query (a worker starting with a thousand cafés' bots)."""
        wanted = list(bot_ids)
        found: dict[int, HostedBotRecord] = {}
        async with self._db.read() as session:
            for start in range(0, len(wanted), 500):  # a bounded IN list on every engine
                rows = await session.execute(
                    select(HostedBot).where(HostedBot.id.in_(wanted[start : start + 500]))
                )
                found.update((row.id, self._record(row)) for row in rows.scalars())
        return found

    async def get(self, bot_id: int) -> HostedBotRecord | None:
        async with self._db.read() as session:
            row = await session.get(HostedBot, bot_id)
            return None if row is None else self._record(row)

    async def of_merchant(self, merchant_id: int) -> HostedBotRecord | None:
        async with self._db.read() as session:
            row = (
                await session.execute(select(HostedBot).where(HostedBot.merchant_id == merchant_id))
            ).scalar_one_or_none()
            return None if row is None else self._record(row)

    async def adopt(
        self, merchant_id: int, bot_id: int, username: str, name: str, token: str
    ) -> HostedBotRecord:
        """The café's bot, created or re-created: active with this token. A café has one bot;
        a new one replaces the previous (which is no longer served)."""
        now = self._clock.now()
        stored = self.cipher.encrypt(token)
        async with self._db.write() as session:
            previous = (
                await session.execute(select(HostedBot).where(HostedBot.merchant_id == merchant_id))
            ).scalar_one_or_none()
            if previous is not None and previous.id != bot_id:
                await session.delete(previous)
                await session.flush()
            row = await session.get(HostedBot, bot_id)
            if row is None:
                row = HostedBot(
                    id=bot_id,
                    merchant_id=merchant_id,
                    username=username,
                    name=name,
                    token=stored,
                    state=BotState.ACTIVE.value,
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
                session.add(row)
            else:
                row.merchant_id, row.username, row.name, row.token = (
                    merchant_id,
                    username,
                    name,
                    stored,
                )
                row.state, row.version, row.updated_at = BotState.ACTIVE.value, row.version + 1, now
                row.profile_set_at = None
                row.webhook_url = None
            await session.flush()
            return self._record(row)

    async def set_token(self, bot_id: int, token: str) -> HostedBotRecord | None:
        """A new token (rotated, or changed by Telegram): a paused bot is served again."""
        async with self._db.write() as session:
            row = await session.get(HostedBot, bot_id, with_for_update=True)
            if row is None:
                return None
            if row.state == BotState.PAUSED.value:
                row.state = BotState.ACTIVE.value
            row.token = self.cipher.encrypt(token)
            row.version += 1
            row.updated_at = self._clock.now()
            row.webhook_url = None  # the new token has no webhook yet
            return self._record(row)

    async def set_state(
        self,
        bot_id: int,
        state: BotState,
        *,
        unless: BotState | None = None,
        token: str | None = None,
    ) -> bool:
        """Change the state; False if it already was `state` (or is `unless`, or the token
        stored is no longer `token`)."""
        async with self._db.write() as session:
            row = await session.get(HostedBot, bot_id, with_for_update=True)
            if row is None or row.state == state.value or (unless and row.state == unless.value):
                return False
            if token is not None and self._record(row).token != token:
                return False
            row.state = state.value
            row.version += 1
            row.updated_at = self._clock.now()
            return True

    async def mark_webhook(self, bot_id: int, url: str | None) -> None:
        async with self._db.write() as session:
            await session.execute(
                update(HostedBot).where(HostedBot.id == bot_id).values(webhook_url=url)
            )

    async def mark_profile_set(self, bot_id: int) -> None:
        async with self._db.write() as session:
            await session.execute(
                update(HostedBot)
                .where(HostedBot.id == bot_id)
                .values(profile_set_at=self._clock.now())
            )

    async def reencrypt_all(self) -> int:
        """Every token under the first key of BOT_TOKEN_KEY (after a key rotation)."""
        async with self._db.write() as session:
            rows = list((await session.execute(select(HostedBot))).scalars())
            for row in rows:
                row.token = self.cipher.rotate(row.token)
            return len(rows)

    # --- who has started which bot ---------------------------------------------------------

    async def record_started(self, bot_id: int, user_id: int) -> None:
        if (bot_id, user_id) in self._started:
            return
        async with self._db.write() as session:
            await session.execute(
                self._db.dialect.insert(BotUser)
                .values(bot_id=bot_id, user_id=user_id, started_at=self._clock.now())
                .on_conflict_do_nothing(index_elements=[BotUser.bot_id, BotUser.user_id])
            )
        if len(self._started) > 100_000:
            self._started.clear()
        self._started.add((bot_id, user_id))

    async def started(self, bot_id: int, user_ids: Iterable[int]) -> set[int]:
        ids = list(user_ids)
        if not ids:
            return set()
        async with self._db.read() as session:
            rows = await session.execute(
                select(BotUser.user_id).where(BotUser.bot_id == bot_id, BotUser.user_id.in_(ids))
            )
            return set(rows.scalars())

    async def forget_person(self, user_id: int) -> None:
        """/forget: which cafés' bots the person started is no longer kept."""
        self._started = {pair for pair in self._started if pair[1] != user_id}
        async with self._db.write() as session:
            await session.execute(delete(BotUser).where(BotUser.user_id == user_id))

    async def forget_started(self, bot_id: int, user_id: int) -> None:
        """The person blocked the café's bot: its messages go through the platform bot again."""
        self._started.discard((bot_id, user_id))
        async with self._db.write() as session:
            await session.execute(
                delete(BotUser).where(BotUser.bot_id == bot_id, BotUser.user_id == user_id)
            )
