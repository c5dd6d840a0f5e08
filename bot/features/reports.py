"""What the owner reads: /summary [period], /insights and /export [days]."""

from __future__ import annotations

from datetime import timedelta

from telegram import InputFile, Update

from bot.context import BotContext
from bot.courier import Courier
from bot.exports import ledger_csv, ledger_xlsx
from bot.features.common import Audience, Command, Feature, Viewer, reply
from bot.ratelimit import SendPriority
from bot.texts import insights as insight_texts
from bot.texts import reports as report_texts
from domain.effects import SendSummary
from domain.model import SUMMARY_PERIODS, Activity


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

        brand = await context.service.brand.of_merchant(report.merchant_id)
        chart = activity_chart(
            viewer.t, report.merchant_name, report.program_type, series, brand.fill
        )
        chat = update.effective_chat
        assert chat is not None
        await chat.send_photo(
            InputFile(chart, filename="activity.png"),
            caption=report_texts.chart_caption(viewer.t, series[0].day, series[-1].day),
        )


async def export(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/export [days]: the ledger as a CSV file and an Excel workbook (default 30 days)."""
    args = context.args or []
    if len(args) > 1 or (
        args and not (args[0].isascii() and args[0].isdigit() and len(args[0]) <= 5)
    ):
        await reply(update, report_texts.usage_export(viewer.t))
        return
    days = int(args[0]) if args else 30
    ledger = await context.service.reports.export_ledger(viewer.user_id, days)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(ledger_csv(viewer.t, ledger), filename=f"ledger-{days}-days.csv"),
        caption=report_texts.export_caption(viewer.t, days, len(ledger.rows)),
    )
    await chat.send_document(
        InputFile(ledger_xlsx(viewer.t, ledger), filename=f"ledger-{days}-days.xlsx"),
        caption=report_texts.export_workbook_caption(viewer.t),
    )


async def insights(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/insights: whether customers come back — the key figures, then the cohorts' picture."""
    found = await context.service.insights.for_owner(viewer.user_id)
    await reply(update, insight_texts.insights_text(viewer.t, found))
    if not any(cohort.size for cohort in found.cohorts):
        return  # nobody's first visit in six months: an empty picture says nothing
    from bot.charts import cohort_chart

    membership = viewer.identity.membership
    assert membership is not None
    brand = await context.service.brand.of_merchant(membership.merchant_id)
    chart = cohort_chart(viewer.t, found.merchant_name, found.cohorts, brand.fill)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_photo(
        InputFile(chart, filename="insights.png"),
        caption=insight_texts.insights_caption(viewer.t),
    )


FEATURE = Feature(
    name="reports",
    commands=(
        Command("summary", Audience.OWNER, summary),
        Command("insights", Audience.OWNER, insights),
        Command("export", Audience.OWNER, export),
    ),
)


WEEKLY_CHART_DAYS = 14  # Monday's summary comes with the chart of the last two weeks


async def send_summary(courier: Courier, effect: SendSummary) -> None:
    """The owner's daily summary, through the bot that speaks for the café: one line on a quiet
    day (or nothing, as the owner chose); Mondays add the week's figures and the chart of the
    last two weeks, unless it would only draw zeros."""
    service, merchant_id, day = courier.service, effect.merchant_id, effect.day
    daily = await service.summaries.daily_summary(merchant_id, day)
    if daily.silent:  # a quiet day, and the owner wants no word about it
        return
    summary = daily.summary
    owner_id = summary.owner_user_id
    t = await courier.owner_language(owner_id, summary.language)
    sender = await courier.sender(merchant_id, owner_id)
    text = report_texts.daily_summary_text(t, daily)
    await courier.message(merchant_id, owner_id, text, sender=sender)
    if daily.week is None:
        return
    first = day - timedelta(days=WEEKLY_CHART_DAYS - 1)
    series = await service.reports.daily_series(merchant_id, first, day)
    if all(point.activity == Activity() for point in series):
        return
    from bot.charts import activity_chart

    brand = await service.brand.of_merchant(merchant_id)
    chart = activity_chart(t, summary.merchant_name, summary.program_type, series, brand.fill)
    await courier.through(
        sender,
        owner_id,
        lambda bot: bot.send_photo(
            owner_id,
            InputFile(chart, filename="activity.png"),
            caption=report_texts.chart_caption(t, first, day),
            rate_limit_args=SendPriority.BACKGROUND,
        ),
    )
