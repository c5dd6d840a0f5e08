"""Scheduled work: daily summaries at each merchant's local time, points expiry and reminders.

The summary job runs every minute and asks the domain which summaries are due, so local times,
DST changes and summaries missed while the bot was down all follow from one rule; the sent
marker in the database makes sure none goes out twice.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from telegram import InputFile
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from bot import wallet
from bot.context import BotContext
from bot.handlers.common import notify
from bot.i18n import choose_language, translator
from bot.ratelimit import SendPriority
from bot.texts.reports import expiry_reminder, summary_text

log = logging.getLogger(__name__)

WEEKLY_CHART_DAYS = 14


async def send_due_summaries(context: BotContext) -> None:
    """Send every daily summary whose time has come (and yesterday's, if it was missed)."""
    async with context.service.maintenance.exclusively("daily-summaries") as leader:
        if leader:
            await _send_due_summaries(context)


async def _send_due_summaries(context: BotContext) -> None:
    reports = context.service.reports
    for merchant_id, day in await reports.due_summaries():
        if not await reports.claim_summary(merchant_id, day):
            continue  # another worker has it
        try:
            await _send_summary(context, merchant_id, day)
        except Forbidden:
            log.info("an owner has blocked the bot; their summary is dropped")
        except TelegramError as failure:
            log.warning("a summary could not be sent, will retry: %s", failure)
            await reports.release_summary(merchant_id, day)


async def _send_summary(context: BotContext, merchant_id: int, day: date) -> None:
    summary = await context.service.reports.summary(merchant_id, day, day)
    owner = await context.service.staff.identity(summary.owner_user_id)
    t = translator(
        choose_language(
            owner.language,
            owner.telegram_language,
            summary.language,
            context.settings.default_language,
        )
    )
    await context.bot.send_message(
        summary.owner_user_id,
        summary_text(t, summary),
        parse_mode=ParseMode.HTML,
        rate_limit_args=SendPriority.BACKGROUND,
    )
    if day.weekday() == 0:  # Mondays: the chart of the last two weeks
        from bot.charts import activity_chart

        first = day - timedelta(days=WEEKLY_CHART_DAYS - 1)
        series = await context.service.reports.daily_series(merchant_id, first, day)
        chart = activity_chart(t, summary.merchant_name, series)
        await context.bot.send_photo(
            summary.owner_user_id,
            InputFile(chart, filename="activity.png"),
            rate_limit_args=SendPriority.BACKGROUND,
        )


async def expire_points_and_remind(context: BotContext) -> None:
    """Remind customers 7 days before their points expire; expire idle balances."""
    async with context.service.maintenance.exclusively("points-expiry") as leader:
        if leader:
            await _expire_points_and_remind(context)


async def _expire_points_and_remind(context: BotContext) -> None:
    maintenance = context.service.maintenance
    for reminder in await maintenance.expiry_reminders_due():
        await notify(
            context,
            reminder.customer,
            reminder.card.merchant_language,
            lambda t, r=reminder: expiry_reminder(t, r.card, r.expires_at),  # type: ignore[misc]
        )
        await maintenance.mark_expiry_reminded(reminder.card.card_id)
    expired = await maintenance.expire_idle_points()
    if expired:
        log.info("expired the points of %d idle cards", len(expired))
    for card_id in expired:
        wallet.card_changed_later(context, card_id)
    pruned = await context.service.inbox.prune()
    if pruned.unhandled:
        log.warning("dropped %d stored updates never handled within a week", pruned.unhandled)
    await maintenance.forget_old_lookup_failures()
