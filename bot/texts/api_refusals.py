"""The refusals of the till API, its keys and the café's webhooks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.i18n import Translator
from bot.texts import esc
from domain import errors

API_REFUSALS: dict[type[errors.DomainError], Callable[[Translator, Any], str]] = {
    errors.KeyUsedForAnotherCard: lambda t, e: t.gettext(
        "This request was already used for another card, so nothing was changed. Please try again."
    ),
    errors.KeyUsedForAnotherRequest: lambda t, e: t.gettext(
        "This Idempotency-Key was already used for another request, so nothing was changed. Use a new key for a new request."
    ),
    errors.ReceiptAlreadyUsed: lambda t, e: t.gettext(
        "Receipt {receipt} has already earned on a card: a receipt earns once.",
        receipt=esc(e.receipt),
    ),
    errors.ReceiptNotFound: lambda t, e: t.gettext(
        "No purchase with receipt {receipt} earned on a card here.", receipt=esc(e.receipt)
    ),
    errors.ReceiptRefunded: lambda t, e: t.gettext(
        "Receipt {receipt} has already been refunded: a receipt is refunded once.",
        receipt=esc(e.receipt),
    ),
    errors.ReceiptOfOtherStore: lambda t, e: t.gettext(
        "Receipt {receipt} earned at {store}: only a key of that store, or of the whole café, "
        "can refund it.",
        receipt=esc(e.receipt),
        store=esc(e.store_name),
    ),
    errors.InvalidCursor: lambda t, e: t.gettext(
        "This cursor is not one the operations list gave. Start without one, or pass the "
        "last answer's next cursor."
    ),
    errors.ApiKeyRefused: lambda t, e: t.gettext(
        "This API key is unknown or revoked. Send it as Authorization: Bearer followed by the key."
    ),
    errors.ApiKeyScopeMissing: lambda t, e: t.gettext(
        "This API key may not do that: it needs the {scope} scope.", scope=e.scope
    ),
    errors.InvalidApiKeyName: lambda t, e: t.ngettext(
        "A key's name is 1 to {n} character: letters, digits, dots, dashes or underscores, no spaces.",
        "A key's name is 1 to {n} characters: letters, digits, dots, dashes or underscores, no spaces.",
        e.max_length,
    ),
    errors.InvalidApiKeyScopes: lambda t, e: t.gettext(
        "A key's scopes are {allowed}, separated by commas.", allowed=", ".join(e.allowed)
    ),
    errors.DuplicateApiKeyName: lambda t, e: t.gettext(
        "You already have a key named {name}. Choose another name, or revoke that key first.",
        name=esc(e.name),
    ),
    errors.ApiKeyNotFound: lambda t, e: t.gettext(
        "You have no key named {name}. Send /apikeys to see your keys.", name=esc(e.name)
    ),
    errors.InvalidWebhookUrl: lambda t, e: t.gettext(
        "This is not a web address I can send events to. Send one like https://example.com/loyalty."
    ),
    errors.WebhookNeedsHttps: lambda t, e: t.gettext(
        "Events are only sent over HTTPS: the address must start with https://."
    ),
    errors.WebhookHostUnknown: lambda t, e: t.gettext(
        "I cannot find the server {host}. Please check the address.", host=esc(e.host)
    ),
    errors.WebhookAddressRefused: lambda t, e: t.gettext(
        "{host} is an address of a private network: events are only sent to servers on the internet.",
        host=esc(e.host),
    ),
    errors.TooManyWebhooks: lambda t, e: t.ngettext(
        "You already have {n} webhook, the most allowed. Remove one first with /webhooks remove.",
        "You already have {n} webhooks, the most allowed. Remove one first with /webhooks remove.",
        e.limit,
    ),
    errors.DuplicateWebhook: lambda t, e: t.gettext(
        "{url} is registered already. Send /webhooks to see your webhooks.", url=esc(e.url)
    ),
    errors.WebhookNotFound: lambda t, e: t.gettext(
        "You have no webhook number {number}. Send /webhooks to see the numbers.",
        number=e.number,
    ),
    errors.WebhookRemoved: lambda t, e: t.gettext(
        "That webhook is no longer yours to change. Send /webhooks to see your webhooks."
    ),
    errors.WebhookNotDisabled: lambda t, e: t.gettext(
        "Webhook {url} is enabled already: nothing to do.", url=esc(e.url)
    ),
}
