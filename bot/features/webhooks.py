"""Webhooks for tills and tools (PRODUCT.md §12): /webhooks lists the owner's endpoints with
their recent deliveries, /webhooks add URL registers one (its signing secret shown once),
/webhooks remove N removes one; the owner's notice when an endpoint was disabled, and the
button (under both) that enables it again after a confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import ButtonAction, Token
from bot.confirmations import Confirmation, says
from bot.context import BotContext
from bot.courier import Courier
from bot.features.common import (
    Audience,
    Command,
    Feature,
    Viewer,
    edit_or_reply,
    reply,
    small_int,
)
from bot.i18n import Translator
from bot.step_kinds import StepKind
from bot.texts import webhooks as texts
from bot.texts.commands import usage
from domain.effects import WebhookDisabled
from domain.program import DEFAULT_TIMEZONE
from domain.webhooks import EndpointView
from infra import Step
from infra.dns import resolve_host


@dataclass(frozen=True)
class Reenabling:
    """A disabled endpoint to enable again."""

    endpoint_id: int


REENABLE = ButtonAction("wen", (int,))  # endpoint id: asks whether to enable it again
# The answer carries its step and "y" or "n".
REENABLING = Confirmation(
    StepKind("webhook_reenable", Reenabling),
    ButtonAction("wey", (int, Token)),
    declined=says(texts.reenable_declined),
)


def _reenable_buttons(
    t: Translator, endpoints: Sequence[EndpointView]
) -> InlineKeyboardMarkup | None:
    """A button for each disabled endpoint of the list."""
    rows = [
        [
            InlineKeyboardButton(
                t.pgettext("button", "Re-enable webhook {number}").format(number=e.number),
                callback_data=REENABLE.data(e.endpoint_id),
            )
        ]
        for e in endpoints
        if e.disabled_at is not None
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _timezone(viewer: Viewer) -> str:
    membership = viewer.identity.membership
    return membership.timezone if membership else DEFAULT_TIMEZONE


async def webhooks(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/webhooks [add URL | remove N]."""
    args = list(context.args or [])
    service = context.service.webhooks
    action = args[0].casefold() if args else "list"
    if action == "list" and len(args) <= 1:
        endpoints = await service.endpoints(viewer.user_id)
        await reply(
            update,
            texts.endpoints_list(viewer.t, endpoints, _timezone(viewer)),
            _reenable_buttons(viewer.t, endpoints),
        )
    elif action == "add" and len(args) == 2:
        policy = context.settings.webhook_policy
        new = await service.add_endpoint(viewer.user_id, args[1], policy, resolve_host)
        await reply(update, texts.endpoint_added(viewer.t, new))
    elif action == "remove" and len(args) == 2 and (number := small_int(args[1])) is not None:
        url = await service.remove_endpoint(viewer.user_id, number)
        await reply(update, texts.endpoint_removed(viewer.t, url))
    else:
        await reply(update, usage(viewer.t, "webhooks"))


async def _reenable(update: Update, context: BotContext, viewer: Viewer, endpoint_id: int) -> None:
    """Re-enable: says what happens (what waits is sent first, what came meanwhile never), asks."""
    found = await context.service.webhooks.disabled_endpoint(viewer.user_id, endpoint_id)
    buttons = await REENABLING.ask(context, viewer, Reenabling(found.endpoint_id))
    await reply(update, texts.reenable_question(viewer.t, found), buttons)


async def _reenable_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, asked: Reenabling
) -> None:
    enabled = await context.service.webhooks.enable_endpoint(viewer.user_id, asked.endpoint_id)
    await edit_or_reply(update, texts.reenabled(viewer.t, enabled))


async def tell_owner_disabled(courier: Courier, effect: WebhookDisabled) -> None:
    """The owner hears that an endpoint failed for three days and receives nothing more, with
    the button that enables it again."""
    found = await courier.service.own_bot.owner_of(effect.merchant_id)
    t = courier.language_of(found.owner, found.merchant_language)
    button = InlineKeyboardButton(
        t.pgettext("button", "Re-enable it"), callback_data=REENABLE.data(effect.endpoint_id)
    )
    await courier.message(
        effect.merchant_id,
        effect.owner_user_id,
        texts.endpoint_disabled(t, effect.url),
        InlineKeyboardMarkup([[button]]),
    )


FEATURE = Feature(
    name="webhooks",
    commands=(Command("webhooks", Audience.OWNER, webhooks),),
    buttons=((REENABLE, _reenable), *REENABLING.buttons(_reenable_confirmed)),
)
