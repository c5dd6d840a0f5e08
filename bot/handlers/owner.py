"""Owner commands: /setup, /addstore, /stores, /invite, /staff, /revoke, /program; invites."""

from __future__ import annotations

from telegram import InputFile, Update

from bot import keyboards, wallet
from bot.context import BotContext
from bot.exports import ledger_csv
from bot.handlers.common import Viewer, handles, reply
from bot.i18n import translator
from bot.menus import update_chat_menu
from bot.texts import general
from bot.texts import owner as owner_texts
from bot.texts import reports as report_texts
from domain import errors
from domain.model import SUMMARY_PERIODS, Identity

PENDING_SETUP = "pending_setup_name"
PENDING_INVITE = "pending_invite_token"


def _join_link(context: BotContext, code: str) -> str:
    return context.link(f"join_{code}")


async def _refresh_menu(update: Update, context: BotContext, viewer: Viewer) -> None:
    """After a role change: the person's own menu in their language."""
    identity = await context.service.staff.identity(viewer.user_id)
    if update.effective_chat is not None:
        await update_chat_menu(context.bot, update.effective_chat.id, identity, viewer.t)


@handles
async def setup(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/setup <business name>: merchant, first store and default program."""
    name = " ".join(context.args or [])
    if not name:
        await reply(update, general.usage(viewer.t, "setup"))
        return
    await create_business(update, context, viewer, name, switch=False)


async def create_business(
    update: Update, context: BotContext, viewer: Viewer, name: str, *, switch: bool
) -> None:
    t = viewer.t
    try:
        store = await context.service.merchants.setup(
            viewer.profile,
            name,
            language=t.language,
            reward=t.gettext("Free coffee"),
            points_reward_text=t.gettext("5 € voucher"),
            switch_membership=switch,
        )
    except errors.MembershipSwitchRequired as asked:
        context.chat_state[PENDING_SETUP] = name
        await reply(
            update,
            general.switch_question(t, asked.current_merchant_name),
            keyboards.yes_no_keyboard(
                t, keyboards.callback("su", "y"), keyboards.callback("su", "n")
            ),
        )
        return
    await reply(update, owner_texts.setup_done(t, store, _join_link(context, store.code)))
    await _refresh_menu(update, context, viewer)


@handles
async def addstore(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/addstore <name>."""
    name = " ".join(context.args or [])
    if not name:
        await reply(update, general.usage(viewer.t, "addstore"))
        return
    store = await context.service.merchants.add_store(viewer.user_id, name)
    await reply(update, owner_texts.store_added(viewer.t, store, _join_link(context, store.code)))


async def list_stores(update: Update, context: BotContext, viewer: Viewer) -> None:
    stores = await context.service.merchants.stores(viewer.user_id)
    await reply(
        update,
        owner_texts.stores_list(viewer.t, [(s, _join_link(context, s.code)) for s in stores]),
    )


@handles
async def invite(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/invite [store | all]: a one-time staff invite link, valid 72 hours."""
    reference = " ".join(context.args or []) or None
    if reference is not None and reference.lower() == "all":
        reference = None
    created = await context.service.staff.create_invite(viewer.user_id, reference)
    membership = viewer.identity.membership
    timezone = membership.timezone if membership else "Europe/Luxembourg"
    link = context.link(f"staff_{created.token}")
    await reply(update, owner_texts.invite_created(viewer.t, created, link, timezone))


@handles
async def staff(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/staff: the numbered staff list."""
    listing = await context.service.staff.list_staff(viewer.user_id)
    membership = viewer.identity.membership
    timezone = membership.timezone if membership else "Europe/Luxembourg"
    await reply(update, owner_texts.staff_list(viewer.t, listing, timezone))


@handles
async def revoke(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/revoke <number from /staff>: takes effect at once."""
    args = context.args or []
    if len(args) != 1 or not args[0].isascii() or not args[0].isdigit() or len(args[0]) > 6:
        await reply(update, general.usage(viewer.t, "revoke"))
        return
    member = await context.service.staff.revoke(viewer.user_id, int(args[0]))
    no_role = Identity(member.user_id, None, None, None, known=True)
    await update_chat_menu(context.bot, member.user_id, no_role, viewer.t)
    await reply(update, owner_texts.revoked(viewer.t, member))


@handles
async def program(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/program, or /program set <key> <value>."""
    args = context.args or []
    if not args:
        settings = await context.service.merchants.program(viewer.user_id)
        await reply(update, owner_texts.program_text(viewer.t, settings))
        return
    if args[0].lower() != "set" or len(args) < 3:
        await reply(update, general.usage(viewer.t, "program"))
        return
    key, value = args[1], " ".join(args[2:])
    await change_setting(update, context, viewer, key, value, confirm_merge=False)


async def change_setting(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    key: str,
    value: str,
    *,
    confirm_merge: bool,
) -> None:
    try:
        change = await context.service.merchants.change_program(
            viewer.user_id, key, value, confirm_merge=confirm_merge
        )
    except errors.MergeConfirmationRequired as asked:
        await reply(
            update,
            owner_texts.merge_question(viewer.t, asked.customers),
            keyboards.yes_no_keyboard(
                viewer.t, keyboards.callback("mg", "y"), keyboards.callback("mg", "n")
            ),
        )
        return
    for card_id in change.merged_into:
        wallet.card_changed_later(context, card_id)
    await reply(update, owner_texts.program_changed(viewer.t, key.lower(), change.settings))


async def accept_invite(
    update: Update, context: BotContext, viewer: Viewer, token: str, *, switch: bool = False
) -> None:
    """The staff_<token> deep link."""
    try:
        membership = await context.service.staff.accept_invite(
            viewer.profile, token, switch_membership=switch
        )
    except errors.MembershipSwitchRequired as asked:
        context.chat_state[PENDING_INVITE] = token
        await reply(
            update,
            general.switch_question(viewer.t, asked.current_merchant_name),
            keyboards.yes_no_keyboard(
                viewer.t, keyboards.callback("sw", "y"), keyboards.callback("sw", "n")
            ),
        )
        return
    await reply(update, general.staff_welcome(viewer.t, membership))
    await _refresh_menu(update, context, viewer)


@handles
async def summary(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/summary [today | yesterday | week | month]; week and month come with a chart."""
    args = context.args or []
    period = args[0].lower() if args else "today"
    if len(args) > 1 or period not in SUMMARY_PERIODS:
        await reply(update, report_texts.usage_summary(viewer.t))
        return
    report, series = await context.service.reports.summary_for_owner(viewer.user_id, period)
    await reply(update, report_texts.summary_text(viewer.t, report))
    if series:
        from bot.charts import activity_chart

        chart = activity_chart(viewer.t, report.merchant_name, series)
        chat = update.effective_chat
        assert chat is not None
        await chat.send_photo(InputFile(chart, filename="activity.png"))


@handles
async def export(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/export [days]: the ledger as a CSV file (default 30 days)."""
    args = context.args or []
    if len(args) > 1 or (
        args and not (args[0].isascii() and args[0].isdigit() and len(args[0]) <= 5)
    ):
        await reply(update, report_texts.usage_export(viewer.t))
        return
    days = int(args[0]) if args else 30
    timezone, rows = await context.service.reports.export_ledger(viewer.user_id, days)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(ledger_csv(viewer.t, timezone, rows), filename=f"ledger-{days}-days.csv"),
        caption=report_texts.export_caption(viewer.t, days, len(rows)),
    )


@handles
async def poster(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/poster [store]: a printable PNG with the store's join QR code."""
    reference = " ".join(context.args or [])
    if reference:
        store = await context.service.merchants.find_store(viewer.user_id, reference)
    else:
        store = (await context.service.merchants.stores(viewer.user_id))[0]
    settings = await context.service.merchants.program(viewer.user_id)
    words = translator(settings.language)  # the poster speaks to the merchant's customers
    from bot.poster import join_poster

    image = join_poster(
        business_name=store.merchant_name,
        store_name=store.name,
        link=_join_link(context, store.code),
        call_to_action=report_texts.poster_call_to_action(words, settings.type),
        instructions=report_texts.poster_instructions(words),
    )
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(image, filename=f"poster-{store.code}.png"),
        caption=report_texts.poster_caption(viewer.t, store.name),
        parse_mode="HTML",
    )
