"""Webhooks for tills and tools (PRODUCT.md §12): /webhooks lists the owner's endpoints with
their recent deliveries, /webhooks add URL registers one (its signing secret shown once),
/webhooks remove N removes one; and the owner's notice when an endpoint was disabled."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.courier import Courier
from bot.features.common import Audience, Command, Feature, Viewer, reply, small_int
from bot.texts import webhooks as texts
from bot.texts.commands import usage
from domain.effects import WebhookDisabled
from domain.program import DEFAULT_TIMEZONE
from infra.dns import resolve_host


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
        await reply(update, texts.endpoints_list(viewer.t, endpoints, _timezone(viewer)))
    elif action == "add" and len(args) == 2:
        policy = context.settings.webhook_policy
        new = await service.add_endpoint(viewer.user_id, args[1], policy, resolve_host)
        await reply(update, texts.endpoint_added(viewer.t, new))
    elif action == "remove" and len(args) == 2 and (number := small_int(args[1])) is not None:
        url = await service.remove_endpoint(viewer.user_id, number)
        await reply(update, texts.endpoint_removed(viewer.t, url))
    else:
        await reply(update, usage(viewer.t, "webhooks"))


async def tell_owner_disabled(courier: Courier, effect: WebhookDisabled) -> None:
    """The owner hears that an endpoint failed for three days and receives nothing more."""
    found = await courier.service.own_bot.owner_of(effect.merchant_id)
    t = courier.language_of(found.owner, found.merchant_language)
    await courier.message(
        effect.merchant_id, effect.owner_user_id, texts.endpoint_disabled(t, effect.url)
    )


FEATURE = Feature(name="webhooks", commands=(Command("webhooks", Audience.OWNER, webhooks),))
