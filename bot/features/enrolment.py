"""Joining a store's programme: /join and the join_ link of the poster's QR code."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.features.common import Audience, Command, Feature, Viewer, reply, show_enrolment
from bot.links import LinkKind
from bot.texts.commands import usage


async def join(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/join <store code>."""
    if not context.args or len(context.args) != 1:
        await reply(update, usage(viewer.t, "join"))
        return
    await join_store(update, context, viewer, context.args[0])


async def join_store(update: Update, context: BotContext, viewer: Viewer, code: str) -> None:
    enrolment = await context.service.customers.enrol(viewer.profile, code)
    await show_enrolment(update, context, viewer, enrolment)


FEATURE = Feature(
    name="enrolment",
    commands=(Command("join", Audience.CUSTOMER, join, in_menu=False),),
    deep_links={LinkKind.JOIN: join_store},
)
