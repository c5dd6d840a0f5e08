"""What owners see of their webhooks (/webhooks): a new endpoint and its secret once, the list
with recent deliveries, a removal, and the notice of an endpoint disabled after failing."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from bot.texts import esc
from domain.webhooks import (
    RETRY_WINDOW,
    DeliveryView,
    DisabledEndpoint,
    EndpointView,
    NewEndpoint,
)


def endpoint_added(t: Translator, new: NewEndpoint) -> str:
    return t.gettext(
        "🔔 Webhook {number} added: {url}\nIts signing secret:\n<code>{secret}</code>\nCopy it into your tool now: it is shown this once. Every event carries a Loyalty-Signature header made with it, so your tool can check that the event comes from us.",
        number=new.endpoint.number,
        url=esc(new.endpoint.url),
        secret=new.secret,
    )


def _delivery(t: Translator, delivery: DeliveryView, timezone: str) -> str:
    when = t.date_time(delivery.created_at, timezone)
    if delivery.delivered_at is not None:
        outcome = t.gettext("accepted ({status})", status=delivery.last_status)
    elif delivery.last_status is not None:
        outcome = t.ngettext(
            "answered {status}, {n} try so far",
            "answered {status}, {n} tries so far",
            delivery.attempts,
            status=delivery.last_status,
        )
    elif delivery.attempts:
        outcome = t.ngettext(
            "no answer, {n} try so far", "no answer, {n} tries so far", delivery.attempts
        )
    else:
        outcome = t.gettext("waiting")
    return t.gettext(
        "– {when} {type}: {outcome}", when=when, type=esc(delivery.event_type), outcome=outcome
    )


def _endpoint(t: Translator, endpoint: EndpointView, timezone: str) -> list[str]:
    if endpoint.disabled_at is not None:
        state = t.gettext("disabled {when}", when=t.date_time(endpoint.disabled_at, timezone))
    elif endpoint.failing_since is not None:
        state = t.gettext(
            "failing since {when}", when=t.date_time(endpoint.failing_since, timezone)
        )
    else:
        state = t.gettext("working")
    lines = [
        t.gettext(
            "{number}. {url} — {state}", number=endpoint.number, url=esc(endpoint.url), state=state
        )
    ]
    if not endpoint.recent:
        lines.append(t.gettext("– no event sent yet"))
    lines.extend(_delivery(t, d, timezone) for d in endpoint.recent)
    return lines


def endpoints_list(t: Translator, endpoints: Sequence[EndpointView], timezone: str) -> str:
    if not endpoints:
        return t.gettext(
            "You have no webhook. Register your tool's address with /webhooks add <code>https://…</code>: it then receives every new card and operation."
        )
    lines = [t.gettext("Your webhooks and their latest events:")]
    for endpoint in endpoints:
        lines.extend(_endpoint(t, endpoint, timezone))
    lines.append(t.gettext("Remove one with /webhooks remove <code>number</code>."))
    return "\n".join(lines)


def endpoint_removed(t: Translator, url: str) -> str:
    return t.gettext("Webhook {url} is removed: nothing more is sent to it.", url=esc(url))


def endpoint_disabled(t: Translator, url: str) -> str:
    return t.ngettext(
        "⚠️ Your webhook {url} has not accepted events for {n} day, so it is disabled and receives nothing more. Once it works again, tap Re-enable it.",
        "⚠️ Your webhook {url} has not accepted events for {n} days, so it is disabled and receives nothing more. Once it works again, tap Re-enable it.",
        RETRY_WINDOW.days,
        url=esc(url),
    )


def reenable_question(t: Translator, endpoint: DisabledEndpoint) -> str:
    lines = [
        t.gettext(
            "Re-enable webhook {url}? New events are sent to it again from now on.",
            url=esc(endpoint.url),
        )
    ]
    if endpoint.waiting:
        lines.append(
            t.ngettext(
                "The {n} event that was waiting when it was disabled is sent first.",
                "The {n} events that were waiting when it was disabled are sent first, in order.",
                endpoint.waiting,
            )
        )
    lines.append(t.gettext("Events of the time it was disabled are not sent."))
    return "\n".join(lines)


def reenable_declined(t: Translator) -> str:
    return t.gettext("The webhook stays disabled.")


def reenabled(t: Translator, endpoint: DisabledEndpoint) -> str:
    text = t.gettext("🔔 Webhook {url} is enabled again.", url=esc(endpoint.url))
    if endpoint.waiting:
        text += " " + t.ngettext(
            "Its {n} waiting event is being sent.",
            "Its {n} waiting events are being sent.",
            endpoint.waiting,
        )
    return text
