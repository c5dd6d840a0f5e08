"""Scheduled work: daily summaries at each merchant's local time, points expiry and reminders,
the messages that bring customers back, and the clean-up of old bookkeeping.

The summary job runs every minute and asks the domain which summaries are due, so local times,
DST changes and summaries missed while the bot was down (each day once, up to a week back) all
follow from one rule. Summaries and
reminders are queued in the outbox together with their markers; the dispatcher sends them and
marks them done only once Telegram accepted them.
"""

from __future__ import annotations

import logging

from bot.context import BotContext

log = logging.getLogger(__name__)


async def send_due_summaries(context: BotContext) -> None:
    """Queue every daily summary whose time has come, and those missed while the bot was down
    (up to a week back), oldest first: the outbox sends an owner's messages in that order."""
    async with context.infra.locks.leader("daily-summaries") as leader:
        if not leader:
            return
        summaries = context.service.summaries
        queued = 0
        for merchant_id, day in await summaries.due_summaries():
            queued += await summaries.queue_summary(merchant_id, day)
        if queued:
            context.bot_data.runtime.dispatcher.wake()


async def expire_points_and_remind(context: BotContext) -> None:
    """Remind customers 7 days before their points expire; expire idle balances; tidy up."""
    async with context.infra.locks.leader("points-expiry") as leader:
        if not leader:
            return
        maintenance = context.service.maintenance
        for reminder in await maintenance.expiry_reminders_due():
            await maintenance.queue_expiry_reminder(reminder)
        expired = await maintenance.expire_idle_points()
        if expired:
            log.info("expired the points of %d idle cards", len(expired))
        pruned = await context.infra.inbox.prune()
        if pruned.unhandled:
            log.warning("dropped %d stored updates never handled within a week", pruned.unhandled)
        await context.infra.outbox.prune()
        await context.infra.steps.prune()
        await context.service.webhooks.prune()
        await maintenance.forget_old_lookup_failures()


async def pay_birthday_bonuses(context: BotContext) -> None:
    """Pay today's birthday bonuses; each is claimed once per customer, merchant and year, so
    running often (and after a restart) pays nothing twice."""
    async with context.infra.locks.leader("birthday-bonuses") as leader:
        if not leader:
            return
        paid = await context.service.bonuses.pay_birthday_bonuses()
        if paid:
            log.info("paid %d birthday bonuses", len(paid))


async def send_bring_back_messages(context: BotContext) -> None:
    """Queue the win-back and "almost there" messages that are due (each once per lapse)."""
    async with context.infra.locks.leader("bring-back") as leader:
        if not leader:
            return
        queued = await context.service.consent.queue_bring_back_messages()
        if queued:
            log.info("queued %d messages that bring customers back", queued)
            context.bot_data.runtime.dispatcher.wake()
