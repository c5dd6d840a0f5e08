"""Inviting friends: /invitefriend shows the customer's ref_ link for each merchant, and a
friend who opens it joins that merchant's programme as with /join."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.features.common import (
    Audience,
    Command,
    Feature,
    Viewer,
    invite_link,
    reply,
    show_enrolment,
)
from bot.links import LinkKind
from bot.texts import bonuses as bonus_texts
from domain import errors


async def invitefriend(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/invitefriend: the link to share, per card (one per merchant)."""
    cards = await context.service.customers.cards(viewer.user_id)
    if not cards:
        raise errors.NoCard()
    for card in cards:
        link = invite_link(context, card)
        if link is not None:
            await reply(update, bonus_texts.invite_text(viewer.t, card, link))


async def join_by_referral(update: Update, context: BotContext, viewer: Viewer, code: str) -> None:
    """A friend's ref_ link: join at the store of the friend's card, recorded as referred."""
    enrolment = await context.service.bonuses.join_by_referral(viewer.profile, code)
    await show_enrolment(update, context, viewer, enrolment)


FEATURE = Feature(
    name="referrals",
    commands=(Command("invitefriend", Audience.CUSTOMER, invitefriend),),
    deep_links={LinkKind.REFERRAL: join_by_referral},
)
