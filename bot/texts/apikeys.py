"""What owners see of their API keys (/apikeys): a new key once, the list, a revocation."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from bot.texts import esc
from domain.apikeys import ApiKeyView, NewApiKey, Scope, scopes_text


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


def key_line(t: Translator, key: ApiKeyView, timezone: str) -> str:
    """One key of the list: its name, scopes, stores and last use (the chat's and the Mini
    App's)."""
    used = (
        t.gettext("never used")
        if key.last_used_at is None
        else t.gettext("last used {when}", when=t.date_time(key.last_used_at, timezone))
    )
    return t.gettext(
        "• <b>{name}</b> — {scopes}; {where}; {used}",
        name=esc(key.name),
        scopes=_scopes(key),
        where=_where(t, key),
        used=used,
    )


def keys_list(t: Translator, keys: Sequence[ApiKeyView], timezone: str) -> str:
    if not keys:
        return t.gettext(
            "You have no API key. Create one for your till with /apikeys new <code>name</code>."
        )
    lines = [t.gettext("Your API keys:")]
    lines += [key_line(t, key, timezone) for key in keys]
    lines.append(t.gettext("Revoke one with /apikeys revoke <code>name</code>."))
    return "\n".join(lines)


def key_revoked(t: Translator, name: str) -> str:
    return t.gettext(
        "Key <b>{name}</b> is revoked: the next request that carries it is refused.",
        name=esc(name),
    )


# --- the Mini App's screen of keys (webapp/apikeys.py): what the chat has no words for --------


def screen_labels(t: Translator) -> dict[str, str]:
    """The headings, fields and buttons of the owner's API keys screen."""
    return {
        "title": t.pgettext("webapp", "API keys for tills"),
        "none": t.gettext("You have no API key yet: create one for your till below."),
        "new": t.pgettext("webapp", "New key"),
        "name": t.pgettext("webapp", "Name"),
        "where": t.pgettext("webapp", "Stores"),
        "all_stores": t.gettext("all stores"),
        "scopes": t.pgettext("webapp", "What it may do"),
        "create": t.pgettext("webapp", "Create the key"),
        "copy_secret": t.pgettext("webapp", "Copy"),
        "copied": t.pgettext("webapp", "Copied"),
        "revoke": t.pgettext("webapp", "Revoke key"),
    }


def scope_choices(t: Translator) -> list[tuple[str, str]]:
    """Each scope, as the API names it, with what it allows in the owner's words."""
    return [
        (Scope.READ.value, t.gettext("look cards up and read the ledger")),
        (Scope.EARN.value, t.gettext("give stamps and points, and refund them")),
        (Scope.REDEEM.value, t.gettext("redeem rewards")),
    ]


def revoke_question(t: Translator, name: str) -> str:
    return t.gettext(
        "Revoke the key {name}? The next request that carries it is refused.", name=name
    )
