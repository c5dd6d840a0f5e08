"""How a client of a standalone emulator names its bots: a :class:`RemoteBot` as the control
API describes it, its username or id, or None for the platform bot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.models import JsonDict


@dataclass(frozen=True)
class RemoteBot:
    """A bot hosted by a standalone emulator, as its control API describes it."""

    id: int
    token: str
    username: str
    name: str
    manager_id: int | None = None
    owner_id: int | None = None

    @classmethod
    def from_json(cls, data: JsonDict) -> RemoteBot:
        return cls(
            id=int(data["id"]),
            token=str(data["token"]),
            username=str(data["username"]),
            name=str(data["name"]),
            manager_id=data.get("manager_id"),
            owner_id=data.get("owner_id"),
        )


BotRef = RemoteBot | str | int | None  # a hosted bot, its username or id; None: the platform


def bot_key(bot: BotRef) -> str | int | None:
    """What the control API's ``bot`` field takes for ``bot``."""
    return bot.id if isinstance(bot, RemoteBot) else bot


def with_bot(params: dict[str, Any], bot: BotRef) -> dict[str, Any]:
    key = bot_key(bot)
    if key is not None:
        params["bot"] = key
    return params
