"""What owners see of their API keys (/apikeys): a new key once, the list, a revocation."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from bot.texts import esc
from domain.apikeys import ApiKeyView, NewApiKey, scopes_text


def _scopes(key: ApiKeyView) -> str:
    return scopes_text(key.scopes)


def _where(t: Translator, key: ApiKeyView) -> str:
    if key.store_name is None:
        return t.gettext("all stores")
    return t.gettext("store {store}", store=esc(key.store_name))


def key_created(t: Translator, new: NewApiKey) -> str:
    return t.gettext(
        "🔑 Key <b>{name}</b> ({scopes}; {where}):\n<code>{secret}</code>\nCopy it into your till now: it is shown this once, and only its fingerprint is kept. Anyone with it can act for your café as the scopes allow; revoke it with /apikeys revoke {name}.",
        name=esc(new.key.name),
        scopes=_scopes(new.key),
        where=_where(t, new.key),
        secret=new.secret,
    )


def keys_list(t: Translator, keys: Sequence[ApiKeyView], timezone: str) -> str:
    if not keys:
        return t.gettext(
            "You have no API key. Create one for your till with /apikeys new <code>name</code>."
        )
    lines = [t.gettext("Your API keys:")]
    for key in keys:
        used = (
            t.gettext("never used")
            if key.last_used_at is None
            else t.gettext("last used {when}", when=t.date_time(key.last_used_at, timezone))
        )
        lines.append(
            t.gettext(
                "• <b>{name}</b> — {scopes}; {where}; {used}",
                name=esc(key.name),
                scopes=_scopes(key),
                where=_where(t, key),
                used=used,
            )
        )
    lines.append(t.gettext("Revoke one with /apikeys revoke <code>name</code>."))
    return "\n".join(lines)


def key_revoked(t: Translator, name: str) -> str:
    return t.gettext(
        "Key <b>{name}</b> is revoked: the next request that carries it is refused.",
        name=esc(name),
    )
