"""Use cases on their own, for command-line tools: an engine of their own, the schema brought up
to date first (as the bot does at start-up), and no effects to deliver."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from domain.clock import SystemClock
from domain.db.effect_log import NoEffects
from domain.db.uow import Database
from domain.service.wallet import WalletService
from infra.db.engine import create_engine
from infra.db.migrate import upgrade_to_head


@asynccontextmanager
async def open_wallet(database_url: str) -> AsyncIterator[WalletService]:
    """The wallet use cases over DATABASE_URL, for as long as the block runs."""
    engine = create_engine(database_url)
    try:
        await upgrade_to_head(engine)
        yield WalletService(Database(engine), SystemClock(), NoEffects())
    finally:
        await engine.dispose()
