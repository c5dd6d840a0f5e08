"""What the owner reads: /summary [period], /insights and /export [days]."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.context import BotContext
from bot.exports import ledger_csv, ledger_xlsx
from bot.features.common import Audience, Command, Feature, Viewer, reply
from bot.texts import insights as insight_texts
from bot.texts import reports as report_texts
from domain.model import SUMMARY_PERIODS


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
