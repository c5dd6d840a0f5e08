"""API keys for tills and tools: /apikeys lists them, /apikeys new NAME [scopes] [store]
creates one (its secret shown once), /apikeys revoke NAME revokes one at once."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.features.common import Audience, Command, Feature, Viewer, reply
from bot.texts import apikeys as texts
from bot.texts.commands import usage
from domain.apikeys import Scope, parse_scopes
from domain.program import DEFAULT_TIMEZONE

_SCOPE_WORDS = {s.value for s in Scope}


def _timezone(viewer: Viewer) -> str:
    membership = viewer.identity.membership
    return membership.timezone if membership else DEFAULT_TIMEZONE


def _is_scopes(word: str) -> bool:
    return all(part.casefold() in _SCOPE_WORDS for part in word.split(",") if part)


async def apikeys(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/apikeys [new NAME [scopes] [store] | revoke NAME]."""
    args = list(context.args or [])
    service = context.service.api_keys
    action = args[0].casefold() if args else "list"
    if action == "list" and len(args) <= 1:
        keys = await service.keys(viewer.user_id)
        await reply(update, texts.keys_list(viewer.t, keys, _timezone(viewer)))
    elif action == "new" and len(args) >= 2:
        rest = args[2:]
        scope_words = [w for w in rest if _is_scopes(w)]
        store = " ".join(w for w in rest if not _is_scopes(w)) or None
        new = await service.create_key(viewer.user_id, args[1], parse_scopes(scope_words), store)
        await reply(update, texts.key_created(viewer.t, new))
    elif action == "revoke" and len(args) == 2:
        await service.revoke_key(viewer.user_id, args[1])
        await reply(update, texts.key_revoked(viewer.t, args[1]))
    else:
        await reply(update, usage(viewer.t, "apikeys"))


FEATURE = Feature(name="apikeys", commands=(Command("apikeys", Audience.OWNER, apikeys),))
