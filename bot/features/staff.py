"""Staff and invites: /invite, /staff, /revoke (after confirmation), and the staff_ link of an
invite."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Update

from bot.callbacks import ButtonAction, Token
from bot.confirmations import Confirmation
from bot.context import BotContext
from bot.courier import Courier, Undeliverable
from bot.features.common import (
    Audience,
    Command,
    Feature,
    Viewer,
    edit_or_reply,
    point_to_own_bot,
    reply,
)
from bot.links import LinkKind
from bot.step_kinds import StepKind
from bot.texts import general
from bot.texts import owner as owner_texts
from bot.texts.commands import usage
from domain import errors
from domain.effects import StaffJoinedNotice
from domain.program import DEFAULT_TIMEZONE
from infra import Step

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InviteSwitch:
    """Leaving one's staff seat for the business of this invite."""

    token: str


@dataclass(frozen=True)
class Revocation:
    """Removing a staff member: their number in /staff and the seat it named when asked."""

    number: int
    membership_id: int


# Each Yes/No answer carries its step and "y" or "n".
SWITCH = Confirmation(StepKind("invite_switch", InviteSwitch), ButtonAction("sw", (int, Token)))
REVOKE = Confirmation(StepKind("revoke", Revocation), ButtonAction("rv", (int, Token)))


def _timezone(viewer: Viewer) -> str:
    membership = viewer.identity.membership
    return membership.timezone if membership else DEFAULT_TIMEZONE


async def invite(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/invite [store | all]: a one-time staff invite link, valid 72 hours."""
    reference = " ".join(context.args or []) or None
    if reference is not None and reference.lower() == "all":
        reference = None
    created = await context.service.staff.create_invite(viewer.user_id, reference)
    link = context.link(LinkKind.STAFF, created.token, created.merchant_id)
    await reply(update, owner_texts.invite_created(viewer.t, created, link, _timezone(viewer)))


async def staff(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/staff: the numbered staff list."""
    listing = await context.service.staff.list_staff(viewer.user_id)
    await reply(update, owner_texts.staff_list(viewer.t, listing, _timezone(viewer)))


async def revoke(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/revoke <number from /staff>: asks "Remove <name>?"; Yes takes effect at once."""
    args = context.args or []
    if len(args) != 1 or not args[0].isascii() or not args[0].isdigit() or len(args[0]) > 6:
        await reply(update, usage(viewer.t, "revoke"))
        return
    member = await context.service.staff.staff_member(viewer.user_id, int(args[0]))
    asked = Revocation(member.number, member.membership_id)
    buttons = await REVOKE.ask(context, viewer, asked)
    await reply(update, owner_texts.revoke_question(viewer.t, member), buttons)


async def _revoke_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, asked: Revocation
) -> None:
    member = await context.service.staff.revoke(
        viewer.user_id, asked.number, membership_id=asked.membership_id
    )
    await context.menus.refresh(member.user_id, member.user_id, viewer.t)
    await edit_or_reply(update, owner_texts.revoked(viewer.t, member))


async def accept_invite(
    update: Update, context: BotContext, viewer: Viewer, token: str, *, switch: bool = False
) -> None:
    """The staff_<token> deep link."""
    try:
        membership = await context.service.staff.accept_invite(
            viewer.profile, token, switch_membership=switch
        )
    except errors.MembershipSwitchRequired as asked:
        buttons = await SWITCH.ask(context, viewer, InviteSwitch(token))
        await reply(update, general.switch_question(viewer.t, asked.current_merchant_name), buttons)
        return
    await reply(update, general.staff_welcome(viewer.t, membership))
    await context.menus.refresh(viewer.chat_id, viewer.user_id, viewer.t)
    await point_to_own_bot(update, context, viewer, membership.merchant_id)


async def _invite_link(update: Update, context: BotContext, viewer: Viewer, token: str) -> None:
    await accept_invite(update, context, viewer, token)


async def _switch_confirmed(
    update: Update, context: BotContext, viewer: Viewer, step: Step, asked: InviteSwitch
) -> None:
    await accept_invite(update, context, viewer, asked.token, switch=True)


FEATURE = Feature(
    name="staff",
    commands=(
        Command("invite", Audience.OWNER, invite),
        Command("staff", Audience.OWNER, staff),
        Command("revoke", Audience.OWNER, revoke),
    ),
    buttons=(*SWITCH.buttons(_switch_confirmed), *REVOKE.buttons(_revoke_confirmed)),
    deep_links={LinkKind.STAFF: _invite_link},
)


async def tell_owner_staff_joined(courier: Courier, effect: StaffJoinedNotice) -> None:
    try:
        joined = await courier.service.staff.staff_joined(effect.membership_id)
    except errors.StaffMemberNotFound:
        raise Undeliverable(f"membership {effect.membership_id} is gone") from None
    t = await courier.owner_language(joined.owner_user_id, joined.merchant_language)
    # The owner's own news: through the platform bot, where they run the café.
    await courier.message(None, joined.owner_user_id, owner_texts.staff_joined(t, joined))
